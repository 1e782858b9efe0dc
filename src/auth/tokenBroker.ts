import type { Activity } from 'botframework-schema';
import type { Clock } from '../clock';
import { isShareError } from '../domain/errors';
import type { Logger } from '../log';
import { InvalidSsoTokenError, TenantNotAllowedError } from './errors';
import { MemoryCache } from '../state/memory';
import { SingleFlight, type Leases, type SharedCache } from '../state';
import { runWithoutDeadline } from '../http/deadline';
import type { GraphToken } from './oboProvider';
import type { SsoIdentity } from './ssoValidator';
import type { TokenServiceClient, UserTokenClientLike } from './tokenService';

/** Who is asking, and what the invoke carried. Identity fields come from the Bot Framework-authenticated activity. */
export interface GraphTokenRequest {
  /** `value.authentication.token` of a query/queryLink invoke, or the tab's teams-js token. */
  ssoToken?: string;
  /** `value.state` of a re-sent invoke after sign-in; non-numeric values are ignored. */
  magicCode?: string;
  /** `channelData.tenant.id` (or `conversation.tenantId`). */
  tenantId: string;
  /** `from.aadObjectId`. */
  aadObjectId?: string;
  /** `from.id` (29:…), the Token Service's user id. */
  teamsUserId?: string;
  /** `activity.channelId`, e.g. msteams. */
  channelId?: string;
  /** The turn's botbuilder UserTokenClient; without it only SSO and the cache can give a token. */
  userTokenClient?: UserTokenClientLike;
  /** The invoke activity, needed to build the Token Service sign-in link. */
  activity?: Activity;
}

export type GraphTokenResult =
  | { kind: 'token'; accessToken: string; expiresOn: number; source: 'obo' | 'tokenService' | 'cache' }
  | {
      kind: 'signInRequired';
      signInLink?: string;
      /** Conditional Access wants an interactive sign-in: never answer with a silent SSO retry. */
      interactionRequired?: boolean;
    }
  | { kind: 'consentRequired'; signInLink?: string };

/** What the broker needs from the SSO validator and the OBO provider (the real classes fit; tests may fake them). */
export interface SsoValidatorLike {
  validate(token: string): Promise<SsoIdentity>;
}
export interface OboProviderLike {
  getGraphTokenOnBehalfOf(ssoToken: string, identity: { tenantId: string; userObjectId?: string }): Promise<GraphToken>;
}

export interface TokenBrokerOptions {
  validator: SsoValidatorLike;
  obo: OboProviderLike;
  tokenService: TokenServiceClient;
  allowedTenantIds: readonly string[];
  clock: Clock;
  logger: Logger;
  /** A cached Graph token is used only until this long before it expires. Default 5 min. */
  expiryMarginMs?: number;
  /** Most users whose Graph token is kept in memory (no shared cache given). Default 10,000. */
  maxCachedUsers?: number;
  /** Where Graph tokens are cached: per process by default, shared by every instance (encrypted) with Redis. */
  cache?: SharedCache;
  /** Leases for single-flight OBO across instances (a person's first request costs one Entra call in total). */
  leases?: Leases;
}

/**
 * The one place every handler gets a delegated Graph token from (DESIGN.md "one TokenBroker for every command"):
 * an SSO token is validated and exchanged on-behalf-of (and, in the background, stored in the Token Service so later
 * action commands are silent); without one the Token Service is asked; tokens are cached per tenant+user.
 * Never logs tokens, assertions or magic codes.
 */
export class TokenBroker {
  private readonly cache: SharedCache;
  private readonly oboFlights?: SingleFlight;
  private readonly allowed: Set<string>;
  private readonly margin: number;
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly options: TokenBrokerOptions) {
    this.cache = options.cache ?? new MemoryCache(options.clock, options.maxCachedUsers ?? 10_000);
    this.oboFlights = options.leases ? new SingleFlight(options.leases, options.clock) : undefined;
    this.allowed = new Set(options.allowedTenantIds.map((t) => t.toLowerCase()));
    this.margin = options.expiryMarginMs ?? 5 * 60_000;
  }

  /**
   * A delegated Graph token for the person behind the request, or what they must do to get one. Throws
   * TenantNotAllowedError (tenant off the allow-list), InvalidSsoTokenError (forged or foreign SSO token) and
   * ShareError('transient') when Entra or the Token Service cannot be reached.
   */
  async getGraphToken(request: GraphTokenRequest): Promise<GraphTokenResult> {
    const tenantId = (request.tenantId ?? '').toLowerCase();
    if (!this.allowed.has(tenantId)) throw new TenantNotAllowedError(request.tenantId);
    if (request.ssoToken) {
      const identity = await this.identityOf(request);
      if (identity) return this.viaSso(request, request.ssoToken, identity);
    }
    return this.viaTokenService(request);
  }

  /** Drops a user's cached Graph token (e.g. after Graph answered 401 with it). */
  async forget(tenantId: string, aadObjectId: string): Promise<void> {
    await this.cache.delete(cacheKey(tenantId, aadObjectId));
  }

  /** Resolves when background Token Service exchanges have finished (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  /** The SSO token's person, or undefined when the token has merely timed out (the Token Service may still help). */
  private async identityOf(request: GraphTokenRequest): Promise<SsoIdentity | undefined> {
    let identity: SsoIdentity;
    try {
      identity = await this.options.validator.validate(request.ssoToken!);
    } catch (err) {
      if (err instanceof InvalidSsoTokenError) {
        this.options.logger.info({ tid: request.tenantId, reason: err.reason }, 'SSO token refused');
        if (err.reason === 'expired' || err.reason === 'notYetValid') return undefined;
        if (err.reason === 'tenantNotAllowed') throw new TenantNotAllowedError(request.tenantId);
      }
      throw err;
    }
    const sameTenant = identity.tenantId.toLowerCase() === request.tenantId.toLowerCase();
    const sameUser = !request.aadObjectId || request.aadObjectId.toLowerCase() === identity.userObjectId.toLowerCase();
    if (!sameTenant || !sameUser) {
      this.options.logger.warn({ tid: request.tenantId }, 'SSO token belongs to another user than the activity');
      throw new InvalidSsoTokenError('subjectMismatch');
    }
    return identity;
  }

  private async viaSso(request: GraphTokenRequest, ssoToken: string, identity: SsoIdentity): Promise<GraphTokenResult> {
    const key = cacheKey(identity.tenantId, identity.userObjectId);
    const cached = await this.fromCache(key);
    if (cached) return cached;
    const exchange = async (): Promise<GraphTokenResult> => {
      const token = await this.options.obo.getGraphTokenOnBehalfOf(ssoToken, identity);
      await this.remember(key, token);
      return { kind: 'token', accessToken: token.accessToken, expiresOn: token.expiresOn, source: 'obo' };
    };
    let result: GraphTokenResult;
    try {
      // A person's first requests arriving together (on one or several instances) make one OBO exchange.
      result = this.oboFlights ? await this.oboFlights.run(key, () => this.fromCache(key), exchange) : await exchange();
    } catch (err) {
      if (isShareError(err) && err.kind === 'signInRequired' && err.details.interactionRequired) {
        // Conditional Access: the SSO session cannot satisfy it, but a token from an interactive sign-in through
        // the Token Service can (also the magic code Teams sends back after that sign-in).
        const viaSignIn = await this.viaTokenService(request);
        if (viaSignIn.kind === 'token') return viaSignIn;
        const signInLink = viaSignIn.signInLink ?? (await this.signInLinkIfPossible(request));
        return { kind: 'signInRequired', signInLink, interactionRequired: true };
      }
      if (isShareError(err) && (err.kind === 'consentRequired' || err.kind === 'signInRequired')) {
        return { kind: err.kind, signInLink: await this.signInLinkIfPossible(request) };
      }
      throw err;
    }
    if (result.kind !== 'token' || result.source !== 'obo') return result;
    this.exchangeInBackground(request, ssoToken);
    this.options.logger.debug({ tid: identity.tenantId, source: 'obo' }, 'Graph token obtained');
    return result;
  }

  private async viaTokenService(request: GraphTokenRequest): Promise<GraphTokenResult> {
    const user = request.aadObjectId || (request.teamsUserId ? `teams:${request.teamsUserId}` : '');
    const key = user ? cacheKey(request.tenantId, user) : '';
    const cached = key ? await this.fromCache(key) : undefined;
    if (cached) return cached;
    const { userTokenClient, teamsUserId, channelId } = request;
    if (!userTokenClient || !teamsUserId || !channelId) return { kind: 'signInRequired' };
    const token = await this.options.tokenService.getToken(userTokenClient, teamsUserId, channelId, request.magicCode);
    if (!token) {
      const signInLink = request.activity
        ? await this.options.tokenService.getSignInLink(userTokenClient, request.activity)
        : undefined;
      return { kind: 'signInRequired', signInLink };
    }
    const now = this.options.clock.now();
    // An opaque token without a stated expiry is used once and not cached.
    const expiresOn = token.expiresOn ?? now + this.margin;
    if (key && token.expiresOn !== undefined) await this.remember(key, { accessToken: token.accessToken, expiresOn });
    this.options.logger.debug({ tid: request.tenantId, source: 'tokenService' }, 'Graph token obtained');
    return { kind: 'token', accessToken: token.accessToken, expiresOn, source: 'tokenService' };
  }

  private async fromCache(key: string): Promise<GraphTokenResult | undefined> {
    const stored = await this.cache.get(key);
    if (!stored) return undefined;
    const hit = JSON.parse(stored) as GraphToken;
    if (hit.expiresOn - this.margin <= this.options.clock.now()) {
      await this.cache.delete(key);
      return undefined;
    }
    return { kind: 'token', accessToken: hit.accessToken, expiresOn: hit.expiresOn, source: 'cache' };
  }

  /** Kept until `margin` before it expires (the cache's TTL), so no instance hands out a token about to lapse. */
  private async remember(key: string, token: GraphToken): Promise<void> {
    const ttl = token.expiresOn - this.margin - this.options.clock.now();
    if (ttl > 0) await this.cache.set(key, JSON.stringify(token), ttl);
  }

  /** The Token Service sign-in link when the turn allows building one; a failure only costs the link. */
  private async signInLinkIfPossible(request: GraphTokenRequest): Promise<string | undefined> {
    if (!request.userTokenClient || !request.activity) return undefined;
    try {
      return await this.options.tokenService.getSignInLink(request.userTokenClient, request.activity);
    } catch {
      return undefined;
    }
  }

  /** Stores the SSO token in the Token Service without delaying the answer, so later action commands are silent. */
  private exchangeInBackground(request: GraphTokenRequest, ssoToken: string): void {
    const { userTokenClient, teamsUserId, channelId } = request;
    if (!userTokenClient || !teamsUserId || !channelId) return;
    // Not bound by the invoke's deadline: it runs after the answer went out.
    const task = runWithoutDeadline(() =>
      this.options.tokenService.exchange(userTokenClient, teamsUserId, channelId, ssoToken),
    )
      .then(
        (stored) => {
          this.options.logger.debug(
            { tid: request.tenantId, stored: Boolean(stored) },
            'SSO token exchanged into the Token Service',
          );
        },
        (err: unknown) => {
          this.options.logger.warn(
            { tid: request.tenantId, err: { name: (err as Error)?.name } },
            'Token Service exchange failed',
          );
        },
      )
      .finally(() => this.background.delete(task));
    this.background.add(task);
  }
}

function cacheKey(tenantId: string, user: string): string {
  return `${tenantId.toLowerCase()}:${user.toLowerCase()}`;
}
