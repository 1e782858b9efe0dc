import type { Clock } from '../clock';
import { LruCache } from '../util/lruCache';
import type { ClaimResult, IdempotencyStore, Leases, RateLimiter, SharedCache } from './types';

/** Per-process bound on entries of each kind (the LRU forgets the oldest first). */
const MAX_ENTRIES = 50_000;

/** The in-process cache: one instance, or the fallback while Redis is unavailable. */
export class MemoryCache implements SharedCache {
  private readonly entries: LruCache<{ value: string; expires: number }>;

  constructor(
    private readonly clock: Clock,
    maxEntries = MAX_ENTRIES,
  ) {
    this.entries = new LruCache(maxEntries);
  }

  async get(key: string): Promise<string | undefined> {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs > 0) this.entries.set(key, { value, expires: this.clock.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}

type IdemEntry =
  { state: 'pending'; expires: number } | { state: 'done'; result: string; tag: string; expires: number };

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new LruCache<IdemEntry>(MAX_ENTRIES);
  private readonly byTag = new Map<string, Set<string>>();

  constructor(private readonly clock: Clock) {}

  async claim(key: string, pendingMs: number): Promise<ClaimResult> {
    const found = this.peek(key);
    if (found) return found;
    this.entries.set(key, { state: 'pending', expires: this.clock.now() + pendingMs });
    return { kind: 'claimed' };
  }

  /** What this process knows of the key, without claiming it. */
  peek(key: string): ClaimResult | undefined {
    const entry = this.entry(key);
    if (!entry) return undefined;
    return entry.state === 'done' ? { kind: 'done', result: entry.result } : { kind: 'pending' };
  }

  /** A finished result with its tag and remaining window (to give back to a Redis that lost it). */
  doneEntry(key: string): { result: string; tag: string; ttlMs: number } | undefined {
    const entry = this.entry(key);
    if (entry?.state !== 'done') return undefined;
    return { result: entry.result, tag: entry.tag, ttlMs: entry.expires - this.clock.now() };
  }

  /** Marks the key as being worked on by this process, whatever it held. */
  markPending(key: string, pendingMs: number): void {
    this.entries.set(key, { state: 'pending', expires: this.clock.now() + pendingMs });
  }

  private entry(key: string): IdemEntry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expires <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async complete(key: string, result: string, ttlMs: number, tag: string): Promise<void> {
    this.entries.set(key, { state: 'done', result, tag, expires: this.clock.now() + ttlMs });
    let keys = this.byTag.get(tag);
    if (!keys) this.byTag.set(tag, (keys = new Set()));
    keys.add(key);
    if (this.byTag.size > MAX_ENTRIES) this.byTag.delete(this.byTag.keys().next().value as string);
  }

  async release(key: string): Promise<void> {
    if (this.entries.get(key)?.state === 'pending') this.entries.delete(key);
  }

  async invalidate(tag: string): Promise<void> {
    for (const key of this.byTag.get(tag) ?? []) this.entries.delete(key);
    this.byTag.delete(tag);
  }
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new LruCache<{ count: number; ends: number }>(MAX_ENTRIES);

  constructor(private readonly clock: Clock) {}

  async hit(key: string, limit: number, windowMs: number) {
    const now = this.clock.now();
    let w = this.windows.get(key);
    if (!w || w.ends <= now) w = { count: 0, ends: now + windowMs };
    w.count++;
    this.windows.set(key, w);
    return { allowed: w.count <= limit, retryAfterMs: w.count <= limit ? 0 : w.ends - now };
  }
}

export class MemoryLeases implements Leases {
  private readonly held = new LruCache<number>(MAX_ENTRIES);

  constructor(private readonly clock: Clock) {}

  async acquire(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const until = this.held.get(key);
    if (until !== undefined && until > now) return false;
    this.held.set(key, now + ttlMs);
    return true;
  }

  async release(key: string): Promise<void> {
    this.held.delete(key);
  }
}
