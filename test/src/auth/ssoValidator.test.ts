import { strict as assert } from 'node:assert';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import { signJwt } from '../../../sandbox/jwt';
import { mintSsoToken, userClaims } from '../../../sandbox/tokens';
import { InvalidSsoTokenError, type SsoRejectionReason } from '../../../src/auth/errors';
import { SsoTokenValidator, type SsoValidatorOptions } from '../../../src/auth/ssoValidator';
import { isShareError } from '../../../src/domain/errors';
import { createLogger } from '../../../src/log';
import { newSigningKey, startEntraStandIn, users, type EntraStandIn } from './entraStandIn';

const id = SANDBOX_IDENTITIES;

describe('auth/ssoValidator', () => {
  let entra: EntraStandIn;
  const u = users();

  before(async () => {
    entra = await startEntraStandIn();
  });
  after(async () => {
    await entra.close();
  });

  function validator(overrides: Partial<SsoValidatorOptions> = {}) {
    return new SsoTokenValidator({
      clientId: id.app.clientId,
      applicationIdUri: id.app.applicationIdUri,
      authorityHost: entra.url,
      allowedTenantIds: id.allowedTenantIds,
      clock: { now: () => Date.now() },
      logger: createLogger('silent'),
      keysCooldownMs: 0,
      ...overrides,
    });
  }

  async function rejects(v: SsoTokenValidator, token: string, reason: SsoRejectionReason) {
    await assert.rejects(v.validate(token), (err: unknown) => {
      assert.ok(err instanceof InvalidSsoTokenError, `expected InvalidSsoTokenError, got ${String(err)}`);
      assert.equal(err.reason, reason);
      if (token) assert.ok(!err.message.includes(token), 'the error must not contain the token');
      return true;
    });
  }

  it('accepts a valid Teams SSO token and returns who it belongs to', async () => {
    const token = await mintSsoToken(entra.key, entra.url, u.adele);
    const identity = await validator().validate(token);
    assert.equal(identity.tenantId, u.adele.tenantId);
    assert.equal(identity.userObjectId, u.adele.id);
    assert.equal(identity.upn, u.adele.userPrincipalName);
    assert.equal(identity.name, u.adele.displayName);
    assert.ok(Math.abs(identity.expiresAt - (Date.now() + 3600_000)) < 5_000);
  });

  it('accepts the Application ID URI as audience (v1-style tokens)', async () => {
    const token = await mintSsoToken(entra.key, entra.url, u.adele, { audience: id.app.applicationIdUri });
    assert.equal((await validator().validate(token)).userObjectId, u.adele.id);
  });

  it('caches the key set per tenant: many tokens, one key fetch', async () => {
    const v = validator();
    const before = entra.counts.jwks;
    for (const user of [u.adele, u.megan, u.adele]) await v.validate(await mintSsoToken(entra.key, entra.url, user));
    assert.equal(entra.counts.jwks - before, 1);
    await v.validate(await mintSsoToken(entra.key, entra.url, u.pat));
    assert.equal(entra.counts.jwks - before, 2, 'another tenant has its own key set');
  });

  it('rejects an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejects(
      validator(),
      await mintSsoToken(entra.key, entra.url, u.adele, { nowSeconds: now - 7200 }),
      'expired',
    );
  });

  it('tolerates a small clock skew but not more', async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await mintSsoToken(entra.key, entra.url, u.adele, { nowSeconds: now - 3630 });
    assert.equal((await validator().validate(justExpired)).userObjectId, u.adele.id);
    await rejects(validator({ clockSkewSeconds: 5 }), justExpired, 'expired');
  });

  it('rejects a token that is not valid yet', async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejects(
      validator(),
      await mintSsoToken(entra.key, entra.url, u.adele, { nowSeconds: now + 3600 }),
      'notYetValid',
    );
  });

  it('uses the injected clock', async () => {
    const token = await mintSsoToken(entra.key, entra.url, u.adele);
    await rejects(validator({ clock: { now: () => Date.now() + 2 * 3600_000 } }), token, 'expired');
  });

  it('rejects a token for another application', async () => {
    await rejects(
      validator(),
      await mintSsoToken(entra.key, entra.url, u.adele, { audience: 'api://someone-else' }),
      'wrongAudience',
    );
  });

  it('rejects a token from another issuer', async () => {
    const token = await signJwt(
      entra.key,
      userClaims(u.adele, 'https://evil.example', { aud: id.app.clientId, scp: 'access_as_user' }),
    );
    await rejects(validator(), token, 'wrongIssuer');
  });

  it('accepts the v1 issuer (sts.windows.net) only for the public cloud', async () => {
    const token = await signJwt(entra.key, {
      ...userClaims(u.adele, entra.url, { aud: id.app.applicationIdUri, scp: 'access_as_user' }),
      iss: `https://sts.windows.net/${u.adele.tenantId}/`,
    });
    await rejects(validator(), token, 'wrongIssuer');
    const publicCloud = validator({
      authorityHost: 'https://login.microsoftonline.com',
      jwksUri: (tid) => `${entra.url}/${tid}/discovery/v2.0/keys`,
    });
    assert.equal((await publicCloud.validate(token)).upn, u.adele.userPrincipalName);
  });

  it('rejects a token from a tenant that is not on the allow-list', async () => {
    await rejects(validator(), await mintSsoToken(entra.key, entra.url, u.noah), 'tenantNotAllowed');
  });

  it('rejects a token without the access_as_user scope', async () => {
    await rejects(
      validator(),
      await mintSsoToken(entra.key, entra.url, u.adele, { scopes: ['User.Read'] }),
      'missingScope',
    );
  });

  it('rejects a token signed with another key that claims a published kid', async () => {
    const forger = { ...newSigningKey(entra.key.kid) };
    await rejects(validator(), await mintSsoToken(forger, entra.url, u.adele), 'badSignature');
  });

  it('rejects a token signed with a key the tenant does not publish, after one refetch', async () => {
    const v = validator();
    await v.validate(await mintSsoToken(entra.key, entra.url, u.adele));
    const before = entra.counts.jwks;
    await rejects(v, await mintSsoToken(newSigningKey(), entra.url, u.adele), 'unknownSigningKey');
    assert.equal(entra.counts.jwks - before, 1, 'an unknown kid refetches the keys once');
    const withCooldown = validator({ keysCooldownMs: 60_000 });
    await withCooldown.validate(await mintSsoToken(entra.key, entra.url, u.adele));
    const again = entra.counts.jwks;
    await rejects(withCooldown, await mintSsoToken(newSigningKey(), entra.url, u.adele), 'unknownSigningKey');
    assert.equal(entra.counts.jwks, again, 'no refetch within the cooldown');
  });

  it('rejects garbage and unsigned tokens', async () => {
    await rejects(validator(), 'not-a-jwt', 'malformed');
    await rejects(validator(), '', 'malformed');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ tid: u.adele.tenantId, oid: u.adele.id })).toString('base64url');
    await rejects(validator(), `${header}.${body}.`, 'unsupportedAlgorithm');
  });

  it('refuses expired, foreign-audience and foreign-tenant tokens without any network call', async () => {
    const now = Math.floor(Date.now() / 1000);
    const v = validator();
    const before = { ...entra.counts };
    await rejects(v, await mintSsoToken(entra.key, entra.url, u.adele, { nowSeconds: now - 7200 }), 'expired');
    await rejects(v, await mintSsoToken(entra.key, entra.url, u.adele, { audience: 'api://other' }), 'wrongAudience');
    await rejects(v, await mintSsoToken(entra.key, entra.url, u.noah), 'tenantNotAllowed');
    assert.deepEqual(entra.counts, before);
  });

  it('reports unreachable keys as a transient failure, not as a bad token', async () => {
    const v = validator({ authorityHost: 'https://127.0.0.1:1', jwksUri: () => 'https://127.0.0.1:1/keys' });
    const token = await signJwt(entra.key, {
      ...userClaims(u.adele, 'https://127.0.0.1:1', { aud: id.app.clientId, scp: 'access_as_user' }),
    });
    await assert.rejects(v.validate(token), (err: unknown) => isShareError(err) && err.kind === 'transient');
  });
});
