import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import type { AppCredentials } from 'botframework-connector';
import { mintSsoToken } from '../../../sandbox/tokens';
import { createAuthServices } from '../../../src/auth';
import { createBotCredentialsFactory } from '../../../src/auth/msalClient';
import { loadConfig, type AppConfig } from '../../../src/config';
import { createLogger } from '../../../src/log';
import { newSigningKey, startEntraStandIn, users, type EntraStandIn } from './entraStandIn';
import { FakeUserTokenClient, invokeActivity } from './fakeUserTokenClient';

/** The app's sandbox configuration pointed at the stand-in Entra. */
function configFor(entra: EntraStandIn): AppConfig {
  const base = loadConfig({ APP_MODE: 'sandbox' });
  return {
    ...base,
    sso: { ...base.sso, authorityHost: entra.url },
    botFramework: { ...base.botFramework, loginUrl: `${entra.url}/botframework.com` },
  };
}

describe('auth: wiring, bot credentials and logs', () => {
  let entra: EntraStandIn;
  const u = users();

  before(async () => {
    entra = await startEntraStandIn();
  });
  after(async () => {
    await entra.close();
  });

  it("the bot's outbound app token comes from the configured Bot Framework login URL", async () => {
    const config = configFor(entra);
    const factory = createBotCredentialsFactory(config);
    const creds = (await factory.createCredentials(
      config.bot.appId,
      config.botFramework.oauthScope,
      config.botFramework.loginUrl,
      false,
    )) as AppCredentials;
    const before = entra.tokenRequests.length;
    // forceRefresh: botframework-connector caches app tokens statically per app id and scope across tests.
    const token = await creds.getToken(true);
    assert.match(token, /^app-token-/);
    const req = entra.tokenRequests[before];
    assert.equal(req.tenantId, 'botframework.com');
    assert.equal(req.form.grant_type, 'client_credentials');
    assert.equal(req.form.scope, 'https://api.botframework.com/.default');
  });

  it('no token, assertion, secret or magic code reaches any log line, even at trace level with msal logging', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger('trace', sink);
    const config = configFor(entra);
    const auth = createAuthServices(config, { logger, clock: { now: () => Date.now() } });
    const utc = new FakeUserTokenClient();
    const secrets: string[] = [config.sso.clientSecret];
    const ask = async (user: typeof u.adele, extra: Record<string, unknown> = {}) => {
      const res = await auth.broker.getGraphToken({
        tenantId: user.tenantId,
        aadObjectId: user.id,
        teamsUserId: user.teamsId,
        channelId: 'msteams',
        userTokenClient: utc,
        activity: invokeActivity(user.teamsId, user.id, user.tenantId),
        ...extra,
      });
      if (res.kind === 'token') secrets.push(res.accessToken);
      return res;
    };
    const ssoToken = async (user: typeof u.adele, options = {}) => {
      const t = await mintSsoToken(entra.key, entra.url, user, options);
      secrets.push(t);
      return t;
    };

    assert.equal((await ask(u.adele, { ssoToken: await ssoToken(u.adele) })).kind, 'token');
    assert.equal((await ask(u.lee, { ssoToken: await ssoToken(u.lee) })).kind, 'consentRequired');
    // Bypass the broker's validation to make Entra answer AADSTS50013 and log an msal error.
    const foreignAudience = await ssoToken(u.megan, { audience: 'api://other' });
    await assert.rejects(auth.obo.getGraphTokenOnBehalfOf(foreignAudience, { tenantId: u.megan.tenantId }));
    await assert.rejects(
      ask(u.megan, { ssoToken: await mintSsoToken(newSigningKey(entra.key.kid), entra.url, u.megan) }),
    );
    utc.pendingSignIns.set(u.megan.teamsId, {
      magicCode: '918273',
      token: {
        connectionName: 'c',
        token: 'ts-graph-token-7c1f',
        expiration: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    secrets.push('ts-graph-token-7c1f', '918273');
    assert.equal((await ask(u.megan, { magicCode: '918273' })).kind, 'token');
    utc.exchangeFailsWith = { statusCode: 500 };
    assert.equal((await ask(u.pat, { ssoToken: await ssoToken(u.pat) })).kind, 'token');
    await auth.broker.drain();
    secrets.push(
      ...utc.calls.filter((c) => c.method === 'exchangeToken').map((c) => (c.args[3] as { token: string }).token),
    );

    assert.ok(lines.length > 10, `expected msal and broker lines, got ${lines.length}`);
    assert.ok(
      lines.some((l) => l.includes('"component":"msal"')),
      'msal logs through pino',
    );
    for (const line of lines) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `a secret leaked into: ${line.slice(0, 200)}`);
      assert.ok(!/eyJ[A-Za-z0-9_-]{10,}/.test(line), `a JWT-shaped string leaked into: ${line.slice(0, 200)}`);
    }
  });
});
