import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import * as yaml from 'js-yaml';
import { readEnvFiles } from '../src/config';
import { findPlaceholders, repoRoot } from '../appPackage/build';

const root = repoRoot();

interface Step {
  uses: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}
interface ProjectFile {
  version: string;
  environmentFolderPath: string;
  provision: Step[];
  deploy?: Step[];
  publish?: Step[];
}

/** Variables the Toolkit itself defines for every run. */
const TOOLKIT_BUILT_INS = ['TEAMSFX_ENV'];

/**
 * Per environment: variables the operator sets (or the Toolkit prompts for) before provisioning, which may be empty
 * in the committed env file. Any other variable must have a value in the env file or be produced by an earlier step.
 */
const OPERATOR_SUPPLIED: Record<string, string[]> = {
  dev: [
    'AZURE_SUBSCRIPTION_ID',
    'AZURE_RESOURCE_GROUP_NAME',
    'ALLOWED_TENANT_IDS',
    'POLICY_ALLOWED_SCOPES',
    'POLICY_ALLOWED_TYPES',
    // Empty until `publish` writes the catalog id; provisioning again then passes it to the service.
    'TEAMS_APP_PUBLISHED_APP_ID',
    // Only needed with REDIS_SKU other than none; the operator puts it into env/.env.dev.user.
    'SECRET_REDIS_ENCRYPTION_KEY',
  ],
  local: ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'BOT_DOMAIN', 'BOT_ENDPOINT'],
};

const PROJECT_FILES = [
  { file: 'teamsapp.yml', env: 'dev' },
  { file: 'teamsapp.local.yml', env: 'local' },
];

function load(file: string): { text: string; doc: ProjectFile } {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return { text, doc: yaml.load(text) as ProjectFile };
}

function schemaFor(version: string): object {
  const file = path.join(root, 'test', 'contracts', `teamsapp-yaml-${version}.schema.json`);
  assert.ok(fs.existsSync(file), `no vendored schema for ${version}`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as object;
}

/** SOURCES.md §6 d. */
function validateProject(doc: unknown, version: string): string[] {
  const ajv = new Ajv({ allowUnionTypes: true, allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schemaFor(version));
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function readRepoFile(rel: string): string {
  return fs.readFileSync(path.join(root, rel), 'utf8');
}

/** `${{VAR}}`s a step uses, including those inside the files it renders (manifests, ARM parameters). */
function referencedVars(step: Step): string[] {
  const refs = new Set(findPlaceholders(JSON.stringify(step.with ?? {})));
  const w = step.with ?? {};
  const files: string[] = [];
  if (typeof w.manifestPath === 'string') files.push(w.manifestPath);
  if (step.uses === 'arm/deploy') {
    for (const t of w.templates as Array<{ parameters?: string }>) if (t.parameters) files.push(t.parameters);
  }
  for (const f of files) for (const v of findPlaceholders(readRepoFile(f))) refs.add(v);
  return [...refs];
}

/** Names a step writes into the environment: writeToEnvironmentFile, Bicep outputs, generated permission ids. */
function producedVars(step: Step): string[] {
  const out = Object.values(step.writeToEnvironmentFile ?? {});
  if (step.uses === 'arm/deploy') {
    for (const t of (step.with?.templates ?? []) as Array<{ path: string }>) {
      out.push(...[...readRepoFile(t.path).matchAll(/^output\s+([A-Z][A-Z0-9_]*)\s/gm)].map((m) => m[1]));
    }
  }
  return [...out, ...selfGeneratedVars(step)];
}

/** aadApp/update generates the access_as_user id when its manifest uses it and the variable is empty (schema text). */
function selfGeneratedVars(step: Step): string[] {
  const id = 'AAD_APP_ACCESS_AS_USER_PERMISSION_ID';
  return step.uses === 'aadApp/update' && readRepoFile(String(step.with?.manifestPath)).includes(id) ? [id] : [];
}

/** Walks provision, deploy, publish in order and returns every use of a variable nobody provides by then. */
function unprovidedVars(doc: ProjectFile, envName: string): string[] {
  const envFile = readEnvFiles(path.join(root, 'env'), envName);
  const available = new Set<string>(TOOLKIT_BUILT_INS);
  for (const [k, v] of Object.entries(envFile)) {
    if ((v ?? '') !== '' || OPERATOR_SUPPLIED[envName].includes(k)) available.add(k);
  }
  const problems: string[] = [];
  for (const stage of ['provision', 'deploy', 'publish'] as const) {
    (doc[stage] ?? []).forEach((step, i) => {
      for (const v of selfGeneratedVars(step)) available.add(v);
      for (const v of referencedVars(step)) {
        if (!available.has(v)) problems.push(`${stage}[${i}] ${step.uses} uses \${{${v}}}`);
      }
      for (const v of producedVars(step)) available.add(v);
    });
  }
  return problems;
}

for (const { file, env } of PROJECT_FILES) {
  describe(file, () => {
    const { text, doc } = load(file);

    it('declares a v1.11–v1.13 version that matches its yaml-language-server header', () => {
      assert.match(doc.version, /^v1\.1[123]$/);
      const header = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
      assert.ok(header, 'missing the yaml-language-server header');
      assert.equal(header[1], `https://aka.ms/m365-agents-toolkits/${doc.version}/yaml.schema.json`);
      assert.equal(doc.environmentFolderPath, './env');
    });

    it('validates against the vendored Toolkit schema', () => {
      assert.deepEqual(validateProject(doc, doc.version), []);
    });

    it('uses only variables that the env file or an earlier step provides', () => {
      assert.deepEqual(unprovidedVars(doc, env), []);
    });

    it('keeps secrets in SECRET_ variables only', () => {
      for (const step of doc.provision) {
        const secret = (step.writeToEnvironmentFile ?? {}).clientSecret;
        if (secret) assert.match(secret, /^SECRET_/);
      }
      const committed = fs.readFileSync(path.join(root, 'env', `.env.${env}`), 'utf8');
      assert.doesNotMatch(committed, /^(SECRET_\w*|\w*PASSWORD|\w*CLIENT_SECRET)=\S/m);
    });

    it('files the steps point at exist', () => {
      for (const stage of [doc.provision, doc.deploy ?? [], doc.publish ?? []]) {
        for (const step of stage) {
          const w = step.with ?? {};
          for (const key of ['manifestPath', 'ignoreFile']) {
            if (typeof w[key] === 'string') assert.ok(fs.existsSync(path.join(root, w[key] as string)), `${w[key]}`);
          }
          for (const t of (w.templates ?? []) as Array<{ path: string; parameters?: string }>) {
            assert.ok(fs.existsSync(path.join(root, t.path)), t.path);
            if (t.parameters) assert.ok(fs.existsSync(path.join(root, t.parameters)), t.parameters);
          }
        }
      }
    });
  });
}

describe('teamsapp.yml lifecycle', () => {
  const { doc } = load('teamsapp.yml');

  it('provisions in an order where each step has what it needs', () => {
    assert.deepEqual(
      doc.provision.map((s) => s.uses),
      [
        'teamsApp/create',
        'aadApp/create',
        'arm/deploy',
        'aadApp/update',
        'teamsApp/validateManifest',
        'cli/runNpmCommand',
        'teamsApp/validateAppPackage',
        'teamsApp/update',
      ],
    );
    const aad = doc.provision[1];
    assert.equal(aad.with?.generateClientSecret, true);
    assert.equal(aad.with?.signInAudience, 'AzureADMyOrg');
    assert.equal(aad.writeToEnvironmentFile?.clientId, 'AAD_APP_CLIENT_ID');
    assert.equal(doc.provision[3].with?.manifestPath, './aad.manifest.json');
  });

  it('deploys the built service to the App Service from arm/deploy and publishes the package', () => {
    assert.deepEqual(
      (doc.deploy ?? []).map((s) => s.uses),
      ['cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy'],
    );
    assert.equal(doc.deploy?.[2].with?.resourceId, '${{AZURE_APP_SERVICE_RESOURCE_ID}}');
    assert.equal(doc.publish?.at(-1)?.uses, 'teamsApp/publishAppPackage');
  });

  it('zips the package with the package builder (distribution-aware), never teamsApp/zipAppPackage', () => {
    for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
      const project = load(file).doc;
      const steps = [...project.provision, ...(project.publish ?? [])];
      assert.ok(!steps.some((s) => s.uses === 'teamsApp/zipAppPackage'), file);
      const builds = steps.filter((s) => s.uses === 'cli/runNpmCommand' && /package:app/.test(String(s.with?.args)));
      assert.ok(builds.length >= 1, file);
      for (const b of builds) assert.equal(b.with?.args, 'run package:app -- ${{TEAMSFX_ENV}}');
    }
  });
});

describe('Toolkit schema check can fail', () => {
  const { doc } = load('teamsapp.yml');

  it('rejects an unknown action, a missing required input and a wrong version', () => {
    const typo = structuredClone(doc);
    typo.provision[0].uses = 'teamsApp/creat';
    assert.notDeepEqual(validateProject(typo, doc.version), []);

    const missing = structuredClone(doc);
    delete missing.provision[1].writeToEnvironmentFile?.clientSecret;
    assert.notDeepEqual(validateProject(missing, doc.version), []);

    const wrongVersion = structuredClone(doc);
    wrongVersion.version = 'v1.7';
    assert.notDeepEqual(validateProject(wrongVersion, doc.version), []);
  });

  it('reports a variable used before any step provides it', () => {
    const early = structuredClone(doc);
    // Validating the manifest before arm/deploy has produced BOT_DOMAIN must be caught.
    const validate = early.provision.splice(4, 1)[0];
    early.provision.splice(1, 0, validate);
    const problems = unprovidedVars(early, 'dev');
    assert.ok(
      problems.some((p) => p.includes('${{BOT_DOMAIN}}')),
      problems.join('\n'),
    );
  });
});
