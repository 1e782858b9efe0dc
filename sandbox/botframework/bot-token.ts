import type { SigningKey } from '../keys';
import { verifyJwt } from '../jwt';
import { entraIssuer } from '../tokens';
import { BOT_FRAMEWORK_RESOURCE, SANDBOX_APP } from '../entra/app-registration';

export interface BotTokenDeps {
  entraKey: SigningKey;
  directory: { isAuthority(name: string): boolean };
  sandboxUrl(): string;
}

/**
 * Checks a bot's app token as the Bot Framework services do: an Entra client-credentials token for
 * `https://api.botframework.com`, issued by the sandbox's Entra (the `botframework.com` authority or a tenant),
 * to the sandbox app. Resolves the app id; rejects on any problem (missing, forged, expired, other audience/app).
 */
export async function verifyBotAppToken(deps: BotTokenDeps, authorization: string | undefined): Promise<string> {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!m) throw new Error('no bearer token');
  const claims = await verifyJwt(deps.entraKey, m[1], { audience: BOT_FRAMEWORK_RESOURCE });
  const tid = String(claims.tid ?? '');
  if (!deps.directory.isAuthority(tid) || claims.iss !== entraIssuer(deps.sandboxUrl(), tid)) throw new Error('issuer');
  const appId = String(claims.appid ?? claims.azp ?? '');
  if (appId !== SANDBOX_APP.clientId) throw new Error('app');
  return appId;
}
