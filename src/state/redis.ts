import { randomUUID } from 'node:crypto';
import type { StateCipher } from './cipher';
import type { RedisLink } from './redisLink';
import type { ClaimResult, IdempotencyStore, Leases, RateLimiter, SharedCache } from './types';

/**
 * Redis implementations of the shared-state kinds. Names: `{prefix}:{kind}:{HMAC(kind, id)}`; values that carry
 * anything about a person (results, items, tokens, msal partitions) are sealed with AES-256-GCM bound to their name.
 * Every call goes through RedisLink.run (time budget, health); callers fall back on RedisUnavailableError.
 */
export class RedisNames {
  constructor(
    private readonly prefix: string,
    readonly cipher: StateCipher,
  ) {}

  of(kind: string, id: string): string {
    return `${this.prefix}:${kind}:${this.cipher.name(kind, id)}`;
  }
}

export class RedisCache implements SharedCache {
  constructor(
    private readonly link: RedisLink,
    private readonly names: RedisNames,
    private readonly kind: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const name = this.names.of(this.kind, key);
    const sealed = await this.link.run((c) => c.get(name));
    return sealed === null ? undefined : this.names.cipher.open(sealed, name);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const ttl = Math.floor(ttlMs);
    if (ttl <= 0) return;
    const name = this.names.of(this.kind, key);
    await this.link.run((c) => c.set(name, this.names.cipher.seal(value, name), 'PX', ttl));
  }

  async delete(key: string): Promise<void> {
    const name = this.names.of(this.kind, key);
    await this.link.run((c) => c.del(name));
  }
}

const PENDING = 'pending';
// An invalidated result becomes "void" until its window ends: free to claim, but known to have been revoked.
/** Claims KEYS[1] unless it holds a claim or a result: returns that, or "claimed" / "claimed:void". */
const CLAIM =
  "local v = redis.call('GET', KEYS[1]) if v and v ~= 'void' then return v end " +
  "redis.call('SET', KEYS[1], 'pending', 'PX', ARGV[1]) if v == 'void' then return 'claimed:void' end return 'claimed'";
/** Turns every result under a tag into VOID (keeping each one's remaining window), then drops the tag. */
const INVALIDATE =
  "for _, k in ipairs(redis.call('SMEMBERS', KEYS[1])) do local t = redis.call('PTTL', k) " +
  "if t > 0 then redis.call('SET', k, 'void', 'PX', t) end end return redis.call('DEL', KEYS[1])";
/** Deletes KEYS[1] only while it still holds ARGV[1] (a claim or lease someone else has not taken over). */
const DELETE_IF_EQUAL = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
/** INCR with the window's expiry set by the first hit; returns the count and the window's remaining ms. */
const COUNT_IN_WINDOW =
  "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end " +
  "return {c, redis.call('PTTL', KEYS[1])}";

export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly link: RedisLink,
    private readonly names: RedisNames,
  ) {}

  async claim(key: string, pendingMs: number): Promise<ClaimResult> {
    const name = this.names.of('idem', key);
    for (let attempt = 0; attempt < 3; attempt++) {
      const value = (await this.link.run((c) => c.eval(CLAIM, 1, name, Math.floor(pendingMs)))) as string;
      if (value === 'claimed') return { kind: 'claimed' };
      if (value === 'claimed:void') return { kind: 'claimed', invalidated: true };
      if (value === PENDING) return { kind: 'pending' };
      const result = this.names.cipher.open(value, name);
      if (result !== undefined) return { kind: 'done', result };
      // Not ours (another key, corrupted): it cannot be returned to anyone; drop it and claim.
      await this.link.run((c) => c.eval(DELETE_IF_EQUAL, 1, name, value));
    }
    return { kind: 'pending' };
  }

  async complete(key: string, result: string, ttlMs: number, tag: string): Promise<void> {
    const name = this.names.of('idem', key);
    const tagName = this.names.of('idemtag', tag);
    const ttl = Math.max(1, Math.floor(ttlMs));
    await this.link.run((c) =>
      c
        .multi()
        .set(name, this.names.cipher.seal(result, name), 'PX', ttl)
        .sadd(tagName, name)
        .pexpire(tagName, ttl)
        .exec(),
    );
  }

  async release(key: string): Promise<void> {
    const name = this.names.of('idem', key);
    await this.link.run((c) => c.eval(DELETE_IF_EQUAL, 1, name, PENDING));
  }

  async invalidate(tag: string): Promise<void> {
    await this.link.run((c) => c.eval(INVALIDATE, 1, this.names.of('idemtag', tag)));
  }
}

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly link: RedisLink,
    private readonly names: RedisNames,
  ) {}

  async hit(key: string, limit: number, windowMs: number) {
    const name = this.names.of('rate', key);
    const [count, pttl] = (await this.link.run((c) => c.eval(COUNT_IN_WINDOW, 1, name, Math.floor(windowMs)))) as [
      number,
      number,
    ];
    const allowed = count <= limit;
    return { allowed, retryAfterMs: allowed ? 0 : Math.max(pttl, 0) };
  }
}

export class RedisLeases implements Leases {
  /** This process's lease tokens, so a release never ends a lease another instance took over after expiry. */
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly link: RedisLink,
    private readonly names: RedisNames,
  ) {}

  async acquire(key: string, ttlMs: number): Promise<boolean> {
    const name = this.names.of('lease', key);
    const token = randomUUID();
    const won = await this.link.run((c) => c.set(name, token, 'PX', Math.floor(ttlMs), 'NX'));
    if (won !== 'OK') return false;
    this.tokens.set(key, token);
    return true;
  }

  async release(key: string): Promise<void> {
    const token = this.tokens.get(key);
    if (!token) return;
    this.tokens.delete(key);
    const name = this.names.of('lease', key);
    await this.link.run((c) => c.eval(DELETE_IF_EQUAL, 1, name, token));
  }
}
