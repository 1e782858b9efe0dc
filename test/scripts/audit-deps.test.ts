import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  audit,
  inRange,
  installedPackages,
  main,
  readVendored,
  selectForVendoring,
  unexcused,
  type OsvAdvisory,
} from '../../scripts/audit-deps';

const root = path.resolve(__dirname, '..', '..', '..');
const script = path.join(root, 'dist', 'scripts', 'audit-deps.js');
const vendored = path.join(root, 'security', 'advisories.json');

/** A lockfile (v3) with the given packages; `dev` marks development-only ones. */
function lockfile(packages: Record<string, { version: string; dev?: boolean }>) {
  return {
    name: 'x',
    lockfileVersion: 3,
    packages: { '': { name: 'x', version: '1.0.0' }, ...packages },
  };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'audit-deps-'));
}

const expressRedirectXss: OsvAdvisory = {
  id: 'GHSA-qw6h-vgh9-j6wx',
  summary: 'express vulnerable to XSS via response.redirect()',
  affected: [
    {
      package: { ecosystem: 'npm', name: 'express' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.20.0' }] }],
    },
    {
      package: { ecosystem: 'npm', name: 'express' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '5.0.0-alpha.1' }, { fixed: '5.0.0' }] }],
    },
  ],
  database_specific: { severity: 'MODERATE' },
};

describe('scripts/audit-deps (offline dependency audit)', () => {
  it('the lockfile installs no production package with a known advisory (what npm test enforces)', () => {
    const lines: string[] = [];
    assert.equal(
      main([], (l) => lines.push(l)),
      0,
      lines.join('\n'),
    );
    assert.match(lines.join('\n'), /production packages, \d+ advisories: none affected/);
  });

  it('fails, exit code 1, on a vulnerable transitive production dependency, naming it, the advisory and the fix', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify(
        lockfile({
          'node_modules/botbuilder': { version: '4.23.3' },
          'node_modules/botbuilder/node_modules/express': { version: '4.19.2' },
        }),
      ),
    );
    const run = spawnSync(process.execPath, [script, '--lockfile', path.join(dir, 'package-lock.json')], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /express@4\.19\.2 \(node_modules\/botbuilder\/node_modules\/express\): GHSA-qw6h-vgh9-j6wx/,
    );
    assert.match(run.stdout, /fixed in 4\.20\.0/);
  });

  it('every vendored advisory fails the check for a version it names as affected, and passes its fixed version', () => {
    const advisories = readVendored(vendored);
    assert.ok(advisories.length >= 10, `${advisories.length} vendored advisories`);
    for (const a of advisories) {
      for (const x of a.affected ?? []) {
        for (const r of x.ranges ?? []) {
          const events = r.events ?? [];
          const introduced = events.find((e) => e.introduced)?.introduced;
          const fixed = events.find((e) => e.fixed)?.fixed;
          if (!introduced || !fixed || introduced === '0') continue;
          const name = x.package!.name!;
          const hit = audit([{ name, version: introduced, location: `node_modules/${name}`, dev: false }], [a]);
          assert.equal(hit.length, 1, `${a.id}: ${name}@${introduced} should be flagged`);
          const clean = audit([{ name, version: fixed, location: `node_modules/${name}`, dev: false }], [a]);
          assert.equal(clean.length, 0, `${a.id}: ${name}@${fixed} should pass`);
        }
      }
    }
  });

  it('reads OSV ranges: introduced 0, fixed, last_affected, pre-releases, several ranges per advisory', () => {
    const r = [{ introduced: '0' }, { fixed: '4.20.0' }];
    assert.equal(inRange('4.19.2', r), true);
    assert.equal(inRange('4.20.0', r), false);
    assert.equal(inRange('5.3.0', r), false);
    assert.equal(inRange('5.0.0-beta.1', [{ introduced: '5.0.0-alpha.1' }, { fixed: '5.0.0' }]), true);
    assert.equal(inRange('5.0.0', [{ introduced: '5.0.0-alpha.1' }, { fixed: '5.0.0' }]), false);
    assert.equal(inRange('1.2.0', [{ introduced: '1.0.0' }, { last_affected: '1.2.0' }]), true);
    assert.equal(inRange('1.2.1', [{ introduced: '1.0.0' }, { last_affected: '1.2.0' }]), false);
    assert.equal(inRange('0.9.0', [{ introduced: '1.0.0' }, { fixed: '2.0.0' }]), false);
    assert.equal(inRange('3.0.0', [{ introduced: '1.0.0' }, { fixed: '2.0.0' }, { introduced: '3.0.0' }]), true);
  });

  it('ignores development-only packages unless asked, withdrawn advisories and other ecosystems', () => {
    const pkgs = installedPackages(lockfile({ 'node_modules/express': { version: '4.19.2', dev: true } }));
    assert.equal(
      audit(
        pkgs.filter((p) => !p.dev),
        [expressRedirectXss],
      ).length,
      0,
    );
    assert.equal(audit(pkgs, [expressRedirectXss]).length, 1, '--include-dev audits them');
    assert.equal(audit(pkgs, [{ ...expressRedirectXss, withdrawn: '2024-10-01T00:00:00Z' }]).length, 0);
    const pypi = {
      ...expressRedirectXss,
      affected: [{ ...expressRedirectXss.affected![0], package: { ecosystem: 'PyPI', name: 'express' } }],
    };
    assert.equal(audit(pkgs, [pypi]).length, 0);
  });

  it('matches package names case-insensitively (the database spells one "Axios")', () => {
    const axios: OsvAdvisory = {
      id: 'GHSA-8hc4-vh64-cxmj',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'Axios' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.3.2' }, { fixed: '1.7.4' }] }],
        },
      ],
    };
    assert.equal(
      audit([{ name: 'axios', version: '1.7.2', location: 'node_modules/axios', dev: false }], [axios]).length,
      1,
    );
  });

  it('a dated exception excuses a finding until its date, then the check fails again', () => {
    const findings = audit(
      [{ name: 'express', version: '4.19.2', location: 'node_modules/express', dev: false }],
      [expressRedirectXss],
    );
    const ex = { 'GHSA-qw6h-vgh9-j6wx': { reason: 'redirect() is never called with input', until: '2026-12-31' } };
    assert.equal(unexcused(findings, ex, new Date('2026-12-01')).length, 0);
    assert.equal(unexcused(findings, ex, new Date('2027-01-02')).length, 1);
  });

  it('--db adds a folder of OSV files (a checkout of the advisory database) to the vendored set', () => {
    const dir = tempDir();
    const db = path.join(dir, 'advisories', 'github-reviewed', '2024', '09', expressRedirectXss.id);
    fs.mkdirSync(db, { recursive: true });
    fs.writeFileSync(path.join(db, `${expressRedirectXss.id}.json`), JSON.stringify(expressRedirectXss));
    fs.writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify(lockfile({ 'node_modules/express': { version: '4.19.2' } })),
    );
    const empty = path.join(dir, 'empty.json');
    fs.writeFileSync(empty, JSON.stringify({ advisories: [] }));
    const args = ['--lockfile', path.join(dir, 'package-lock.json'), '--advisories', empty];
    assert.equal(
      main(args, () => {}),
      0,
    );
    assert.equal(
      main([...args, '--db', path.join(dir, 'advisories')], () => {}),
      1,
    );
  });

  it('--refresh-from keeps the npm advisories about packages in the lockfile, in the form the check reads', () => {
    const other: OsvAdvisory = {
      id: 'GHSA-aaaa-bbbb-cccc',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'left-pad' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
        },
      ],
    };
    const selected = selectForVendoring(
      [expressRedirectXss, other],
      installedPackages(lockfile({ 'node_modules/express': { version: '5.3.0' } })),
    );
    assert.deepEqual(
      selected.map((a) => a.id),
      ['GHSA-qw6h-vgh9-j6wx'],
    );
    assert.equal(audit([{ name: 'express', version: '4.0.0', location: 'x', dev: false }], selected).length, 1);
  });
});
