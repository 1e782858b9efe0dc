import { randomInt, randomUUID } from 'node:crypto';
import type { SandboxUser } from '../tenant-data';

/** An OAuth connection on the sandbox's Azure Bot ("Azure Active Directory v2" with a token exchange URL). */
export interface OAuthConnection {
  name: string;
  /** Graph scopes the connection asks for. */
  scopes: string[];
  /** The app's Application ID URI: SSO tokens with this audience (or the client id) can be exchanged. */
  tokenExchangeUrl: string;
  serviceProviderDisplayName: string;
}

/** A user's sign-in held by the Token Service for one (userId, connection, channel). */
export interface StoredSignIn {
  user: SandboxUser;
  scopes: string[];
  token?: string;
  /** Epoch ms when `token` expires. */
  expiresAt?: number;
}

/** A sign-in started through GetSignInResource and waiting for the person at the sign-in page. */
export interface PendingSignIn {
  id: string;
  connectionName: string;
  channelId?: string;
  /** The Teams user the state named (conversation reference's user), if any. */
  userId?: string;
  finalRedirect?: string;
  createdAt: number;
  /** Set once the person picked an account: the 6-digit code and who signed in. */
  completed?: { code: string; user: SandboxUser; at: number };
}

/** Sign-in links and magic codes stay usable this long, like the real service's short-lived codes. */
const PENDING_TTL_MS = 15 * 60_000;

const key = (userId: string, connectionName: string, channelId: string) =>
  JSON.stringify([userId.toLowerCase(), connectionName.toLowerCase(), channelId.toLowerCase()]);

/** The Token Service's state: stored user tokens and sign-ins in progress. */
export class TokenStore {
  private signIns = new Map<string, StoredSignIn>();
  private pending = new Map<string, PendingSignIn>();

  reset(): void {
    this.signIns.clear();
    this.pending.clear();
  }

  get(userId: string, connectionName: string, channelId: string): StoredSignIn | undefined {
    return this.signIns.get(key(userId, connectionName, channelId));
  }

  put(userId: string, connectionName: string, channelId: string, signIn: StoredSignIn): void {
    this.signIns.set(key(userId, connectionName, channelId), signIn);
  }

  /** Removes the user's sign-ins for one connection (or all) on one channel (or all); returns how many. */
  remove(userId: string, connectionName?: string, channelId?: string): number {
    let n = 0;
    for (const k of [...this.signIns.keys()]) {
      const [u, c, ch] = JSON.parse(k) as string[];
      if (u !== userId.toLowerCase()) continue;
      if (connectionName && c !== connectionName.toLowerCase()) continue;
      if (channelId && ch !== channelId.toLowerCase()) continue;
      this.signIns.delete(k);
      n += 1;
    }
    return n;
  }

  startSignIn(p: Omit<PendingSignIn, 'id' | 'createdAt'>): PendingSignIn {
    this.sweep();
    const pending: PendingSignIn = { ...p, id: randomUUID(), createdAt: Date.now() };
    this.pending.set(pending.id, pending);
    return pending;
  }

  pendingSignIn(id: string): PendingSignIn | undefined {
    this.sweep();
    return this.pending.get(id);
  }

  /** Marks a sign-in complete and issues its magic code. */
  complete(id: string, user: SandboxUser): string {
    const p = this.pending.get(id);
    if (!p) throw new Error('unknown sign-in');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    p.completed = { code, user, at: Date.now() };
    return code;
  }

  /**
   * Redeems a magic code: the completed sign-in for this connection (and channel and user, when the state named
   * them) whose code matches. Single use.
   */
  redeem(code: string, userId: string, connectionName: string, channelId: string): PendingSignIn | undefined {
    this.sweep();
    for (const p of this.pending.values()) {
      if (!p.completed || p.completed.code !== code) continue;
      if (p.connectionName.toLowerCase() !== connectionName.toLowerCase()) continue;
      if (p.channelId && channelId && p.channelId.toLowerCase() !== channelId.toLowerCase()) continue;
      if (p.userId && p.userId.toLowerCase() !== userId.toLowerCase()) continue;
      this.pending.delete(p.id);
      return p;
    }
    return undefined;
  }

  private sweep(): void {
    const cutoff = Date.now() - PENDING_TTL_MS;
    for (const [id, p] of this.pending) if (p.createdAt < cutoff) this.pending.delete(id);
  }
}
