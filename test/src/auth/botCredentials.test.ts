import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppCredentials } from 'botframework-connector';
import { productionEnvFor } from '../../../sandbox/appEnv';
import { startSandbox, type Sandbox } from '../../../sandbox/server';
import { createBotCredentialsFactory, MetadataDocuments, warmBotAppToken } from '../../../src/auth';
import { loadConfig, type AppConfig } from '../../../src/config';
import { forgetBotAppTokens } from '../../helpers/botAppTokenCache';

/** The bot's app token (client credentials) as botbuilder asks for it: once, however many invokes ask at once. */
describe('auth: the bot’s app token through botbuilder’s credentials factory', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  let config: AppConfig;
  let tmp: string;
  before(async () => {
    sandbox = await startSandbox({ dataDir: path.resolve('.sandbox-data'), port: 0 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-botcred-'));
    config = loadConfig({ ...productionEnvFor(sandbox.url), SHARE_LOG_PATH: path.join(tmp, 'log.sqlite') });
  });
  after(async () => {
    await sandbox?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    forgetBotAppTokens();
    sandbox.resetStats();
  });

  /** What CloudAdapter does for each invoke's UserTokenClient: credentials for the Bot Framework scope, then a token. */
  async function tokenAsBotbuilderAsks(factory: ReturnType<typeof createBotCredentialsFactory>): Promise<string> {
    const bf = config.botFramework;
    const credentials = await factory.createCredentials(config.bot.appId, bf.oauthScope, bf.loginUrl, false);
    return (credentials as AppCredentials).getToken();
  }

  it('30 concurrent first requests: one authority metadata and one client-credentials request', async () => {
    const factory = createBotCredentialsFactory(config, undefined, undefined, new MetadataDocuments());
    const tokens = await Promise.all(Array.from({ length: 30 }, () => tokenAsBotbuilderAsks(factory)));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(sandbox.count('entra.token.client_credentials'), 1);
    assert.equal(sandbox.count('entra.metadata'), 1);
  });

  it('after warm-up the first request costs nothing', async () => {
    const factory = createBotCredentialsFactory(config, undefined, undefined, new MetadataDocuments());
    await warmBotAppToken(config, factory);
    sandbox.resetStats();
    await tokenAsBotbuilderAsks(factory);
    assert.equal(sandbox.stats().total.count, 0);
  });

  it('a refused request is not kept: the next one asks again', async () => {
    sandbox.faults.add({ kind: 'entra.token.client_credentials', status: 503, times: 1 });
    const factory = createBotCredentialsFactory(config, undefined, undefined, new MetadataDocuments());
    await assert.rejects(tokenAsBotbuilderAsks(factory));
    assert.ok(await tokenAsBotbuilderAsks(factory));
    assert.equal(sandbox.count('entra.token.client_credentials'), 2);
  });
});
