import { strict as assert } from 'node:assert';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import { mintSsoToken } from '../../../sandbox/tokens';
import type { FetchLike } from '../../../src/auth/fetchLike';
import { createMsalClient, loadAuthorityMetadata } from '../../../src/auth/msalClient';
import { InteractionRequiredAuthError } from '@azure/msal-node';
import { DEFAULT_GRAPH_SCOPES, OboTokenProvider, mapOboError } from '../../../src/auth/oboProvider';
import { isShareError, type ShareErrorKind } from '../../../src/domain/errors';
import { createLogger } from '../../../src/log';
import { claimsOf, startEntraStandIn, users, type EntraStandIn } from './entraStandIn';

const id = SANDBOX_IDENTITIES;

describe('auth/oboProvider (real msal-node against a local Entra)', () => {
  let entra: EntraStandIn;
  const u = users();

  before(async () => {
    entra = await startEntraStandIn();
  });
  after(async () => {
    await entra.close();
  });

  function provider(
    options: { metadata?: string; fetch?: FetchLike; authorityHost?: string; now?: () => number } = {},
  ) {
    const host = options.authorityHost ?? entra.url;
    const cca = createMsalClient({
      clientId: id.app.clientId,
      clientSecret: id.app.clientSecret,
      authority: `${host}/${id.homeTenantId}`,
      authorityMetadata: options.metadata,
      fetch: options.fetch,
      timeoutMs: 2_000,
      logger: createLogger('silent'),
    });
    return Object.assign(
      new OboTokenProvider({
        cca,
        authorityHost: host,
        clock: { now: options.now ?? (() => Date.now()) },
        logger: createLogger('silent'),
      }),
      { cca },
    );
  }

  async function failsWith(promise: Promise<unknown>, kind: ShareErrorKind, code?: string) {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(isShareError(err), `expected ShareError, got ${String(err)}`);
      assert.equal(err.kind, kind);
      if (code) assert.equal(err.details.code, code);
      return true;
    });
  }

  it('exchanges an SSO token once: N calls with the same token make exactly one token request', async () => {
    const metadata = await loadAuthorityMetadata(`${entra.url}/${id.homeTenantId}`);
    const obo = provider({ metadata });
    const sso = await mintSsoToken(entra.key, entra.url, u.adele);
    const before = { ...entra.counts };
    const first = await obo.getGraphTokenOnBehalfOf(sso, { tenantId: u.adele.tenantId });
    for (let i = 0; i < 4; i++) {
      const again = await obo.getGraphTokenOnBehalfOf(sso, { tenantId: u.adele.tenantId });
      assert.equal(again.accessToken, first.accessToken);
    }
    assert.equal(entra.counts.token - before.token, 1);
    assert.equal(entra.counts.openid, before.openid, 'no metadata request when authorityMetadata is given');
    const req = entra.tokenRequests.at(-1)!;
    assert.equal(req.form.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    assert.equal(req.form.requested_token_use, 'on_behalf_of');
    for (const scope of DEFAULT_GRAPH_SCOPES) assert.ok(req.form.scope.split(' ').includes(scope));
    const claims = claimsOf(first.accessToken);
    assert.equal(claims.oid, u.adele.id);
    assert.equal(claims.aud, id.graphAudience);
    assert.ok(first.expiresOn > Date.now() + 50 * 60_000);
  });

  it('a new SSO token for the same user is a new exchange (msal keys its cache by assertion)', async () => {
    const obo = provider();
    const before = entra.counts.token;
    await obo.getGraphTokenOnBehalfOf(await mintSsoToken(entra.key, entra.url, u.megan, { lifetimeSeconds: 3000 }), {
      tenantId: u.megan.tenantId,
    });
    await obo.getGraphTokenOnBehalfOf(await mintSsoToken(entra.key, entra.url, u.megan, { lifetimeSeconds: 3001 }), {
      tenantId: u.megan.tenantId,
    });
    assert.equal(entra.counts.token - before, 2);
  });

  it("asks the user's own tenant, and fetches metadata itself (through the given fetch) when none is configured", async () => {
    const seen: string[] = [];
    const counting: FetchLike = (url, init) => {
      seen.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
      return fetch(url, init);
    };
    const obo = provider({ fetch: counting });
    await obo.getGraphTokenOnBehalfOf(await mintSsoToken(entra.key, entra.url, u.pat), { tenantId: u.pat.tenantId });
    assert.ok(
      seen.some((s) => s.startsWith('GET ') && s.endsWith('/v2.0/.well-known/openid-configuration')),
      seen.join(', '),
    );
    assert.ok(seen.includes(`POST /${u.pat.tenantId}/oauth2/v2.0/token`), seen.join(', '));
    assert.ok(!seen.some((s) => s.includes('discovery/instance')), 'no instance discovery');
    assert.equal(entra.tokenRequests.at(-1)!.tenantId, u.pat.tenantId);
  });

  it("with the home tenant's metadata configured, still sends another tenant's user to that tenant", async () => {
    const obo = provider({ metadata: await loadAuthorityMetadata(`${entra.url}/${id.homeTenantId}`) });
    await obo.getGraphTokenOnBehalfOf(await mintSsoToken(entra.key, entra.url, u.pat), { tenantId: u.pat.tenantId });
    assert.equal(entra.tokenRequests.at(-1)!.tenantId, u.pat.tenantId);
  });

  it('maps AADSTS65001 (consent_required) to consentRequired', async () => {
    const obo = provider();
    await failsWith(
      obo.getGraphTokenOnBehalfOf(await mintSsoToken(entra.key, entra.url, u.lee), { tenantId: u.lee.tenantId }),
      'consentRequired',
      'AADSTS65001',
    );
  });

  it('maps AADSTS50013 (assertion not valid for this app) to signInRequired', async () => {
    const obo = provider();
    const foreign = await mintSsoToken(entra.key, entra.url, u.adele, { audience: 'api://another-app' });
    await failsWith(
      obo.getGraphTokenOnBehalfOf(foreign, { tenantId: u.adele.tenantId }),
      'signInRequired',
      'AADSTS50013',
    );
  });

  it('maps interaction_required (Conditional Access, AADSTS50076/50079, claims challenge) to an interactive sign-in', () => {
    const claims = '{"access_token":{"polids":{"essential":true,"values":["9ab03e19-ed42-4168-b6b7-7001fb3e933a"]}}}';
    for (const [no, text] of [
      ['50076', 'you must use multi-factor authentication'],
      ['50079', 'you must enroll in multi-factor authentication'],
    ]) {
      const err = mapOboError(
        new InteractionRequiredAuthError(
          'interaction_required',
          `AADSTS${no}: Due to a configuration change made by your administrator, ${text}.`,
          '',
          '2026-11-27 10:00:00Z',
          'trace',
          'correlation',
          claims,
          no,
        ),
      );
      assert.equal(err.kind, 'signInRequired');
      assert.equal(err.details.interactionRequired, true);
      assert.equal(err.details.claims, claims);
      assert.equal(err.details.code, `AADSTS${no}`);
    }
    const consent = mapOboError(
      new InteractionRequiredAuthError('invalid_grant', 'AADSTS65001: not consented', 'consent_required'),
    );
    assert.equal(consent.kind, 'consentRequired', 'consent stays consent');
    assert.equal(consent.details.interactionRequired, undefined);
  });

  it('maps an unreachable Entra to transient', async () => {
    const obo = provider({ authorityHost: 'https://127.0.0.1:1' });
    await failsWith(
      obo.getGraphTokenOnBehalfOf(await mintSsoToken(entra.key, entra.url, u.adele), { tenantId: u.adele.tenantId }),
      'transient',
    );
  });

  it('drops expired tokens from the msal cache but keeps live ones', async () => {
    let now = Date.now();
    const obo = provider({ now: () => now });
    const sso = await mintSsoToken(entra.key, entra.url, u.adele);
    const before = entra.counts.token;
    await obo.getGraphTokenOnBehalfOf(sso, { tenantId: id.homeTenantId });
    now += 11 * 60_000; // prune is due, the Graph token (1 h) is still live
    await obo.getGraphTokenOnBehalfOf(sso, { tenantId: id.homeTenantId });
    assert.equal(entra.counts.token - before, 1, 'the live token survived the prune');
    now += 2 * 3600_000; // the token is now expired for the pruner
    await obo.getGraphTokenOnBehalfOf(await mintSsoToken(entra.key, entra.url, u.megan), { tenantId: id.homeTenantId });
    const cache = JSON.parse(obo.cca.getTokenCache().serialize());
    assert.equal(Object.keys(cache.AccessToken).length, 1, 'only the newest token is left');
  });
});
