import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { SANDBOX_IDENTITIES } from './identities';
import type { SigningKey } from './keys';
import { signJwt, verifyJwt } from './jwt';
import type { SandboxUser } from './tenant-data';

/** Issuer of v2.0 tokens of a sandbox tenant, mirroring `https://login.microsoftonline.com/{tid}/v2.0`. */
export function entraIssuer(sandboxUrl: string, tenantId: string): string {
  return `${sandboxUrl.replace(/\/$/, '')}/${tenantId}/v2.0`;
}

/** Claims of a delegated token for a sandbox user. */
export function userClaims(user: SandboxUser, sandboxUrl: string, extra: JWTPayload): JWTPayload {
  return {
    iss: entraIssuer(sandboxUrl, user.tenantId),
    tid: user.tenantId,
    oid: user.id,
    sub: `${user.id}-sub`,
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    ver: '2.0',
    ...extra,
  };
}

/** A delegated Microsoft Graph access token, as Entra returns from the OBO grant. */
export function mintGraphToken(
  key: SigningKey,
  sandboxUrl: string,
  user: SandboxUser,
  scopes: string[],
  clientAppId: string = SANDBOX_IDENTITIES.app.clientId,
  lifetimeSeconds = 3600,
): Promise<string> {
  return signJwt(
    key,
    userClaims(user, sandboxUrl, {
      aud: SANDBOX_IDENTITIES.graphAudience,
      scp: scopes.join(' '),
      azp: clientAppId,
      appid: clientAppId,
      idtyp: 'user',
    }),
    lifetimeSeconds,
  );
}

/** A Teams SSO token for the app (audience = the app, scope access_as_user), as Teams hands it to the client. */
export function mintSsoToken(
  key: SigningKey,
  sandboxUrl: string,
  user: SandboxUser,
  options: { audience?: string; scopes?: string[]; lifetimeSeconds?: number; nowSeconds?: number } = {},
): Promise<string> {
  return signJwt(
    key,
    userClaims(user, sandboxUrl, {
      aud: options.audience ?? SANDBOX_IDENTITIES.app.clientId,
      scp: (options.scopes ?? ['access_as_user']).join(' '),
      azp: SANDBOX_IDENTITIES.teamsClientId,
    }),
    options.lifetimeSeconds ?? 3600,
    options.nowSeconds,
  );
}

/**
 * Opaque Graph access tokens (fidelity switch `opaqueGraphTokens`): Entra's access-token docs say access tokens are
 * opaque to clients and "may be encrypted" (consumer-account tokens are not JWTs at all), so a client must never
 * read them. The sandbox hands out a random handle (no dots, so no JWT parser accepts it) and keeps the signed
 * token behind it for its own Graph to verify, as the real Graph validates tokens clients cannot read.
 */
const opaqueHandles = new Map<string, string>();
const MAX_OPAQUE_HANDLES = 100_000;

/** Wraps a signed token into an opaque handle Graph (the sandbox's) still accepts. */
export function toOpaqueToken(jwt: string): string {
  const handle = `EwB${randomBytes(96).toString('base64url')}`;
  if (opaqueHandles.size >= MAX_OPAQUE_HANDLES) opaqueHandles.delete(opaqueHandles.keys().next().value as string);
  opaqueHandles.set(handle, jwt);
  return handle;
}

export interface GraphCaller {
  userId: string;
  tenantId: string;
  scopes: string[];
  appId: string;
}

/** Verifies a Graph bearer token (signature, issuer of the caller's tenant, Graph audience, expiry). */
export async function verifyGraphToken(
  key: SigningKey,
  sandboxUrl: string,
  authorization: string | undefined,
): Promise<GraphCaller> {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!m) throw new Error('No bearer token');
  const token = opaqueHandles.get(m[1]) ?? m[1];
  const payload = await verifyJwt(key, token, {
    audience: [SANDBOX_IDENTITIES.graphAudience, SANDBOX_IDENTITIES.graphAppId],
  });
  const tid = String(payload.tid ?? '');
  if (payload.iss !== entraIssuer(sandboxUrl, tid)) throw new Error('Unexpected issuer');
  return {
    userId: String(payload.oid ?? ''),
    tenantId: tid,
    scopes: String(payload.scp ?? '')
      .split(' ')
      .filter(Boolean),
    appId: String(payload.azp ?? payload.appid ?? ''),
  };
}

/**
 * An app-only access token from the client-credentials grant: for the Bot Framework (`aud`
 * https://api.botframework.com, what a bot presents to the channel and the Token Service) or for Graph.
 */
export function mintAppToken(
  key: SigningKey,
  sandboxUrl: string,
  options: {
    tenantId: string;
    audience: string;
    clientAppId: string;
    servicePrincipalId: string;
    roles?: string[];
    lifetimeSeconds?: number;
  },
): Promise<string> {
  return signJwt(
    key,
    {
      aud: options.audience,
      iss: entraIssuer(sandboxUrl, options.tenantId),
      tid: options.tenantId,
      azp: options.clientAppId,
      appid: options.clientAppId,
      azpacr: '1',
      idtyp: 'app',
      oid: options.servicePrincipalId,
      sub: options.servicePrincipalId,
      ver: '2.0',
      ...(options.roles?.length ? { roles: options.roles } : {}),
    },
    options.lifetimeSeconds ?? 3600,
  );
}
