import type { SigningKey } from '../keys';
import { signJwt } from '../jwt';
import { SANDBOX_IDENTITIES } from '../identities';

/** Issuer of the tokens the Bot Framework channel (Teams) sends to bots. */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

export interface ChannelTokenOptions {
  /** The activity's serviceUrl; the token's `serviceurl` claim must equal it. */
  serviceUrl: string;
  /** The bot's app id (default: the sandbox app). */
  audience?: string;
  /** Seconds the token is valid (default 3600). */
  lifetimeSeconds?: number;
  /** Issue time, for expired-token tests (default now). */
  nowSeconds?: number;
  /** Sign with another key (e.g. a forged one carrying the real kid). */
  key?: SigningKey;
  issuer?: string;
}

/**
 * Signs a token as the Bot Framework channel does for an activity it delivers: RS256 with the channel key,
 * iss https://api.botframework.com, aud = the bot's app id, a `serviceurl` claim, and no `ver` claim.
 */
export function signChannelToken(channelKey: SigningKey, options: ChannelTokenOptions): Promise<string> {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  return signJwt(
    options.key ?? channelKey,
    {
      iss: options.issuer ?? CHANNEL_ISSUER,
      aud: options.audience ?? SANDBOX_IDENTITIES.app.clientId,
      serviceurl: options.serviceUrl,
      nbf: now - 5,
    },
    options.lifetimeSeconds ?? 3600,
    now,
  );
}
