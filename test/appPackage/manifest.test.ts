import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import AdmZip from 'adm-zip';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { PNG } from 'pngjs';
import { AppManifestUtils } from '@microsoft/app-manifest';
import {
  applyDistribution,
  buildAppPackage,
  findPlaceholders,
  loadBuildEnv,
  ManifestInvalidError,
  renderLocalizations,
  renderManifest,
  renderTemplate,
  repoRoot,
  UnresolvedPlaceholderError,
  unfurlDomainProblems,
  validateLocalizations,
  validateManifest,
  type Manifest,
} from '../../appPackage/build';
import { renderColorIcon, renderOutlineIcon } from '../../appPackage/icons';

const root = repoRoot();
const contracts = path.join(root, 'test', 'contracts');
const TEST_ENV = {
  TEAMS_APP_ID: '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f',
  BOT_ID: 'a1b2c3d4-e5f6-4789-9abc-def012345678',
  AAD_APP_CLIENT_ID: 'a1b2c3d4-e5f6-4789-9abc-def012345678',
  BOT_DOMAIN: 'sharelink-test.azurewebsites.net',
  APP_NAME_SUFFIX: '-test',
};

interface Command {
  id: string;
  type?: string;
  title: string;
  context?: string[];
  initialRun?: boolean;
  fetchTask?: boolean;
  parameters?: Array<{ name: string; title: string }>;
}

function vendoredSchema(version: '1.29' | '1.30'): object {
  return JSON.parse(fs.readFileSync(path.join(contracts, `teams-manifest-${version}.schema.json`), 'utf8')) as object;
}

/** SOURCES.md §6 b: the Teams manifest schema is draft-04. */
function validateWithVendored(manifest: unknown, version: '1.29' | '1.30'): string[] {
  const ajv = new Ajv04({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(vendoredSchema(version));
  return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function readPng(file: string): PNG {
  return PNG.sync.read(fs.readFileSync(path.join(root, 'appPackage', file)));
}

describe('appPackage/manifest.json', () => {
  let manifest: Manifest;
  let commands: Command[];

  before(() => {
    manifest = renderManifest(TEST_ENV);
    commands = (manifest.composeExtensions as Array<{ commands: Command[] }>)[0].commands;
  });

  it('uses only the Toolkit placeholders the environments provide', () => {
    const template = fs.readFileSync(path.join(root, 'appPackage', 'manifest.json'), 'utf8');
    assert.deepEqual(findPlaceholders(template).sort(), Object.keys(TEST_ENV).sort());
  });

  it('renders to a manifest that validates offline against the vendored Teams 1.30 schema', () => {
    assert.equal(manifest.manifestVersion, '1.30');
    assert.equal(
      manifest.$schema,
      'https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json',
    );
    assert.deepEqual(validateWithVendored(manifest, '1.30'), []);
    assert.deepEqual(validateManifest(manifest, vendoredSchema('1.30')), []);
  });

  it('also validates against 1.29 with the version fields changed (no 1.30-only feature used)', () => {
    const m = clone(manifest);
    m.manifestVersion = '1.29';
    m.$schema = String(m.$schema).replace('v1.30', 'v1.29');
    assert.deepEqual(validateWithVendored(m, '1.29'), []);
  });

  it('validates with the schema bundled in @microsoft/app-manifest, without network', async () => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = () => Promise.reject(new Error('network used'));
    try {
      assert.deepEqual(await AppManifestUtils.validateAgainstSchema(manifest as never), []);
    } finally {
      globalThis.fetch = realFetch;
    }
    assert.deepEqual(validateManifest(manifest), []);
  });

  it('declares exactly the three commands with their contexts and flags', () => {
    assert.deepEqual(
      commands.map((c) => c.id),
      ['findFile', 'shareLink', 'shareFromMessage'],
    );
    const [findFile, shareLink, shareFromMessage] = commands;
    assert.equal(findFile.type, 'query');
    assert.deepEqual(findFile.context, ['compose', 'commandBox']);
    assert.equal(findFile.initialRun, true);
    assert.deepEqual(
      findFile.parameters?.map((p) => [p.name, p.title]),
      [['q', 'File name']],
    );
    assert.equal(shareLink.type, 'action');
    assert.deepEqual(shareLink.context, ['compose', 'commandBox']);
    assert.equal(shareLink.fetchTask, true);
    assert.equal(shareLink.title, 'Create sharing link');
    assert.equal(shareFromMessage.type, 'action');
    assert.deepEqual(shareFromMessage.context, ['message']);
    assert.equal(shareFromMessage.fetchTask, true);
    assert.equal(shareFromMessage.title, 'Share this file');
  });

  it("is offered in private and shared channels too, where it reads the channel's own members (issue 13)", () => {
    // Teams enables an app with team scope in standard channels only unless it lists the other channel types.
    assert.deepEqual(manifest.supportedChannelTypes, ['sharedChannels', 'privateChannels']);
    assert.ok((manifest.bots as Array<{ scopes: string[] }>)[0].scopes.includes('team'));
  });

  it('wires the bot and the message extension to BOT_ID; link-unfurling domains come from the distribution', () => {
    const bots = manifest.bots as Array<{ botId: string; scopes: string[] }>;
    assert.equal(bots.length, 1);
    assert.equal(bots[0].botId, TEST_ENV.BOT_ID);
    assert.deepEqual(bots[0].scopes, ['personal', 'team', 'groupChat']);
    const ext = (manifest.composeExtensions as Array<Record<string, unknown>>)[0];
    assert.equal(ext.botId, TEST_ENV.BOT_ID);
    // The template registers none: appPackage/build.ts adds the organization's own hosts (see below).
    assert.equal(ext.messageHandlers, undefined);
  });

  it('points SSO at api://{BOT_DOMAIN}/botid-{BOT_ID} and lists the domains Teams must trust', () => {
    const web = manifest.webApplicationInfo as { id: string; resource: string };
    assert.equal(web.id, TEST_ENV.AAD_APP_CLIENT_ID);
    assert.equal(web.resource, `api://${TEST_ENV.BOT_DOMAIN}/botid-${TEST_ENV.BOT_ID}`);
    assert.ok(!web.resource.endsWith('/access_as_user'));
    assert.deepEqual(manifest.validDomains, [TEST_ENV.BOT_DOMAIN, 'token.botframework.com']);
  });

  it('has the personal tab and https URLs on BOT_DOMAIN', () => {
    const tabs = manifest.staticTabs as Array<Record<string, unknown>>;
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0].name, 'My shared links');
    assert.equal(tabs[0].contentUrl, `https://${TEST_ENV.BOT_DOMAIN}/tab/index.html`);
    assert.deepEqual(tabs[0].scopes, ['personal']);
    const dev = manifest.developer as Record<string, string>;
    assert.equal(dev.privacyUrl, `https://${TEST_ENV.BOT_DOMAIN}/privacy`);
    assert.equal(dev.termsOfUseUrl, `https://${TEST_ENV.BOT_DOMAIN}/terms`);
    assert.equal((manifest.name as { short: string }).short, 'Share Link-test');
  });

  it('rejects broken manifests (so the validation can fail)', () => {
    const badType = clone(manifest);
    (badType.composeExtensions as Array<{ commands: Command[] }>)[0].commands[0].type = 'search';
    assert.notDeepEqual(validateWithVendored(badType, '1.30'), []);
    assert.ok(validateManifest(badType).some((p) => p.includes('/composeExtensions/0/commands/0/type')));

    const v118 = clone(manifest);
    v118.manifestVersion = '1.18';
    assert.notDeepEqual(validateWithVendored(v118, '1.30'), []);
    const problems = validateManifest(v118);
    assert.ok(
      problems.some((p) => p.includes('"1.18" has no published Teams schema')),
      problems.join('\n'),
    );
    assert.ok(problems.some((p) => p.includes('does not match manifestVersion 1.18')));

    const badId = clone(manifest);
    badId.id = 'not-a-guid';
    assert.notDeepEqual(validateManifest(badId), []);

    const wrongResource = clone(manifest);
    (wrongResource.webApplicationInfo as { resource: string }).resource =
      `api://elsewhere.example.com/botid-${TEST_ENV.BOT_ID}`;
    assert.ok(validateManifest(wrongResource).some((p) => p.includes('not in validDomains')));
  });

  it('names every placeholder that has no value', () => {
    const { BOT_DOMAIN: _omit, ...partial } = TEST_ENV;
    assert.throws(
      () => renderManifest({ ...partial, BOT_ID: '' }),
      (err: unknown) =>
        err instanceof UnresolvedPlaceholderError &&
        err.names.includes('BOT_DOMAIN') &&
        err.names.includes('BOT_ID') &&
        /\$\{\{BOT_DOMAIN\}\}/.test(err.message),
    );
    // The production name has no suffix: an empty APP_NAME_SUFFIX is a value.
    assert.equal((renderManifest({ ...TEST_ENV, APP_NAME_SUFFIX: '' }).name as { short: string }).short, 'Share Link');
  });

  it('escapes values so they cannot break the JSON', () => {
    const m = renderTemplate('{"a": "${{X}}"}', { X: 'quote " and \\ backslash' });
    assert.equal(m.a, 'quote " and \\ backslash');
  });

  it('reads env/.env.{env} and lets the process environment win', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apppkg-env-'));
    try {
      fs.mkdirSync(path.join(dir, 'env'));
      fs.writeFileSync(path.join(dir, 'env', '.env.x'), 'BOT_DOMAIN=from-file.example.com\nBOT_ID=file\n');
      fs.writeFileSync(path.join(dir, 'env', '.env.x.user'), 'SECRET_Y=s\n');
      const env = loadBuildEnv('x', dir, { BOT_ID: 'process' });
      assert.equal(env.BOT_DOMAIN, 'from-file.example.com');
      assert.equal(env.BOT_ID, 'process');
      assert.equal(env.SECRET_Y, 's');
      assert.equal(env.TEAMSFX_ENV, 'x');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('appPackage icons', () => {
  it('color.png is 192×192 and opaque', () => {
    const png = readPng('color.png');
    assert.equal(png.width, 192);
    assert.equal(png.height, 192);
    for (let i = 3; i < png.data.length; i += 4) assert.equal(png.data[i], 255);
  });

  it('outline.png is 32×32, white on transparent, with a visible glyph', () => {
    const png = readPng('outline.png');
    assert.equal(png.width, 32);
    assert.equal(png.height, 32);
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
      if (a === 0) transparent++;
      else assert.deepEqual([r, g, b], [255, 255, 255], `pixel ${i / 4} is not white`);
      if (a === 255) opaque++;
    }
    assert.ok(transparent > 32 * 32 * 0.4, 'background is transparent');
    assert.ok(opaque > 50, 'the glyph is visible');
    // The four corners are background.
    for (const p of [0, 31, 32 * 31, 32 * 32 - 1]) assert.equal(png.data[p * 4 + 3], 0);
  });

  it('the committed icons are what appPackage/icons.ts draws', () => {
    assert.ok(renderColorIcon().equals(fs.readFileSync(path.join(root, 'appPackage', 'color.png'))));
    assert.ok(renderOutlineIcon().equals(fs.readFileSync(path.join(root, 'appPackage', 'outline.png'))));
  });
});

describe('appPackage/build.ts package', () => {
  let outDir: string;
  beforeEach(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'apppkg-build-'));
  });
  afterEach(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('zips exactly manifest.json, the two icons and the language files, and writes the rendered manifest', () => {
    const result = buildAppPackage({ envName: 'test', vars: TEST_ENV, outDir });
    assert.equal(path.basename(result.zipPath), 'appPackage.test.zip');
    assert.equal(path.basename(result.manifestPath), 'manifest.test.json');
    const zip = new AdmZip(result.zipPath);
    const names = zip
      .getEntries()
      .map((e) => e.entryName)
      .sort();
    assert.deepEqual(names, [
      'ar.json',
      'color.png',
      'de.json',
      'es.json',
      'fr.json',
      'ja.json',
      'manifest.json',
      'outline.png',
    ]);
    const de = JSON.parse(zip.readAsText('de.json')) as Manifest;
    assert.equal(de['name.short'], `Share Link${TEST_ENV.APP_NAME_SUFFIX}`, 'language files are rendered too');
    const inZip = JSON.parse(zip.readAsText('manifest.json')) as Manifest;
    assert.deepEqual(inZip, JSON.parse(fs.readFileSync(result.manifestPath, 'utf8')));
    assert.equal(inZip.id, TEST_ENV.TEAMS_APP_ID);
    assert.ok(zip.readFile('outline.png')?.equals(fs.readFileSync(path.join(root, 'appPackage', 'outline.png'))));
  });

  it('refuses to build with an invalid value and writes nothing', () => {
    assert.throws(
      () => buildAppPackage({ envName: 'test', vars: { ...TEST_ENV, TEAMS_APP_ID: 'nope' }, outDir }),
      (err: unknown) => err instanceof ManifestInvalidError && err.problems.some((p) => p.startsWith('/id ')),
    );
    assert.deepEqual(fs.readdirSync(outDir), []);
  });
});

describe('appPackage/build.ts: link-unfurling domains per distribution (issue 16)', () => {
  const rendered = () => renderManifest(TEST_ENV);
  const handlersOf = (m: Manifest) =>
    (m.composeExtensions as Array<{ messageHandlers?: Array<{ type: string; value: { domains: string[] } }> }>)[0]
      .messageHandlers;
  const TENANT_HOSTS = 'contoso.sharepoint.com, contoso-my.sharepoint.com';

  it('the template registers no link domains; organization registers exactly LINK_UNFURL_DOMAINS', () => {
    assert.equal(handlersOf(rendered()), undefined);
    const m = rendered();
    assert.deepEqual(applyDistribution(m, { LINK_UNFURL_DOMAINS: TENANT_HOSTS }), []);
    assert.deepEqual(handlersOf(m), [
      {
        type: 'link',
        value: { domains: ['contoso.sharepoint.com', 'contoso-my.sharepoint.com'], supportsAnonymizedPayloads: false },
      },
    ]);
    assert.deepEqual(validateManifest(m), []);
    assert.deepEqual(validateWithVendored(m, '1.30'), []);
    const none = rendered();
    assert.deepEqual(applyDistribution(none, { APP_DISTRIBUTION: 'organization', LINK_UNFURL_DOMAINS: '' }), []);
    assert.equal(handlersOf(none), undefined, 'empty: no unfurling');
  });

  it('store registers none and refuses LINK_UNFURL_DOMAINS', () => {
    const m = rendered();
    assert.deepEqual(applyDistribution(m, { APP_DISTRIBUTION: 'store' }), []);
    assert.equal(handlersOf(m), undefined);
    const problems = applyDistribution(rendered(), { APP_DISTRIBUTION: 'store', LINK_UNFURL_DOMAINS: TENANT_HOSTS });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /must be empty for APP_DISTRIBUTION=store/);
    assert.match(applyDistribution(rendered(), { APP_DISTRIBUTION: 'catalog' })[0]!, /not one of organization, store/);
  });

  it("refuses domains outside the organization's control, naming each", () => {
    for (const bad of [
      '*.sharepoint.com',
      '*.*.sharepoint.com',
      'sharepoint.com',
      'onedrive.live.com',
      '1drv.ms',
      '*.onmicrosoft.com',
      '*.com',
      'https://contoso.sharepoint.com',
      'contoso.sharepoint.com/sites',
      'contoso.*.com',
      'foo*.contoso.com',
    ]) {
      const m = rendered();
      const problems = applyDistribution(m, { LINK_UNFURL_DOMAINS: `contoso.sharepoint.com,${bad}` });
      assert.equal(problems.length, 1, `${bad}: ${problems.join(' | ')}`);
      assert.ok(problems[0]!.includes(bad.toLowerCase()), problems[0]);
      assert.equal(handlersOf(m), undefined, `${bad}: nothing registered`);
    }
  });

  it("accepts the tenant's own hosts and wildcards over a domain it owns", () => {
    for (const good of ['contoso.sharepoint.com', 'contoso-my.sharepoint.com', '*.contoso.com', 'files.contoso.de']) {
      assert.deepEqual(unfurlDomainProblems(good), [], good);
    }
  });

  it('validation refuses a manifest edited to register *.sharepoint.com, and the builder writes nothing then', () => {
    const m = rendered();
    (m.composeExtensions as Array<Record<string, unknown>>)[0]!.messageHandlers = [
      { type: 'link', value: { domains: ['*.sharepoint.com'] } },
    ];
    assert.ok(validateManifest(m).some((p) => p.startsWith('messageHandlers: "*.sharepoint.com"')));
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-dist-'));
    try {
      assert.throws(
        () =>
          buildAppPackage({ envName: 'test', vars: { ...TEST_ENV, LINK_UNFURL_DOMAINS: '*.sharepoint.com' }, outDir }),
        ManifestInvalidError,
      );
      assert.deepEqual(fs.readdirSync(outDir), []);
      const built = buildAppPackage({
        envName: 'test',
        vars: { ...TEST_ENV, APP_DISTRIBUTION: 'organization', LINK_UNFURL_DOMAINS: TENANT_HOSTS },
        outDir,
      });
      assert.deepEqual(handlersOf(built.manifest)?.[0]?.value.domains, [
        'contoso.sharepoint.com',
        'contoso-my.sharepoint.com',
      ]);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('the committed environments choose the organization catalog with no domains until the tenant names them', () => {
    for (const env of ['dev', 'local']) {
      const vars = loadBuildEnv(env, root, {});
      assert.equal(vars.APP_DISTRIBUTION, 'organization', env);
      assert.equal(vars.LINK_UNFURL_DOMAINS ?? '', '', env);
    }
  });
});

describe('appPackage language files (localizationInfo)', () => {
  let manifest: Manifest;
  let languages: Map<string, Manifest>;
  before(() => {
    manifest = renderManifest(TEST_ENV);
    languages = renderLocalizations(manifest, TEST_ENV, path.join(root, 'appPackage'));
  });

  it('names German, French, Spanish, Japanese and Arabic, English being the default', () => {
    const info = manifest.localizationInfo as {
      defaultLanguageTag: string;
      additionalLanguages: Array<{ languageTag: string }>;
    };
    assert.equal(info.defaultLanguageTag, 'en-us');
    assert.deepEqual(
      info.additionalLanguages.map((l) => l.languageTag),
      ['de', 'fr', 'es', 'ja', 'ar'],
    );
    assert.equal(languages.size, 5);
  });

  it('validates offline against the Teams 1.30 localization schema bundled in @microsoft/app-manifest', () => {
    assert.deepEqual(validateLocalizations(manifest, languages), []);
  });

  it('translates every text a person sees in Teams: name, descriptions, commands, parameter, tab', () => {
    for (const [name, strings] of languages) {
      for (const key of [
        'name.full',
        'description.short',
        'description.full',
        'composeExtensions[0].commands[0].title',
        'composeExtensions[0].commands[0].parameters[0].title',
        'composeExtensions[0].commands[1].title',
        'composeExtensions[0].commands[2].title',
        'staticTabs[0].name',
      ]) {
        const text = strings[key];
        assert.equal(typeof text, 'string', `${name}: ${key}`);
        assert.notEqual(text, manifest[key] ?? key, `${name}: ${key} is translated`);
      }
      assert.equal(
        strings['name.short'],
        `Share Link${TEST_ENV.APP_NAME_SUFFIX}`,
        'the product name stays, with its suffix',
      );
    }
  });

  it('reports a key that points at nothing, a file that breaks the schema and languages that disagree', () => {
    const broken = new Map(languages);
    const de = clone(languages.get('de.json')!);
    de['composeExtensions[0].commands[7].title'] = 'Gibt es nicht';
    broken.set('de.json', de);
    const fr = clone(languages.get('fr.json')!);
    delete fr['description.full'];
    fr['name.short'] = 'x'.repeat(40);
    broken.set('fr.json', fr);
    const problems = validateLocalizations(manifest, broken).join('\n');
    assert.match(problems, /de\.json: "composeExtensions\[0\]\.commands\[7\]\.title" is not a text of the manifest/);
    assert.match(problems, /fr\.json: .*description\.full/);
    assert.match(problems, /fr\.json: \/name\.short must NOT have more than 30 characters/);
    assert.match(problems, /fr\.json: localizes/);
  });
});
