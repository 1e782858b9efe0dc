import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { SigningKey } from '../keys';
import { entraIssuer } from '../tokens';
import type { SandboxUser } from '../tenant-data';
import type { Directory } from './directory';
import { EntraError } from './errors';

/** What a validated user assertion (a Teams SSO token) tells Entra. */
export interface ValidatedAssertion {
  claims: JWTPayload;
  user: SandboxUser;
  tenantId: string;
}

const invalidGrant = (code: number, text: string) => new EntraError(400, 'invalid_grant', code, text);

/**
 * Validates the user assertion of an on-behalf-of request the way Entra does: signature by a key Entra issued,
 * time range, issuer of a known tenant, audience = the calling app, and a user that exists.
 */
export async function validateUserAssertion(
  assertion: string,
  ctx: { key: SigningKey; sandboxUrl: string; directory: Directory; clientId: string; applicationIdUri: string },
): Promise<ValidatedAssertion> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(assertion).kid;
  } catch {
    throw invalidGrant(50027, 'JWT token is invalid or malformed.');
  }
  if (kid !== ctx.key.kid) {
    throw invalidGrant(
      50013,
      `Assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${kid ?? ''}']`,
    );
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(assertion, ctx.key.publicKey, { algorithms: ['RS256'] }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) {
      const exp = Number((err.payload as JWTPayload).exp ?? 0);
      throw invalidGrant(
        500133,
        `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${new Date().toISOString()}, expiry time of assertion ${new Date(exp * 1000).toISOString()}.`,
      );
    }
    if (err instanceof joseErrors.JWTClaimValidationFailed) {
      throw invalidGrant(500133, `Assertion is not within its valid time range. [Reason - ${err.message}]`);
    }
    throw invalidGrant(
      50013,
      'Assertion failed signature validation. [Reason - Key was found, but use of the key to verify the signature failed.]',
    );
  }
  const tid = String(claims.tid ?? '');
  if (!ctx.directory.tenant(tid) || claims.iss !== entraIssuer(ctx.sandboxUrl, tid)) {
    throw invalidGrant(50013, `Assertion contains an invalid issuer '${String(claims.iss)}'.`);
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [String(claims.aud ?? '')];
  if (!audiences.some((a) => a === ctx.clientId || a === ctx.applicationIdUri)) {
    throw invalidGrant(
      50013,
      `Assertion audience claim does not match the required value. The audience in the assertion was '${audiences.join(',')}' and the expected audience is '${ctx.clientId}' or one of the Application Ids of the application.`,
    );
  }
  const user = ctx.directory.findUser(String(claims.oid ?? ''));
  if (!user || user.tenantId !== tid || !claims.scp) {
    throw invalidGrant(
      50034,
      `The user account ${String(claims.preferred_username ?? claims.oid ?? '')} does not exist in the ${tid} directory. To sign into this application, the account must be added to the directory.`,
    );
  }
  return { claims, user, tenantId: tid };
}
