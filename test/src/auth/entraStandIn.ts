import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import express from 'express';
import { decodeJwt, jwtVerify } from 'jose';
import type { SigningKey } from '../../../sandbox/keys';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import { signJwt } from '../../../sandbox/jwt';
import { ensureSandboxTls } from '../../../sandbox/tls';
import { userClaims } from '../../../sandbox/tokens';
import { loadTenantData, type SandboxUser } from '../../../sandbox/tenant-data';

/** An RSA key shaped like the sandbox's signing keys, created in memory for one test run. */
export function newSigningKey(kid = `test-${randomUUID().slice(0, 8)}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = (publicKey as KeyObject).export({ format: 'jwk' }) as Record<string, unknown>;
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, kty: 'RSA', use: 'sig', alg: 'RS256' } };
}

export interface TokenRequestRecord {
  tenantId: string;
  form: Record<string, string>;
}

export interface EntraStandIn {
  url: string;
  key: SigningKey;
  counts: { jwks: number; openid: number; token: number };
  tokenRequests: TokenRequestRecord[];
  /** Lifetime of the Graph tokens the token endpoint issues, in seconds. */
  graphTokenLifetime: number;
  close(): Promise<void>;
}

/** Seeded users, by role in the tests. */
export function users() {
  const all = loadTenantData().users;
  const find = (upn: string): SandboxUser => all.find((u) => u.userPrincipalName === upn)!;
  return {
    adele: find('adele@contoso.example'),
    megan: find('megan@contoso.example'),
    /** Has not consented: OBO answers AADSTS65001. */
    lee: find('lee@contoso.example'),
    /** Fabrikam: a tenant not on the allow-list. */
    noah: find('noah@fabrikam.example'),
    /** Consumer tenant (on the allow-list). */
    pat: find('pat@outlook.example'),
  };
}

function oauthError(
  res: express.Response,
  status: number,
  error: string,
  aadsts: number,
  description: string,
  suberror?: string,
) {
  res.status(status).json({
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()}`,
    error_codes: [aadsts],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
    ...(suberror ? { suberror } : {}),
  });
}

/**
 * A minimal local Entra ID over https (the sandbox CA): per-tenant openid-configuration, JWKS and a token endpoint
 * with the OBO grant that checks the client secret and the assertion (signature, audience, expiry) and answers
 * AADSTS65001 for users who have not consented. It counts every request so tests can assert network use.
 */
export async function startEntraStandIn(): Promise<EntraStandIn> {
  const tls = ensureSandboxTls(path.resolve('.sandbox-data'));
  const key = newSigningKey();
  const byId = new Map(loadTenantData().users.map((u) => [u.id, u]));
  const app = express();
  const standIn = {
    url: '',
    key,
    counts: { jwks: 0, openid: 0, token: 0 },
    tokenRequests: [] as TokenRequestRecord[],
    graphTokenLifetime: 3600,
  } as EntraStandIn;

  app.get('/:tid/v2.0/.well-known/openid-configuration', (req, res) => {
    standIn.counts.openid++;
    const base = `${standIn.url}/${req.params.tid}`;
    res.json({
      issuer: `${standIn.url}/${req.params.tid}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });
  app.get('/:tid/discovery/v2.0/keys', (_req, res) => {
    standIn.counts.jwks++;
    res.json({ keys: [key.publicJwk] });
  });
  app.post('/:tid/oauth2/v2.0/token', express.urlencoded({ extended: false }), async (req, res) => {
    standIn.counts.token++;
    const form = req.body as Record<string, string>;
    standIn.tokenRequests.push({ tenantId: req.params.tid, form });
    if (
      form.client_id !== SANDBOX_IDENTITIES.app.clientId ||
      form.client_secret !== SANDBOX_IDENTITIES.app.clientSecret
    ) {
      return oauthError(res, 401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    }
    if (form.grant_type === 'client_credentials') {
      return res.json({
        token_type: 'Bearer',
        expires_in: 3600,
        ext_expires_in: 3600,
        access_token: `app-token-${randomUUID()}`,
      });
    }
    if (
      form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' ||
      form.requested_token_use !== 'on_behalf_of'
    ) {
      return oauthError(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    let claims;
    try {
      const { payload } = await jwtVerify(form.assertion, key.publicKey, { audience: SANDBOX_IDENTITIES.app.clientId });
      claims = payload;
    } catch {
      return oauthError(
        res,
        400,
        'invalid_grant',
        50013,
        'Assertion failed signature validation or audience does not match the Client app.',
      );
    }
    const user = byId.get(String(claims.oid));
    if (!user) return oauthError(res, 400, 'invalid_grant', 50013, 'Assertion subject is unknown.');
    if (!user.consented) {
      return oauthError(
        res,
        400,
        'invalid_grant',
        65001,
        "The user or administrator has not consented to use the application with ID '" +
          SANDBOX_IDENTITIES.app.clientId +
          "'.",
        'consent_required',
      );
    }
    const scope = String(form.scope ?? '')
      .split(' ')
      .filter((s) => s.startsWith('https://graph.microsoft.com/'));
    const accessToken = await signJwt(
      key,
      userClaims(user, standIn.url, {
        aud: SANDBOX_IDENTITIES.graphAudience,
        scp: scope.map((s) => s.replace('https://graph.microsoft.com/', '')).join(' '),
        azp: form.client_id,
        appid: form.client_id,
        idtyp: 'user',
      }),
      standIn.graphTokenLifetime,
    );
    res.json({
      token_type: 'Bearer',
      scope: scope.join(' '),
      expires_in: standIn.graphTokenLifetime,
      ext_expires_in: standIn.graphTokenLifetime,
      access_token: accessToken,
    });
  });

  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return standIn;
}

/** Reads the claims of a token without verifying it (test assertions only). */
export function claimsOf(token: string) {
  return decodeJwt(token);
}
