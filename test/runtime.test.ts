import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import semver from 'semver';
import { repoRoot } from '../appPackage/build';

/**
 * The service runs on Azure's Node LTS (infra/azure.bicep) and on Node 20 (CI on this machine). Code must use no
 * Node API newer than the oldest runtime package.json accepts: the typecheck enforces that because @types/node is
 * pinned to that oldest major and the ECMAScript lib to what it implements. These tests keep the pin honest.
 */
const root = repoRoot();
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version: string }>;
};
const oldest = semver.minVersion(pkg.engines.node)!;

describe('runtime floor (package.json engines, @types/node, tsconfig)', () => {
  it('accepts the Node this runs on', () => {
    assert.ok(semver.satisfies(process.version, pkg.engines.node), `${process.version} vs ${pkg.engines.node}`);
  });

  it('starts at Node 20.19: jose 6 is ESM only and our CommonJS build loads it with require(esm)', () => {
    assert.ok(semver.gte(oldest, '20.19.0'), `oldest accepted Node ${oldest}`);
    assert.equal(semver.satisfies('22.11.0', pkg.engines.node), false, 'Node 22 before 22.12 has no require(esm)');
    assert.equal(process.features.require_module, true);
  });

  it('types Node APIs as the oldest accepted Node has them (@types/node pinned to its major)', () => {
    const installed = lock.packages['node_modules/@types/node'].version;
    assert.equal(semver.major(installed), oldest.major, `@types/node ${installed} vs Node ${oldest}`);
    assert.equal(semver.minVersion(pkg.devDependencies['@types/node'])!.major, oldest.major);
  });

  it('targets an ECMAScript version Node 20 implements (target and lib ES2023 at most)', () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { target: string; lib: string[] };
    };
    const year = (s: string) => Number(/^es(\d{4})/i.exec(s)?.[1] ?? NaN);
    assert.ok(year(tsconfig.compilerOptions.target) <= 2023, tsconfig.compilerOptions.target);
    for (const lib of tsconfig.compilerOptions.lib) assert.ok(year(lib) <= 2023, lib);
  });
});
