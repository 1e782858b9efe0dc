/**
 * The kinds of hot state several instances share, one small interface each. Every kind has an in-memory
 * implementation (one instance, or Redis unavailable) and a Redis one; `failover.ts` picks per call.
 */

/** A string cache with a time to live (item cache, Graph-token cache, msal partitions). */
export interface SharedCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What claiming an idempotency key found. */
export type ClaimResult =
  /**
   * Nobody had it: the caller does the work, then completes or releases it. `invalidated`: a result was there and
   * was invalidated (revoked), as opposed to never stored or lost.
   */
  | { kind: 'claimed'; invalidated?: boolean }
  /** Someone else is doing the work right now. */
  | { kind: 'pending' }
  /** The work was done within the window: its result. */
  | { kind: 'done'; result: string };

/** "The same request twice does the work once", across instances. */
export interface IdempotencyStore {
  /** Claims the key atomically for `pendingMs` (a claimant that dies frees it then), or reports who has it. */
  claim(key: string, pendingMs: number): Promise<ClaimResult>;
  /** Stores the result for `ttlMs`, findable by `tag` for invalidation. */
  complete(key: string, result: string, ttlMs: number, tag: string): Promise<void>;
  /** Gives the claim up after a failure, so a retry does the work (a failure is not pinned). */
  release(key: string): Promise<void>;
  /** Forgets every result stored under `tag` (e.g. the permission was revoked). */
  invalidate(tag: string): Promise<void>;
}

/** Fixed-window counter per key. */
export interface RateLimiter {
  /** Counts one hit; `allowed` false (with the wait) once `limit` hits fell in the current window. */
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

/** Short leases for "one instance fetches, the others wait for the cache" (single-flight of cold-start fetches). */
export interface Leases {
  /** True when this caller got the lease; it ends after `ttlMs` or at release. */
  acquire(key: string, ttlMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

/** Everything shared, plus how it is doing (for /readyz). */
export interface SharedState {
  /** "memory" (no Redis configured) or "redis". */
  engine: 'memory' | 'redis';
  /** A cache of one kind; in Redis its names are keyed hashes and its values are encrypted (AES-256-GCM). */
  cache(kind: string): SharedCache;
  idempotency: IdempotencyStore;
  rateLimiter: RateLimiter;
  leases: Leases;
  /** Key for idempotency digests, the same on every instance (random per process without Redis). */
  digestKey: Buffer;
  /** Throws when shared state is degraded (Redis configured but unavailable). */
  check(): Promise<void>;
  /** Connects (bounded wait); resolves either way: the app serves on per-process state until Redis is there. */
  start(): Promise<void>;
  close(): Promise<void>;
}
