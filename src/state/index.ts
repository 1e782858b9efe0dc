import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { StateCipher } from './cipher';
import { FailoverCache, FailoverIdempotencyStore, FailoverLeases, FailoverRateLimiter } from './failover';
import { MemoryCache, MemoryIdempotencyStore, MemoryLeases, MemoryRateLimiter } from './memory';
import { RedisCache, RedisIdempotencyStore, RedisLeases, RedisNames, RedisRateLimiter } from './redis';
import { RedisLink } from './redisLink';
import type { SharedCache, SharedState } from './types';

export type { ClaimResult, IdempotencyStore, Leases, RateLimiter, SharedCache, SharedState } from './types';
export { SingleFlight } from './singleFlight';
export { StateCipher, parseStateKey } from './cipher';
export { RedisLink, RedisUnavailableError } from './redisLink';

export interface RedisSettings {
  /** `redis://` or `rediss://`; holds the access key: never logged. */
  url: string;
  /** 32 bytes: seals values, keys names, and is the idempotency digest key on every instance. */
  key: Buffer;
  /** Prefix of every name, so several deployments can share one cache. */
  prefix: string;
  /** Budget of one Redis call. */
  timeoutMs: number;
}

export interface SharedStateDeps {
  clock: Clock;
  log: Logger;
}

/** Per-process state: the embedded default (no Redis configured). */
export function createMemoryState(clock: Clock): SharedState {
  const caches = new Map<string, SharedCache>();
  return {
    engine: 'memory',
    cache: (kind) => {
      let c = caches.get(kind);
      if (!c) caches.set(kind, (c = new MemoryCache(clock)));
      return c;
    },
    idempotency: new MemoryIdempotencyStore(clock),
    rateLimiter: new MemoryRateLimiter(clock),
    leases: new MemoryLeases(clock),
    digestKey: randomBytes(32),
    check: async () => {},
    start: async () => {},
    close: async () => {},
  };
}

/** State shared through Redis, with per-process fallback while Redis is down or slow. */
export function createRedisState(settings: RedisSettings, deps: SharedStateDeps): SharedState {
  const { clock } = deps;
  const log = deps.log.child({ component: 'redis' });
  const link = new RedisLink({ url: settings.url, timeoutMs: settings.timeoutMs, clock, log });
  const cipher = new StateCipher(settings.key);
  const names = new RedisNames(settings.prefix, cipher);
  const caches = new Map<string, SharedCache>();
  return {
    engine: 'redis',
    cache: (kind) => {
      let c = caches.get(kind);
      if (!c)
        caches.set(kind, (c = new FailoverCache(link, new RedisCache(link, names, kind), new MemoryCache(clock))));
      return c;
    },
    idempotency: new FailoverIdempotencyStore(
      link,
      new RedisIdempotencyStore(link, names),
      new MemoryIdempotencyStore(clock),
    ),
    rateLimiter: new FailoverRateLimiter(link, new RedisRateLimiter(link, names), new MemoryRateLimiter(clock)),
    leases: new FailoverLeases(link, new RedisLeases(link, names), new MemoryLeases(clock)),
    digestKey: cipher.derive('idempotency'),
    check: async () => {
      try {
        await link.ping();
      } catch {
        throw new Error('Redis unavailable: serving with per-process state (degraded)');
      }
    },
    start: async () => {
      // Not connected in time: the link has logged why, and the app starts on per-process state.
      await link.waitUntilReady(Math.max(2000, settings.timeoutMs * 20));
    },
    close: () => link.close(),
  };
}

/** The configured engine: Redis when settings are given, per-process memory otherwise. */
export function createSharedState(settings: RedisSettings | undefined, deps: SharedStateDeps): SharedState {
  return settings ? createRedisState(settings, deps) : createMemoryState(deps.clock);
}
