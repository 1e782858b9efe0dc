import { LruCache } from '../util/lruCache';
import type { MemoryIdempotencyStore } from './memory';
import type { RedisLink } from './redisLink';
import type { ClaimResult, IdempotencyStore, Leases, RateLimiter, SharedCache } from './types';

/**
 * Redis while it is healthy, the process's memory while it is not. Writes always reach memory too, and what this
 * instance wrote while Redis was away stays authoritative on this instance afterwards (Redis never saw it), so no
 * share is duplicated on one instance because Redis came or went. Otherwise Redis is the truth: an entry another
 * instance deleted or invalidated there is gone here too. A failed Redis call never fails the caller.
 */
async function tryRedis<T>(link: RedisLink, op: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
  if (!link.healthy) return { ok: false };
  try {
    return { ok: true, value: await op() };
  } catch {
    return { ok: false };
  }
}

/** Keys whose last write reached only this process's memory. */
class LocalOnly {
  private readonly keys = new LruCache<true>(50_000);
  has(key: string): boolean {
    return this.keys.get(key) === true;
  }
  mark(key: string, reachedRedis: boolean): void {
    if (reachedRedis) this.keys.delete(key);
    else this.keys.set(key, true);
  }
}

export class FailoverCache implements SharedCache {
  private readonly localOnly = new LocalOnly();

  constructor(
    private readonly link: RedisLink,
    private readonly redis: SharedCache,
    private readonly memory: SharedCache,
  ) {}

  async get(key: string): Promise<string | undefined> {
    if (!this.localOnly.has(key)) {
      const shared = await tryRedis(this.link, () => this.redis.get(key));
      if (shared.ok) return shared.value;
    }
    return this.memory.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.memory.set(key, value, ttlMs);
    this.localOnly.mark(key, (await tryRedis(this.link, () => this.redis.set(key, value, ttlMs))).ok);
  }

  async delete(key: string): Promise<void> {
    await this.memory.delete(key);
    this.localOnly.mark(key, (await tryRedis(this.link, () => this.redis.delete(key))).ok);
  }
}

export class FailoverIdempotencyStore implements IdempotencyStore {
  private readonly localOnly = new LocalOnly();
  /** Invalidations Redis missed (it was away): applied as soon as it answers again. */
  private readonly missedInvalidations = new Set<string>();

  constructor(
    private readonly link: RedisLink,
    private readonly redis: IdempotencyStore,
    private readonly memory: MemoryIdempotencyStore,
  ) {}

  async claim(key: string, pendingMs: number): Promise<ClaimResult> {
    await this.catchUp();
    const local = this.memory.doneEntry(key);
    // A result Redis never saw (stored while it was away) stays this instance's answer.
    if (local && this.localOnly.has(key)) return { kind: 'done', result: local.result };
    const shared = await tryRedis(this.link, () => this.redis.claim(key, pendingMs));
    if (!shared.ok) return this.memory.claim(key, pendingMs);
    const claim = shared.value;
    if (claim.kind === 'claimed' && local && !claim.invalidated) {
      // Redis lost what this instance did (restarted without persistence): answer it, and hand it back to Redis.
      await tryRedis(this.link, () => this.redis.complete(key, local.result, local.ttlMs, local.tag));
      return { kind: 'done', result: local.result };
    }
    if (claim.kind === 'claimed') this.memory.markPending(key, pendingMs);
    return claim;
  }

  async complete(key: string, result: string, ttlMs: number, tag: string): Promise<void> {
    await this.memory.complete(key, result, ttlMs, tag);
    this.localOnly.mark(key, (await tryRedis(this.link, () => this.redis.complete(key, result, ttlMs, tag))).ok);
  }

  async release(key: string): Promise<void> {
    await this.memory.release(key);
    this.localOnly.mark(key, true);
    await tryRedis(this.link, () => this.redis.release(key));
  }

  async invalidate(tag: string): Promise<void> {
    await this.memory.invalidate(tag);
    if (!(await tryRedis(this.link, () => this.redis.invalidate(tag))).ok) this.missedInvalidations.add(tag);
  }

  private async catchUp(): Promise<void> {
    if (!this.missedInvalidations.size || !this.link.healthy) return;
    for (const tag of [...this.missedInvalidations]) {
      if (!(await tryRedis(this.link, () => this.redis.invalidate(tag))).ok) return;
      this.missedInvalidations.delete(tag);
    }
  }
}

export class FailoverRateLimiter implements RateLimiter {
  constructor(
    private readonly link: RedisLink,
    private readonly redis: RateLimiter,
    private readonly memory: RateLimiter,
  ) {}

  async hit(key: string, limit: number, windowMs: number) {
    const shared = await tryRedis(this.link, () => this.redis.hit(key, limit, windowMs));
    // While Redis is away the limit holds per instance.
    return shared.ok ? shared.value : this.memory.hit(key, limit, windowMs);
  }
}

export class FailoverLeases implements Leases {
  constructor(
    private readonly link: RedisLink,
    private readonly redis: Leases,
    private readonly memory: Leases,
  ) {}

  async acquire(key: string, ttlMs: number): Promise<boolean> {
    const shared = await tryRedis(this.link, () => this.redis.acquire(key, ttlMs));
    return shared.ok ? shared.value : this.memory.acquire(key, ttlMs);
  }

  async release(key: string): Promise<void> {
    await this.memory.release(key);
    await tryRedis(this.link, () => this.redis.release(key));
  }
}
