import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { SigningKey } from './keys';

/** Signs a JWT the way Entra ID / the Bot Framework do (RS256, kid in the header). */
export async function signJwt(
  key: SigningKey,
  claims: JWTPayload,
  lifetimeSeconds = 3600,
  nowSeconds?: number,
): Promise<string> {
  const now = nowSeconds ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuedAt(now)
    .setNotBefore(claims.nbf ?? now - 60)
    .setExpirationTime(claims.exp ?? now + lifetimeSeconds)
    .sign(key.privateKey);
}

/** Verifies a JWT signed by the given key; rejects on any problem (signature, expiry, issuer, audience). */
export async function verifyJwt(
  key: SigningKey,
  token: string,
  expect: { issuer?: string | string[]; audience?: string | string[] } = {},
): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, key.publicKey, { algorithms: ['RS256'], ...expect });
  return payload;
}
