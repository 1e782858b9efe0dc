import { strict as assert } from 'node:assert';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import { mintSsoToken } from '../../../sandbox/tokens';
import type { SandboxUser } from '../../../sandbox/tenant-data';
import { InvalidSsoTokenError, TenantNotAllowedError } from '../../../src/auth/errors';
import { createMsalClient } from '../../../src/auth/msalClient';
import { OboTokenProvider, type GraphToken } from '../../../src/auth/oboProvider';
import { SsoTokenValidator } from '../../../src/auth/ssoValidator';
import {
  TokenBroker,
  type GraphTokenRequest,
  type GraphTokenResult,
  type OboProviderLike,
} from '../../../src/auth/tokenBroker';
import { TokenServiceClient } from '../../../src/auth/tokenService';
import { isShareError } from '../../../src/domain/errors';
import { createLogger, type Logger } from '../../../src/log';
import { startEntraStandIn, users, type EntraStandIn } from './entraStandIn';
import { FakeUserTokenClient, invokeActivity } from './fakeUserTokenClient';

const id = SANDBOX_IDENTITIES;
const MIN = 60_000;

describe('auth/tokenBroker', () => {
  let entra: EntraStandIn;
  const u = users();

  before(async () => {
    entra = await startEntraStandIn();
  });
  after(async () => {
    await entra.close();
  });

  interface Setup {
    broker: TokenBroker;
    utc: FakeUserTokenClient;
    clock: { now: () => number; t: number };
  }

  function setup(options: { obo?: OboProviderLike; logger?: Logger; maxCachedUsers?: number } = {}): Setup {
    const clock = { t: Date.now(), now: () => clock.t };
    const logger = options.logger ?? createLogger('silent');
    const validator = new SsoTokenValidator({
      clientId: id.app.clientId,
      applicationIdUri: id.app.applicationIdUri,
      authorityHost: entra.url,
      allowedTenantIds: id.allowedTenantIds,
      clock,
      logger,
    });
    const cca = createMsalClient({
      clientId: id.app.clientId,
      clientSecret: id.app.clientSecret,
      authority: `${entra.url}/${id.homeTenantId}`,
      logger,
    });
    const obo = options.obo ?? new OboTokenProvider({ cca, authorityHost: entra.url, clock, logger });
    const broker = new TokenBroker({
      validator,
      obo,
      tokenService: new TokenServiceClient(id.app.oauthConnectionName, logger),
      allowedTenantIds: id.allowedTenantIds,
      clock,
      logger,
      maxCachedUsers: options.maxCachedUsers,
    });
    return { broker, utc: new FakeUserTokenClient(), clock };
  }

  function request(s: Setup, user: SandboxUser, extra: Partial<GraphTokenRequest> = {}): GraphTokenRequest {
    return {
      tenantId: user.tenantId,
      aadObjectId: user.id,
      teamsUserId: user.teamsId,
      channelId: 'msteams',
      userTokenClient: s.utc,
      activity: invokeActivity(user.teamsId, user.id, user.tenantId),
      ...extra,
    };
  }

  const sso = (user: SandboxUser, s?: Setup, lifetimeSeconds?: number) =>
    mintSsoToken(entra.key, entra.url, user, {
      nowSeconds: s ? Math.floor(s.clock.now() / 1000) : undefined,
      lifetimeSeconds,
    });

  it('SSO: validates, exchanges on-behalf-of, stores the token in the Token Service in the background, then serves from cache', async () => {
    const s = setup();
    const before = entra.counts.token;
    const first = await s.broker.getGraphToken(request(s, u.adele, { ssoToken: await sso(u.adele) }));
    assert.equal(first.kind, 'token');
    assert.equal(first.kind === 'token' && first.source, 'obo');
    await s.broker.drain();
    assert.equal(s.utc.count('exchangeToken'), 1);
    const exchange = s.utc.calls.find((c) => c.method === 'exchangeToken')!;
    assert.deepEqual(exchange.args.slice(0, 3), [u.adele.teamsId, id.app.oauthConnectionName, 'msteams']);

    const again = await s.broker.getGraphToken(request(s, u.adele, { ssoToken: await sso(u.adele, undefined, 3599) }));
    assert.equal(again.kind === 'token' && again.source, 'cache');
    const action = await s.broker.getGraphToken(request(s, u.adele));
    assert.equal(
      action.kind === 'token' && action.source,
      'cache',
      'an action command of the same user is served from cache',
    );
    assert.equal(
      action.kind === 'token' && first.kind === 'token' && action.accessToken,
      first.kind === 'token' && first.accessToken,
    );
    assert.equal(entra.counts.token - before, 1, 'one Entra call in total');
    assert.equal(s.utc.count('getUserToken'), 0);
  });

  it('caches per user: another user of the same tenant gets their own token', async () => {
    const s = setup();
    const a = await s.broker.getGraphToken(request(s, u.adele, { ssoToken: await sso(u.adele) }));
    const m = await s.broker.getGraphToken(request(s, u.megan, { ssoToken: await sso(u.megan) }));
    assert.equal(m.kind === 'token' && m.source, 'obo');
    assert.notEqual(a.kind === 'token' && a.accessToken, m.kind === 'token' && m.accessToken);
    await s.broker.drain();
  });

  it('consent missing: consentRequired with the sign-in link, no background exchange', async () => {
    const s = setup();
    const res = await s.broker.getGraphToken(request(s, u.lee, { ssoToken: await sso(u.lee) }));
    assert.deepEqual(res, { kind: 'consentRequired', signInLink: s.utc.signInLink });
    await s.broker.drain();
    assert.equal(s.utc.count('exchangeToken'), 0);
  });

  it('Token Service: no stored token → signInRequired with the link built from the activity', async () => {
    const s = setup();
    const req = request(s, u.megan);
    const res = await s.broker.getGraphToken(req);
    assert.deepEqual(res, { kind: 'signInRequired', signInLink: s.utc.signInLink });
    const call = s.utc.calls.find((c) => c.method === 'getSignInResource')!;
    assert.equal(call.args[0], id.app.oauthConnectionName);
    assert.equal(call.args[1], req.activity);
    assert.deepEqual(s.utc.calls[0].args, [u.megan.teamsId, id.app.oauthConnectionName, 'msteams', '']);
  });

  it('Token Service: the magic code completes the sign-in; the token is then cached', async () => {
    const s = setup();
    const expiration = new Date(s.clock.now() + 60 * MIN).toISOString();
    s.utc.pendingSignIns.set(u.megan.teamsId, {
      magicCode: '918273',
      token: { connectionName: id.app.oauthConnectionName, token: 'graph-token-from-token-service', expiration },
    });
    const res = await s.broker.getGraphToken(request(s, u.megan, { magicCode: '918273' }));
    assert.deepEqual(res, {
      kind: 'token',
      accessToken: 'graph-token-from-token-service',
      expiresOn: Date.parse(expiration),
      source: 'tokenService',
    });
    assert.equal(s.utc.calls[0].args[3], '918273');
    const again = await s.broker.getGraphToken(request(s, u.megan));
    assert.equal(again.kind === 'token' && again.source, 'cache');
    assert.equal(s.utc.count('getUserToken'), 1);
  });

  it('Token Service: a non-numeric state is not sent as a magic code', async () => {
    const s = setup();
    await s.broker.getGraphToken(request(s, u.megan, { magicCode: '{"foo":"bar"}' }));
    assert.equal(s.utc.calls[0].args[3], '');
  });

  it('Token Service: an outage is transient, not a sign-in prompt', async () => {
    const s = setup();
    s.utc.failWith = { statusCode: 503 };
    await assert.rejects(
      s.broker.getGraphToken(request(s, u.megan)),
      (e: unknown) => isShareError(e) && e.kind === 'transient',
    );
  });

  it('without a UserTokenClient and without SSO: signInRequired without a link', async () => {
    const s = setup();
    assert.deepEqual(await s.broker.getGraphToken({ tenantId: u.megan.tenantId, aadObjectId: u.megan.id }), {
      kind: 'signInRequired',
    });
  });

  it('an expired SSO token falls back to the Token Service', async () => {
    const s = setup();
    const expired = await mintSsoToken(entra.key, entra.url, u.megan, {
      nowSeconds: Math.floor(Date.now() / 1000) - 7200,
    });
    const res = await s.broker.getGraphToken(request(s, u.megan, { ssoToken: expired }));
    assert.equal(res.kind, 'signInRequired');
    assert.equal(s.utc.count('getUserToken'), 1);
  });

  it('refuses a tenant that is not on the allow-list, before anything else', async () => {
    const s = setup();
    const before = { ...entra.counts };
    await assert.rejects(s.broker.getGraphToken(request(s, u.noah)), TenantNotAllowedError);
    await assert.rejects(
      s.broker.getGraphToken(request(s, u.noah, { ssoToken: await sso(u.noah) })),
      TenantNotAllowedError,
    );
    const foreignTokenInAllowedTenant = request(s, u.adele, { ssoToken: await sso(u.noah) });
    await assert.rejects(s.broker.getGraphToken(foreignTokenInAllowedTenant), TenantNotAllowedError);
    assert.deepEqual(entra.counts, before);
    assert.equal(s.utc.calls.length, 0);
  });

  it("refuses an SSO token of another user than the activity's", async () => {
    const s = setup();
    await assert.rejects(
      s.broker.getGraphToken(request(s, u.megan, { ssoToken: await sso(u.adele) })),
      (e: unknown) => e instanceof InvalidSsoTokenError && e.reason === 'subjectMismatch',
    );
  });

  it('refuses a forged SSO token without asking Entra for a Graph token', async () => {
    const s = setup();
    const before = entra.counts.token;
    const forged = (await sso(u.adele)).replace(/\.[^.]+$/, '.' + Buffer.from('x'.repeat(256)).toString('base64url'));
    await assert.rejects(
      s.broker.getGraphToken(request(s, u.adele, { ssoToken: forged })),
      (e: unknown) => e instanceof InvalidSsoTokenError && e.reason === 'badSignature',
    );
    assert.equal(entra.counts.token, before);
  });

  it('a failed background exchange does not affect the answer', async () => {
    const s = setup();
    s.utc.exchangeFailsWith = { statusCode: 500 };
    const res = await s.broker.getGraphToken(request(s, u.adele, { ssoToken: await sso(u.adele) }));
    assert.equal(res.kind, 'token');
    await s.broker.drain();
    assert.equal(s.utc.count('exchangeToken'), 1);
  });

  describe('expiry margin and bounds (fake OBO, injected clock)', () => {
    class CountingObo implements OboProviderLike {
      calls = 0;
      constructor(
        private readonly now: () => number,
        private readonly lifetimeMs: number,
      ) {}
      async getGraphTokenOnBehalfOf(): Promise<GraphToken> {
        this.calls++;
        return { accessToken: `graph-${this.calls}`, expiresOn: this.now() + this.lifetimeMs };
      }
    }

    function withObo(lifetimeMs: number, maxCachedUsers?: number) {
      const obo = new CountingObo(() => s.clock.now(), lifetimeMs);
      const s = setup({ obo, maxCachedUsers });
      const ask = async (user: SandboxUser) =>
        s.broker.getGraphToken(request(s, user, { ssoToken: await sso(user, s) }));
      return { obo, s, ask };
    }

    const sourceOf = (r: GraphTokenResult) => (r.kind === 'token' ? r.source : r.kind);

    it('uses a cached token until 5 minutes before it expires', async () => {
      const { obo, s, ask } = withObo(60 * MIN);
      assert.equal(sourceOf(await ask(u.adele)), 'obo');
      s.clock.t += 54 * MIN;
      assert.equal(sourceOf(await ask(u.adele)), 'cache');
      s.clock.t += MIN + 1;
      assert.equal(sourceOf(await ask(u.adele)), 'obo', 'inside the 5-minute margin the token is renewed');
      assert.equal(obo.calls, 2);
      await s.broker.drain();
    });

    it('does not cache a token that is already inside the margin', async () => {
      const { obo, s, ask } = withObo(4 * MIN);
      await ask(u.adele);
      await ask(u.adele);
      assert.equal(obo.calls, 2);
      await s.broker.drain();
    });

    it('keeps at most maxCachedUsers users (least recently used goes first)', async () => {
      const { obo, s, ask } = withObo(60 * MIN, 2);
      await ask(u.adele);
      await ask(u.megan);
      await ask(u.adele); // adele is now the most recent
      await ask(u.pat); // evicts megan
      assert.equal(obo.calls, 3);
      await ask(u.adele);
      assert.equal(obo.calls, 3, 'adele stayed cached');
      await ask(u.megan);
      assert.equal(obo.calls, 4, 'megan was evicted');
      await s.broker.drain();
    });
  });
});
