import { AuthError, InteractionRequiredAuthError, type ConfidentialClientApplication } from '@azure/msal-node';
import type { Clock } from '../clock';
import { ShareError, type ShareErrorDetails } from '../domain/errors';
import type { Logger } from '../log';
import type { MsalPartitions } from './msalPartitions';
import { LruCache } from '../util/lruCache';

/** Delegated Graph scopes the app asks for; Graph's identifier URI is the same in every cloud's Entra. */
export const DEFAULT_GRAPH_SCOPES = [
  'https://graph.microsoft.com/Files.ReadWrite.All',
  'https://graph.microsoft.com/Sites.ReadWrite.All',
  // "People in this chat": GET /chats/{id}/members; needs no admin consent.
  'https://graph.microsoft.com/Chat.ReadBasic',
] as const;

export interface GraphToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresOn: number;
}

export interface OboProviderOptions {
  /** The process's one OBO client (createOboMsalClient), its cache in memory. */
  cca: ConfidentialClientApplication;
  /** With shared state: msal clients whose cache is the person's partition in the shared cache. */
  partitions?: MsalPartitions;
  /** Entra authority host; the OBO authority is `{authorityHost}/{user's tid}`. */
  authorityHost: string;
  scopes?: readonly string[];
  clock: Clock;
  logger: Logger;
  /** How often expired entries are dropped from msal's in-memory cache. Default 10 min. */
  pruneIntervalMs?: number;
}

/** Longest a person waits on Entra's Retry-After before their next attempt reaches Entra again. */
const MAX_PERSONAL_BACKOFF_SECONDS = 60;

const CONSENT = /AADSTS65001|consent_required/i;
const BAD_ASSERTION = /AADSTS(50013|500133)\b/;
const TRANSIENT_CODES = new Set([
  'network_error',
  'server_error',
  'temporarily_unavailable',
  'endpoints_resolution_error',
  'openid_config_error',
]);

/** Entra's AADSTS number of an msal error, for support details (never the message, which may echo claims). */
function aadstsCode(err: AuthError): string | undefined {
  const fromNo = (err as { errorNo?: string }).errorNo;
  if (fromNo) return `AADSTS${fromNo}`;
  return /AADSTS\d+/.exec(err.errorMessage ?? '')?.[0];
}

/** Maps an msal failure of the OBO grant into the app's error taxonomy. */
export function mapOboError(err: unknown): ShareError {
  if (err instanceof ShareError) return err;
  if (!(err instanceof AuthError)) {
    return new ShareError('transient', 'Could not reach Microsoft sign-in. Try again in a few seconds.');
  }
  const code = aadstsCode(err) ?? err.errorCode;
  const text = `${err.errorCode} ${err.subError ?? ''} ${err.errorMessage ?? ''}`;
  // Conditional Access (MFA, claims challenge): only an interactive sign-in helps; a silent retry fails the same way.
  if (err instanceof InteractionRequiredAuthError && (err.errorCode === 'interaction_required' || err.claims)) {
    const details: ShareErrorDetails = { code, interactionRequired: true };
    if (err.claims) details.claims = err.claims;
    return new ShareError(
      'signInRequired',
      'Your organization asks you to sign in again (for example with multifactor authentication) before Share Link can continue.',
      details,
    );
  }
  if (CONSENT.test(text)) {
    return new ShareError('consentRequired', 'Share Link needs your permission to work with your files.', { code });
  }
  if (BAD_ASSERTION.test(text)) {
    return new ShareError('signInRequired', 'Your sign-in has expired or is not valid for Share Link. Sign in again.', {
      code,
    });
  }
  if (err instanceof InteractionRequiredAuthError) {
    return new ShareError(
      'consentRequired',
      'Microsoft sign-in needs you to confirm something before Share Link can continue.',
      {
        code,
      },
    );
  }
  if (err.errorCode === 'invalid_grant') {
    return new ShareError('signInRequired', 'Your sign-in is no longer valid. Sign in again.', { code });
  }
  const status = (err as { status?: number }).status;
  if (TRANSIENT_CODES.has(err.errorCode) || (status !== undefined && (status >= 500 || status === 429))) {
    const retryAfterSeconds = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
    return new ShareError('transient', 'Microsoft sign-in is not answering right now. Try again in a few seconds.', {
      code,
      status,
      retryAfterSeconds,
    });
  }
  return new ShareError(
    'transient',
    'Microsoft sign-in refused the request. If this keeps happening, tell your administrator.',
    {
      code,
      status,
    },
  );
}

/**
 * Exchanges a validated Teams SSO token for a delegated Graph token (OAuth 2.0 on-behalf-of) with the process's
 * one msal client. msal caches the result keyed by the assertion, so the same SSO token costs one Entra call.
 */
export class OboTokenProvider {
  private readonly scopes: string[];
  private readonly host: string;
  private lastPrune: number;
  /** Until when Entra asked (Retry-After) not to repeat a person's exchange: per person, never for everyone. */
  private readonly backoff = new LruCache<number>(10_000);

  constructor(private readonly options: OboProviderOptions) {
    this.scopes = [...(options.scopes ?? DEFAULT_GRAPH_SCOPES)];
    this.host = options.authorityHost.replace(/\/+$/, '');
    this.lastPrune = options.clock.now();
  }

  /** A Graph token for the person the SSO token belongs to; throws ShareError (consentRequired, signInRequired, transient). */
  async getGraphTokenOnBehalfOf(
    ssoToken: string,
    identity: { tenantId: string; userObjectId?: string },
  ): Promise<GraphToken> {
    this.pruneIfDue();
    const person = `${identity.tenantId}|${identity.userObjectId ?? ''}`.toLowerCase();
    const waitUntil = this.backoff.get(person) ?? 0;
    const now = this.options.clock.now();
    if (waitUntil > now) {
      throw new ShareError('transient', 'Microsoft sign-in is not answering right now. Try again in a few seconds.', {
        retryAfterSeconds: Math.ceil((waitUntil - now) / 1000),
      });
    }
    let result;
    try {
      const { partitions } = this.options;
      const cca =
        partitions && identity.userObjectId
          ? await partitions.clientFor(`${identity.tenantId.toLowerCase()}:${identity.userObjectId.toLowerCase()}`)
          : this.options.cca;
      result = await cca.acquireTokenOnBehalfOf({
        oboAssertion: ssoToken,
        scopes: this.scopes,
        authority: `${this.host}/${identity.tenantId}`,
      });
    } catch (err) {
      const mapped = mapOboError(err);
      this.options.logger.warn(
        {
          tid: identity.tenantId,
          kind: mapped.kind,
          code: mapped.details.code,
          msalCode: (err as AuthError)?.errorCode,
        },
        'On-behalf-of exchange failed',
      );
      const retryAfter = mapped.details.retryAfterSeconds;
      if (retryAfter && identity.userObjectId) {
        this.backoff.set(person, now + Math.min(retryAfter, MAX_PERSONAL_BACKOFF_SECONDS) * 1000);
      }
      throw mapped;
    }
    if (!result?.accessToken) throw new ShareError('transient', 'Microsoft sign-in returned no token. Try again.');
    const expiresOn = result.expiresOn ? result.expiresOn.getTime() : this.options.clock.now() + 5 * 60_000;
    return { accessToken: result.accessToken, expiresOn };
  }

  /**
   * msal keeps every OBO result in memory and only drops one when the same assertion comes back after it expired;
   * a long-running process would grow without bound, so expired access tokens are removed periodically.
   */
  private pruneIfDue(): void {
    const now = this.options.clock.now();
    if (now - this.lastPrune < (this.options.pruneIntervalMs ?? 600_000)) return;
    this.lastPrune = now;
    const cache = this.options.cca.getTokenCache();
    const state = JSON.parse(cache.serialize()) as { AccessToken?: Record<string, { expires_on?: string }> };
    const tokens = state.AccessToken ?? {};
    let removed = 0;
    for (const [key, entry] of Object.entries(tokens)) {
      if (Number(entry.expires_on ?? 0) * 1000 <= now) {
        delete tokens[key];
        removed++;
      }
    }
    if (removed) {
      cache.deserialize(JSON.stringify(state));
      this.options.logger.debug({ removed }, 'Dropped expired OBO tokens from the msal cache');
    }
  }
}
