import type { Activity, SignInUrlResponse, TokenExchangeRequest, TokenResponse } from 'botframework-schema';
import type { UserTokenClientLike } from '../../../src/auth/tokenService';

/** A Token Service stand-in with botbuilder's UserTokenClient surface: stores tokens per user, records calls. */
export class FakeUserTokenClient implements UserTokenClientLike {
  readonly calls: { method: string; args: unknown[] }[] = [];
  /** Magic code that completes a sign-in, and the token the user then has. */
  readonly pendingSignIns = new Map<string, { magicCode: string; token: TokenResponse }>();
  readonly stored = new Map<string, TokenResponse>();
  failWith?: { statusCode: number };
  exchangeFailsWith?: { statusCode: number };
  signInLink = 'https://token.sandbox.example/sign-in?code=abc';

  async getUserToken(
    userId: string,
    connectionName: string,
    channelId: string,
    magicCode: string,
  ): Promise<TokenResponse | undefined> {
    this.calls.push({ method: 'getUserToken', args: [userId, connectionName, channelId, magicCode] });
    if (this.failWith) throw Object.assign(new Error('service error'), this.failWith);
    const pending = this.pendingSignIns.get(userId);
    if (pending && magicCode && pending.magicCode === magicCode) {
      this.stored.set(userId, pending.token);
      this.pendingSignIns.delete(userId);
    }
    return this.stored.get(userId);
  }

  async getSignInResource(
    connectionName: string,
    activity: Activity,
    finalRedirect: string,
  ): Promise<SignInUrlResponse> {
    this.calls.push({ method: 'getSignInResource', args: [connectionName, activity, finalRedirect] });
    if (this.failWith) throw Object.assign(new Error('service error'), this.failWith);
    return { signInLink: this.signInLink };
  }

  async exchangeToken(
    userId: string,
    connectionName: string,
    channelId: string,
    req: TokenExchangeRequest,
  ): Promise<TokenResponse | undefined> {
    this.calls.push({ method: 'exchangeToken', args: [userId, connectionName, channelId, req] });
    if (this.exchangeFailsWith) throw Object.assign(new Error('exchange refused'), this.exchangeFailsWith);
    const token: TokenResponse = {
      connectionName,
      token: `ts-exchanged-${userId}`,
      expiration: new Date(Date.now() + 3600_000).toISOString(),
    };
    this.stored.set(userId, token);
    return token;
  }

  async signOutUser(userId: string, connectionName: string, channelId: string): Promise<void> {
    this.calls.push({ method: 'signOutUser', args: [userId, connectionName, channelId] });
    this.stored.delete(userId);
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }
}

/** An invoke activity as Teams sends it, enough for the Token Service sign-in link. */
export function invokeActivity(teamsUserId: string, aadObjectId: string, tenantId: string): Activity {
  return {
    type: 'invoke',
    name: 'composeExtension/fetchTask',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    from: { id: teamsUserId, name: 'User', aadObjectId },
    recipient: { id: '28:bot', name: 'Share Link' },
    conversation: { id: 'a:conv', tenantId, isGroup: false, conversationType: 'personal', name: '' },
    channelData: { tenant: { id: tenantId } },
    id: 'activity-1',
  } as unknown as Activity;
}
