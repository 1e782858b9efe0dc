import type { Activity, SignInUrlResponse, TokenExchangeRequest, TokenResponse } from 'botframework-schema';
import { ShareError } from '../domain/errors';
import type { Logger } from '../log';
import { untilDeadline } from '../http/deadline';

/**
 * The part of botbuilder's per-turn `UserTokenClient` (turnState.get(adapter.UserTokenClientKey)) this app uses.
 * Structural, so the bot passes botbuilder's client as is and tests pass a fake.
 */
export interface UserTokenClientLike {
  getUserToken(
    userId: string,
    connectionName: string,
    channelId: string,
    magicCode: string,
  ): Promise<TokenResponse | undefined>;
  getSignInResource(connectionName: string, activity: Activity, finalRedirect: string): Promise<SignInUrlResponse>;
  exchangeToken(
    userId: string,
    connectionName: string,
    channelId: string,
    exchangeRequest: TokenExchangeRequest,
  ): Promise<TokenResponse | undefined>;
  signOutUser(userId: string, connectionName: string, channelId: string): Promise<void>;
}

/** A user token the Token Service handed out; expiresOn is unknown when the service did not say and it is no JWT. */
export interface ServiceToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresOn?: number;
}

/** Token Service magic codes are digits; anything else in `value.state` is not one and must not be sent. */
export function asMagicCode(state: string | undefined): string {
  return state && /^\d{1,16}$/.test(state.trim()) ? state.trim() : '';
}

/**
 * The token's expiry as the Token Service states it. Graph access tokens are opaque to clients (Entra access-token
 * docs): the app never reads them, so without a stated expiry the token is used once and not cached.
 */
function expiryOf(res: TokenResponse): number | undefined {
  const fromService = res.expiration ? Date.parse(res.expiration) : NaN;
  return Number.isFinite(fromService) ? fromService : undefined;
}

const UNAVAILABLE = 'The Bot Framework Token Service is not answering right now. Try again in a few seconds.';

/**
 * The Bot Framework Token Service for the app's one OAuth connection: the durable per-user token store that makes
 * action commands (which carry no SSO token) silent after the first sign-in or SSO exchange.
 */
export class TokenServiceClient {
  constructor(
    private readonly connectionName: string,
    private readonly logger: Logger,
    /** The clock deadlines are measured on (botbuilder's client cannot be aborted: its calls are raced instead). */
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored token of a user, or undefined if the user must sign in. A non-numeric magic code is ignored. */
  async getToken(
    client: UserTokenClientLike,
    userId: string,
    channelId: string,
    magicCode?: string,
  ): Promise<ServiceToken | undefined> {
    let res: TokenResponse | undefined;
    try {
      res = await untilDeadline(
        client.getUserToken(userId, this.connectionName, channelId, asMagicCode(magicCode)),
        'tokenService.getToken',
        this.now,
      );
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      this.logger.warn(
        { status: statusOf(err), err: { name: (err as Error)?.name } },
        'Token Service getUserToken failed',
      );
      throw new ShareError('transient', UNAVAILABLE, { status: statusOf(err) });
    }
    if (!res?.token) return undefined;
    return { accessToken: res.token, expiresOn: expiryOf(res) };
  }

  /**
   * The sign-in link for the user of this activity. botbuilder's client builds the TokenExchangeState (connection,
   * conversation reference, relatesTo, app id) from the activity, exactly as OAuthPrompt does.
   */
  async getSignInLink(
    client: UserTokenClientLike,
    activity: Activity,
    finalRedirect?: string,
  ): Promise<string | undefined> {
    try {
      const res = await untilDeadline(
        client.getSignInResource(this.connectionName, activity, finalRedirect as string),
        'tokenService.getSignInResource',
        this.now,
      );
      return res?.signInLink || undefined;
    } catch (err) {
      this.logger.warn(
        { status: statusOf(err), err: { name: (err as Error)?.name } },
        'Token Service getSignInResource failed',
      );
      throw new ShareError('transient', UNAVAILABLE, { status: statusOf(err) });
    }
  }

  /** Stores the user's SSO token in the Token Service (it performs its own OBO); undefined if not exchangeable. */
  async exchange(
    client: UserTokenClientLike,
    userId: string,
    channelId: string,
    ssoToken: string,
  ): Promise<ServiceToken | undefined> {
    let res: TokenResponse | undefined;
    try {
      res = await untilDeadline(
        client.exchangeToken(userId, this.connectionName, channelId, { token: ssoToken }),
        'tokenService.exchange',
        this.now,
      );
    } catch (err) {
      const status = statusOf(err);
      if (status !== undefined && status >= 400 && status < 500) return undefined;
      throw new ShareError('transient', UNAVAILABLE, { status });
    }
    if (!res?.token) return undefined;
    return { accessToken: res.token, expiresOn: expiryOf(res) };
  }

  /** Removes the user's stored token. */
  async signOut(client: UserTokenClientLike, userId: string, channelId: string): Promise<void> {
    try {
      await untilDeadline(client.signOutUser(userId, this.connectionName, channelId), 'tokenService.signOut', this.now);
    } catch (err) {
      throw new ShareError('transient', UNAVAILABLE, { status: statusOf(err) });
    }
  }
}

/** HTTP status of a botbuilder RestError (statusCode) or similar. */
function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown } | undefined;
  const s = e?.statusCode ?? e?.status;
  return typeof s === 'number' ? s : undefined;
}
