import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import semver from 'semver';
import { loadConfig } from '../../src/config';
import { findPlaceholders, repoRoot } from '../../appPackage/build';

/**
 * `az bicep build` is not available offline, so these tests read the Bicep text: names, parameters and the
 * properties that matter for the service, the bot and the OAuth connection.
 */
const root = repoRoot();

/**
 * End of life of the Node.js LTS lines App Service offers (nodejs.org, "Node.js Releases" / release schedule): a
 * deployment must not target a line past it. Node 20 ended on 2026-04-30.
 */
const NODE_LTS_END_OF_LIFE: Record<number, string> = {
  20: '2026-04-30',
  22: '2027-04-30',
  24: '2028-04-30',
};
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

interface BicepParam {
  name: string;
  hasDefault: boolean;
  secure: boolean;
}

/** `param` declarations of a Bicep file, with whether each has a default and is @secure(). */
function bicepParams(text: string): BicepParam[] {
  const lines = text.split(/\r?\n/);
  const params: BicepParam[] = [];
  lines.forEach((line, i) => {
    const m = /^param\s+(\w+)\s+\w+(\s*=.*)?$/.exec(line);
    if (!m) return;
    let secure = false;
    for (let j = i - 1; j >= 0 && lines[j].startsWith('@'); j--) if (lines[j].startsWith('@secure()')) secure = true;
    params.push({ name: m[1], hasDefault: Boolean(m[2]), secure });
  });
  return params;
}

/** The `{ … }` block that follows the first match of `start`, by brace counting. */
function blockAfter(text: string, start: RegExp): string {
  const m = start.exec(text);
  assert.ok(m, `no ${start} in the Bicep file`);
  const open = text.indexOf('{', m.index + m[0].length - 1);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error('unbalanced braces');
}

/** `KEY: value` pairs at the first nesting level of a block. */
function topLevelEntries(block: string): Map<string, string> {
  const entries = new Map<string, string>();
  let depth = 1;
  for (const line of block.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/.exec(line);
    if (m && depth === 1) entries.set(m[1], m[2].trim());
    depth += (line.match(/[{[]/g) ?? []).length - (line.match(/[}\]]/g) ?? []).length;
  }
  return entries;
}

/** Setting names src/config.ts reads from the environment. */
function configSettingNames(): Set<string> {
  const text = read('src/config.ts');
  const names = [
    ...[...text.matchAll(/env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]),
    ...[...text.matchAll(/pick\('([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]),
  ];
  return new Set(names);
}

const azureBicep = read('infra/azure.bicep');
const botBicep = read('infra/botRegistration/azurebot.bicep');
const appSettings = topLevelEntries(
  blockAfter(azureBicep, /resource appSettings 'Microsoft\.Web\/sites\/config@[\w-]+' = \{[\s\S]*?properties:\s*\{/),
);

describe('infra/azure.bicep', () => {
  it('sets only app settings that src/config.ts reads (plus App Service build settings)', () => {
    const known = configSettingNames();
    assert.ok(known.has('BOT_ID') && known.has('AZURE_TABLE_CONNECTION_STRING'), 'config.ts parsing found the names');
    assert.ok(appSettings.size >= 15, `found ${appSettings.size} settings`);
    const unknown = [...appSettings.keys()].filter((k) => !known.has(k) && !/^(SCM|WEBSITE)_/.test(k));
    assert.deepEqual(unknown, []);
  });

  it('sets every setting production needs, with the fixed values the design requires', () => {
    for (const name of [
      'APP_MODE',
      'BOT_ID',
      'BOT_PASSWORD',
      'BOT_TENANT_ID',
      'BOT_TYPE',
      'AAD_APP_CLIENT_ID',
      'AAD_APP_CLIENT_SECRET',
      'APPLICATION_ID_URI',
      'BOT_ENDPOINT',
      'OAUTH_CONNECTION_NAME',
      'TEAMS_APP_ID',
      'ALLOWED_TENANT_IDS',
      'AZURE_TABLE_CONNECTION_STRING',
    ]) {
      assert.ok(appSettings.has(name), name);
    }
    assert.equal(appSettings.get('APP_MODE'), "'production'");
    assert.equal(appSettings.get('BOT_TYPE'), "'SingleTenant'");
    assert.equal(appSettings.get('BOT_PASSWORD'), 'botAadAppClientSecret');
    assert.equal(appSettings.get('APPLICATION_ID_URI'), 'applicationIdUri');
    assert.match(azureBicep, /var applicationIdUri = 'api:\/\/\$\{botDomain\}\/botid-\$\{botAadAppClientId\}'/);
    assert.equal(appSettings.get('BOT_ENDPOINT'), "'https://${botDomain}'");
  });

  it('gives loadConfig a complete production configuration', () => {
    // Each non-literal Bicep value replaced by what Azure would put there.
    const deployed: Record<string, string> = {
      LOG_LEVEL: 'info',
      BOT_ID: '6e1c7c5a-62a4-4c4a-9b39-2d0e1f7d1a01',
      BOT_PASSWORD: 'secret-value',
      BOT_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      AAD_APP_CLIENT_ID: '6e1c7c5a-62a4-4c4a-9b39-2d0e1f7d1a01',
      AAD_APP_CLIENT_SECRET: 'secret-value',
      AAD_APP_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      AAD_APP_OAUTH_AUTHORITY_HOST: 'https://login.microsoftonline.com/',
      APPLICATION_ID_URI: 'api://sharelink-ab12cd34.azurewebsites.net/botid-6e1c7c5a-62a4-4c4a-9b39-2d0e1f7d1a01',
      BOT_ENDPOINT: 'https://sharelink-ab12cd34.azurewebsites.net',
      OAUTH_CONNECTION_NAME: 'GraphConnection',
      TEAMS_APP_ID: '0b2c6f1e-5d4a-4e3b-9c8d-7a6b5c4d3e2f',
      TEAMS_APP_CATALOG_ID: '',
      ALLOWED_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      AZURE_TABLE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=eA==;EndpointSuffix=core.windows.net',
      AZURE_TABLE_NAME: 'ShareLog',
      POLICY_ALLOWED_SCOPES: '',
      POLICY_ALLOWED_TYPES: '',
      POLICY_MAX_EXPIRATION_DAYS: '0',
      POLICY_REQUIRE_EXPIRATION_FOR_ANONYMOUS: 'false',
      // redisSku none (the default): no Redis, everything per instance.
      REDIS_URL: '',
      REDIS_ENCRYPTION_KEY: '',
      SHARE_RATE_LIMIT: '60',
    };
    const env: Record<string, string> = {};
    for (const [name, value] of appSettings) {
      const literal = /^'([^'$]*)'$/.exec(value);
      if (literal) env[name] = literal[1];
      else {
        assert.ok(name in deployed, `add a deployed sample value for ${name}`);
        env[name] = deployed[name];
      }
    }
    const config = loadConfig(env);
    assert.equal(config.mode, 'production');
    assert.equal(config.bot.appType, 'SingleTenant');
    assert.equal(config.publicBaseUrl, 'https://sharelink-ab12cd34.azurewebsites.net');
    assert.equal(config.sso.authorityHost, 'https://login.microsoftonline.com');
    assert.deepEqual(config.store, {
      kind: 'azureTable',
      connectionString: env.AZURE_TABLE_CONNECTION_STRING,
      table: 'ShareLog',
    });
  });

  it('optional Azure Cache for Redis: TLS only, its URL and the encryption key wired, the instance count a parameter', () => {
    const cache = blockAfter(azureBicep, /resource redis 'Microsoft\.Cache\/redis@[\w-]+' = if \(useRedis\) /);
    assert.match(cache, /enableNonSslPort: false/);
    assert.match(cache, /minimumTlsVersion: '1\.2'/);
    assert.match(azureBicep, /param redisSku string = 'none'/);
    assert.match(azureBicep, /var useRedis = redisSku != 'none'/);
    assert.match(
      appSettings.get('REDIS_URL') ?? '',
      /^useRedis \? 'rediss:\/\/:\$\{redis\.listKeys\(\)\.primaryKey\}@/,
    );
    assert.equal(appSettings.get('REDIS_ENCRYPTION_KEY'), 'redisEncryptionKey');
    const params = bicepParams(azureBicep);
    assert.ok(params.find((p) => p.name === 'redisEncryptionKey')?.secure, 'the key is a @secure() parameter');
    assert.match(
      blockAfter(azureBicep, /resource serverFarm 'Microsoft\.Web\/serverfarms@[\w-]+' = /),
      /capacity: instanceCount/,
    );
    // As deployed with redisSku Standard: the service shares its state in Redis, encrypted with the key.
    const key = Buffer.alloc(32, 1).toString('base64');
    const deployed = {
      APP_MODE: 'production',
      BOT_ID: '6e1c7c5a-62a4-4c4a-9b39-2d0e1f7d1a01',
      BOT_PASSWORD: 'secret-value',
      BOT_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      APPLICATION_ID_URI: 'api://sharelink-ab12cd34.azurewebsites.net/botid-6e1c7c5a-62a4-4c4a-9b39-2d0e1f7d1a01',
      BOT_ENDPOINT: 'https://sharelink-ab12cd34.azurewebsites.net',
      OAUTH_CONNECTION_NAME: 'GraphConnection',
      TEAMS_APP_ID: '0b2c6f1e-5d4a-4e3b-9c8d-7a6b5c4d3e2f',
      REDIS_URL: 'rediss://:a2V5@sharelink-ab12cd34.redis.cache.windows.net:6380',
      REDIS_ENCRYPTION_KEY: key,
    };
    assert.equal(loadConfig(deployed).state.redis?.url, deployed.REDIS_URL);
    // A Redis without the key (SECRET_REDIS_ENCRYPTION_KEY forgotten): production refuses to start.
    assert.throws(() => loadConfig({ ...deployed, REDIS_ENCRYPTION_KEY: '' }), /REDIS_ENCRYPTION_KEY is required/);
  });

  it('runs a supported Node LTS on Linux, one package.json engines accepts, over https only, always on, without FTP', () => {
    const site = blockAfter(azureBicep, /resource webApp 'Microsoft\.Web\/sites@[\w-]+' = /);
    assert.match(site, /httpsOnly: true/);
    const runtime = /linuxFxVersion: 'NODE\|(\d+)-lts'/.exec(site);
    assert.ok(runtime, 'an App Service Node LTS stack (NODE|<major>-lts)');
    const major = Number(runtime[1]);
    const endOfLife = NODE_LTS_END_OF_LIFE[major];
    assert.ok(endOfLife, `Node ${major} is not an LTS line this test knows`);
    assert.ok(
      Date.now() < Date.parse(endOfLife),
      `Node ${major} reached end of life on ${endOfLife}: move infra/azure.bicep on`,
    );
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    assert.ok(semver.intersects(engines, `${major}.x`), `package.json engines (${engines}) must accept Node ${major}`);
    assert.match(site, /alwaysOn: true/);
    assert.match(site, /ftpsState: 'Disabled'/);
    assert.match(site, /appCommandLine: 'node dist\/src\/main\.js'/);
    assert.match(azureBicep, /reserved: true/);
  });

  it('keeps the share log in a table of a locked-down storage account', () => {
    const storage = blockAfter(azureBicep, /resource storage 'Microsoft\.Storage\/storageAccounts@[\w-]+' = /);
    assert.match(storage, /minimumTlsVersion: 'TLS1_2'/);
    assert.match(storage, /allowBlobPublicAccess: false/);
    assert.match(azureBicep, /resource shareLogTable 'Microsoft\.Storage\/storageAccounts\/tableServices\/tables@/);
    assert.equal(appSettings.get('AZURE_TABLE_NAME'), 'shareLogTable.name');
  });

  it('passes the bot module exactly the parameters it declares, and every required one', () => {
    const moduleParams = topLevelEntries(
      blockAfter(azureBicep, /module azureBot '\.\/botRegistration\/azurebot\.bicep' = \{[\s\S]*?params:\s*\{/),
    );
    const declared = bicepParams(botBicep);
    for (const name of moduleParams.keys())
      assert.ok(
        declared.some((p) => p.name === name),
        name,
      );
    for (const p of declared.filter((d) => !d.hasDefault))
      assert.ok(moduleParams.has(p.name), `module misses ${p.name}`);
  });

  it('outputs what teamsapp.yml and the manifest need', () => {
    const outputs = [...azureBicep.matchAll(/^output\s+([A-Z_]+)\s/gm)].map((m) => m[1]);
    for (const name of ['AZURE_APP_SERVICE_RESOURCE_ID', 'BOT_DOMAIN', 'BOT_ENDPOINT', 'BOT_ID'])
      assert.ok(outputs.includes(name), name);
  });
});

for (const { bicep, parameters } of [
  { bicep: 'infra/azure.bicep', parameters: 'infra/azure.parameters.json' },
  { bicep: 'infra/botRegistration/azurebot.bicep', parameters: 'infra/botRegistration/azurebot.parameters.local.json' },
]) {
  describe(parameters, () => {
    const declared = bicepParams(read(bicep));
    const given = Object.keys((JSON.parse(read(parameters)) as { parameters: Record<string, unknown> }).parameters);

    it(`names only parameters that ${path.basename(bicep)} declares and gives every required one`, () => {
      assert.ok(declared.length > 5);
      for (const name of given)
        assert.ok(
          declared.some((p) => p.name === name),
          `${name} is not a param of ${bicep}`,
        );
      for (const p of declared.filter((d) => !d.hasDefault)) assert.ok(given.includes(p.name), `${p.name} is required`);
    });

    it('feeds secrets only from SECRET_ variables into @secure() parameters', () => {
      const values = (JSON.parse(read(parameters)) as { parameters: Record<string, { value: string }> }).parameters;
      for (const [name, { value }] of Object.entries(values)) {
        const secretRefs = findPlaceholders(String(value)).filter((v) => v.startsWith('SECRET_'));
        const param = declared.find((p) => p.name === name);
        if (secretRefs.length) assert.ok(param?.secure, `${name} carries a secret but is not @secure()`);
        if (param?.secure) assert.match(String(value), /^\$\{\{SECRET_[A-Z0-9_]+\}\}$/);
      }
    });
  });
}

describe('infra/botRegistration/azurebot.bicep', () => {
  it('registers a single-tenant Azure Bot at https://{domain}/api/messages', () => {
    const bot = blockAfter(botBicep, /resource botService 'Microsoft\.BotService\/botServices@[\w-]+' = /);
    assert.match(bot, /kind: 'azurebot'/);
    assert.match(bot, /location: 'global'/);
    assert.match(bot, /msaAppType: 'SingleTenant'/);
    assert.match(bot, /msaAppId: botAadAppClientId/);
    assert.match(bot, /msaAppTenantId: botTenantId/);
    assert.match(bot, /endpoint: 'https:\/\/\$\{botDomain\}\/api\/messages'/);
  });

  it('enables the Teams and Microsoft 365 (Outlook) channels', () => {
    assert.match(botBicep, /channelName: 'MsTeamsChannel'/);
    assert.match(botBicep, /channelName: 'M365Extensions'/);
  });

  it('adds the Azure AD v2 OAuth connection whose token exchange URL is the Application ID URI', () => {
    const conn = blockAfter(
      botBicep,
      /resource graphConnection 'Microsoft\.BotService\/botServices\/connections@[\w-]+' = /,
    );
    assert.match(conn, /serviceProviderId: '30dd229c-58e3-4a48-bdfd-91ec48eb906c'/);
    assert.match(conn, /serviceProviderDisplayName: 'Azure Active Directory v2'/);
    assert.match(conn, /clientId: botAadAppClientId/);
    assert.match(conn, /clientSecret: botAadAppClientSecret/);
    assert.match(conn, /key: 'tenantID'\s+value: botTenantId/);
    assert.match(conn, /key: 'tokenExchangeUrl'\s+value: applicationIdUri/);
    assert.match(botBicep, /var applicationIdUri = 'api:\/\/\$\{botDomain\}\/botid-\$\{botAadAppClientId\}'/);
    assert.match(
      botBicep,
      /param graphScopes string = 'Files\.ReadWrite\.All Sites\.ReadWrite\.All User\.Read Chat\.ReadBasic openid profile offline_access'/,
    );
    assert.match(conn, /scopes: graphScopes/);
  });
});
