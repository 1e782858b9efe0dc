import { strict as assert } from 'node:assert';
import https from 'node:https';
import { ConfidentialClientApplication, InteractionRequiredAuthError } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import type { Sandbox } from '../../../sandbox/server';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import { verifyGraphToken } from '../../../sandbox/tokens';
import { startTestSandbox } from '../helpers';

const APP = SANDBOX_IDENTITIES.app;
const FILES = 'https://graph.microsoft.com/Files.ReadWrite.All';

interface EntraErrorJson {
  error: string;
  error_description: string;
  error_codes: number[];
  suberror?: string;
  trace_id: string;
  correlation_id: string;
  timestamp: string;
}

describe('sandbox Entra ID', () => {
  let sandbox: Sandbox;
  const hostsContacted: string[] = [];
  const realRequest = https.request;
  const realFetch = globalThis.fetch;

  before(async () => {
    // These tests read the sandbox's own JWTs: pin the JWT form even when SANDBOX_FIDELITY asks for opaque tokens.
    sandbox = await startTestSandbox({ fidelity: { opaqueGraphTokens: false } });
    // Every https request of this process is recorded; any host but the sandbox fails the test loudly. Both
    // transports: msal-node up to 3.x used https.request, msal-node 5+ uses the global fetch.
    globalThis.fetch = function (input: string | URL | Request, init?: RequestInit) {
      const host = new URL(input instanceof Request ? input.url : input).host;
      hostsContacted.push(host);
      if (!host.startsWith('127.0.0.1')) throw new Error(`Test tried to reach ${host}`);
      return realFetch(input, init);
    } as typeof fetch;
    https.request = function (this: unknown, ...args: unknown[]) {
      const first = args[0] as string | URL | https.RequestOptions;
      const host =
        typeof first === 'string'
          ? new URL(first).host
          : first instanceof URL
            ? first.host
            : `${first.hostname ?? first.host}:${first.port}`;
      hostsContacted.push(host);
      if (!host.startsWith('127.0.0.1')) throw new Error(`Test tried to reach ${host}`);
      return (realRequest as (...a: unknown[]) => ReturnType<typeof https.request>).apply(this, args);
    } as typeof https.request;
  });
  after(async () => {
    https.request = realRequest;
    globalThis.fetch = realFetch;
    await sandbox.close();
  });
  beforeEach(() => sandbox.reset());

  const cca = (overrides: { clientSecret?: string; tenant?: string } = {}) =>
    new ConfidentialClientApplication({
      auth: {
        clientId: APP.clientId,
        clientSecret: overrides.clientSecret ?? APP.clientSecret,
        ...sandbox.msalAuthority(overrides.tenant),
      },
    });

  const post = async (tenant: string, form: Record<string, string>) => {
    const res = await fetch(`${sandbox.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const obo = (assertion: string, scope = FILES, extra: Record<string, string> = {}) =>
    post(SANDBOX_IDENTITIES.homeTenantId, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      assertion,
      scope,
      ...extra,
    });

  it('serves OpenID metadata and keys for tenants, aliases and botframework.com', async () => {
    for (const tenant of [SANDBOX_IDENTITIES.homeTenantId, 'common', 'organizations', 'botframework.com']) {
      const res = await fetch(`${sandbox.url}/${tenant}/v2.0/.well-known/openid-configuration`);
      assert.equal(res.status, 200);
      const doc = (await res.json()) as Record<string, string>;
      assert.equal(doc.token_endpoint, `${sandbox.url}/${tenant}/oauth2/v2.0/token`);
      assert.equal(
        doc.issuer,
        `${sandbox.url}/${tenant === 'common' || tenant === 'organizations' ? '{tenantid}' : tenant}/v2.0`,
      );
      const keys = (await (await fetch(doc.jwks_uri)).json()) as { keys: Array<{ kid: string; n: string; e: string }> };
      assert.equal(keys.keys[0].kid, sandbox.keys.entra.kid);
      assert.ok(keys.keys[0].n && keys.keys[0].e);
      assert.ok(res.headers.get('x-sandbox-elapsed-ms'));
    }
    const unknown = await fetch(
      `${sandbox.url}/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(unknown.status, 400);
    assert.deepEqual(((await unknown.json()) as EntraErrorJson).error_codes, [90002]);
  });

  it('real msal-node: OBO makes one token request, then serves the same assertion from its cache', async () => {
    const client = cca();
    const sso = await sandbox.ssoToken('adele@contoso.example');
    const first = await client.acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [FILES] });
    assert.ok(first?.accessToken);
    assert.equal(sandbox.count('entra.token.obo'), 1);
    const claims = decodeJwt(first.accessToken);
    assert.equal(claims.aud, 'https://graph.microsoft.com');
    assert.equal(claims.scp, 'Files.ReadWrite.All');
    assert.equal(claims.oid, sandbox.user('adele@contoso.example').id);
    const caller = await verifyGraphToken(sandbox.keys.entra, sandbox.url, `Bearer ${first.accessToken}`);
    assert.equal(caller.tenantId, SANDBOX_IDENTITIES.homeTenantId);

    const second = await client.acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [FILES] });
    assert.equal(second?.accessToken, first.accessToken);
    assert.equal(sandbox.count('entra.token.obo'), 1, 'a cached OBO result makes no request');
    assert.equal(sandbox.count('entra.token'), 1);
    assert.equal(sandbox.stats().total.count, 1, 'msal fetched no metadata: authorityMetadata + knownAuthorities');
    assert.ok(
      hostsContacted.length > 0 && hostsContacted.every((h) => h === `127.0.0.1:${sandbox.port}`),
      hostsContacted.join(),
    );
  });

  it('real msal-node: client credentials for the Bot Framework and for Graph', async () => {
    const client = cca({ tenant: 'botframework.com' });
    const bf = await client.acquireTokenByClientCredential({ scopes: ['https://api.botframework.com/.default'] });
    assert.equal(decodeJwt(bf!.accessToken).aud, 'https://api.botframework.com');
    assert.equal(decodeJwt(bf!.accessToken).appid, APP.clientId);
    const graph = await cca().acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const claims = decodeJwt(graph!.accessToken);
    assert.equal(claims.aud, 'https://graph.microsoft.com');
    assert.equal(claims.idtyp, 'app');
    assert.equal(claims.scp, undefined);
    assert.equal(sandbox.count('entra.token.client_credentials'), 2);
  });

  it('real msal-node: a user without consent gets InteractionRequiredAuthError (AADSTS65001)', async () => {
    const sso = await sandbox.ssoToken('lee@contoso.example');
    await assert.rejects(cca().acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [FILES] }), (err: unknown) => {
      assert.ok(err instanceof InteractionRequiredAuthError, String(err));
      assert.equal(err.errorCode, 'invalid_grant');
      assert.equal(err.subError, 'consent_required');
      assert.match(err.errorMessage, /AADSTS65001/);
      return true;
    });
    sandbox.setConsent('lee@contoso.example', true);
    const ok = await cca().acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [FILES] });
    assert.ok(ok?.accessToken);
  });

  it('real msal-node: a wrong client secret is AADSTS7000215 invalid_client', async () => {
    const sso = await sandbox.ssoToken('adele@contoso.example');
    await assert.rejects(
      cca({ clientSecret: 'wrong' }).acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [FILES] }),
      /AADSTS7000215/,
    );
  });

  it('answers consent_required in the shape of Entra', async () => {
    const { status, body } = await obo(await sandbox.ssoToken('lee@contoso.example'));
    assert.equal(status, 400);
    const err = body as unknown as EntraErrorJson;
    assert.equal(err.error, 'invalid_grant');
    assert.equal(err.suberror, 'consent_required');
    assert.deepEqual(err.error_codes, [65001]);
    assert.match(err.error_description, /^AADSTS65001: /);
    assert.ok(err.trace_id && err.correlation_id && err.timestamp);
  });

  it('asks for consent for Graph scopes the app was not granted', async () => {
    const { body } = await obo(
      await sandbox.ssoToken('adele@contoso.example'),
      'https://graph.microsoft.com/Mail.Send',
    );
    assert.deepEqual(body.error_codes, [65001]);
  });

  it('rejects bad assertions: expired (500133), foreign key (50013), wrong audience (50013), another tenant (50020)', async () => {
    const expired = await sandbox.ssoToken('adele@contoso.example', {
      nowSeconds: Math.floor(Date.now() / 1000) - 7200,
      lifetimeSeconds: 3600,
    });
    assert.deepEqual((await obo(expired)).body.error_codes, [500133]);
    assert.equal((await obo(expired)).body.error, 'invalid_grant');

    const graphToken = await sandbox.graphToken('adele@contoso.example');
    const wrongAud = await obo(graphToken);
    assert.deepEqual(wrongAud.body.error_codes, [50013]);
    assert.match(String(wrongAud.body.error_description), /audience/);

    const { generateKeyPairSync } = await import('node:crypto');
    const { SignJWT } = await import('jose');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT({ ...decodeJwt(await sandbox.ssoToken('adele@contoso.example')) })
      .setProtectedHeader({ alg: 'RS256', kid: sandbox.keys.entra.kid })
      .sign(privateKey);
    assert.deepEqual((await obo(forged)).body.error_codes, [50013]);
    assert.deepEqual((await obo('not-a-jwt')).body.error_codes, [50027]);

    const noah = await obo(await sandbox.ssoToken('noah@fabrikam.example'));
    assert.deepEqual(noah.body.error_codes, [50020]);
    const noahAtHome = await post(SANDBOX_IDENTITIES.foreignTenantId, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      assertion: await sandbox.ssoToken('noah@fabrikam.example'),
      scope: FILES,
    });
    // aad.manifest.json registers the app for its own organization only (AzureADMyOrg): not even Noah's home
    // authority issues him a token for it (test/sandbox/entra/signInAudience.test.ts covers the other audiences).
    assert.equal(noahAtHome.status, 400);
    assert.deepEqual(noahAtHome.body.error_codes, [50020]);
  });

  it('answers an OBO response without id_token, with the requested scopes', async () => {
    const { status, body } = await obo(
      await sandbox.ssoToken('adele@contoso.example'),
      `${FILES} offline_access openid profile`,
    );
    assert.equal(status, 200);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, `${FILES} offline_access openid profile`);
    assert.equal(body.expires_in, 3600);
    assert.equal(body.ext_expires_in, 3600);
    assert.equal(body.id_token, undefined);
    assert.ok(body.access_token);
  });

  it('checks the client and the grant', async () => {
    const base = {
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      scope: 'https://api.botframework.com/.default',
    };
    const noGrant = await post('botframework.com', base);
    assert.deepEqual(noGrant.body.error_codes, [900144]);
    const unknownApp = await post('botframework.com', {
      ...base,
      grant_type: 'client_credentials',
      client_id: '11111111-1111-4111-8111-111111111111',
    });
    assert.equal(unknownApp.status, 400);
    assert.deepEqual(unknownApp.body.error_codes, [700016]);
    const wrongSecret = await post('botframework.com', {
      ...base,
      grant_type: 'client_credentials',
      client_secret: 'nope',
    });
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error, 'invalid_client');
    const notDefault = await post('botframework.com', {
      ...base,
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/Files.Read',
    });
    assert.deepEqual(notDefault.body.error_codes, [1002012]);
    const password = await post('botframework.com', { ...base, grant_type: 'password' });
    assert.equal(password.body.error, 'unsupported_grant_type');
  });
});
