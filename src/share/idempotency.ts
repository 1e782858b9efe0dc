import type { ShareOutcome } from '../domain/types';
import { LruCache } from '../util/lruCache';

/** What an idempotent attempt answered, and whether it was an earlier identical request's answer. */
export interface OnceResult {
  outcome: ShareOutcome;
  /** True when an identical request within the window answered (or is answering) instead of this one. */
  repeated: boolean;
}

/**
 * "The same request from the same person" within a short window (Teams retries invokes, people double-click):
 * the first attempt runs, identical ones get its result. Implemented in process (below) and in a shared store when
 * several instances run. Every implementation must honour invalidate(): a cached result that names a permission
 * which was revoked, deleted or found changed must never be served again.
 */
export interface IdempotencyStore {
  /**
   * Runs attempt() unless an identical request (same key) ran within the window, in which case that request's
   * result is returned (awaited while it is still in flight). A failed attempt is not remembered.
   */
  once(key: string, tenantId: string, attempt: () => Promise<ShareOutcome>): Promise<OnceResult>;
  /** Forgets every remembered result that returned this permission, for whoever asked. */
  invalidate(tenantId: string, permissionId: string): Promise<void>;
}

interface Entry {
  tenantId: string;
  attempt: Promise<ShareOutcome>;
  /** Set once the attempt succeeded. */
  permissionId?: string;
}

/** The in-process idempotency store: one LRU map with a time-to-live of the window. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries: LruCache<Entry>;

  constructor(opts: { windowMs: number; now: () => number; maxEntries?: number }) {
    this.entries = new LruCache(opts.maxEntries ?? 50_000, { ms: opts.windowMs, now: opts.now });
  }

  async once(key: string, tenantId: string, attempt: () => Promise<ShareOutcome>): Promise<OnceResult> {
    const existing = this.entries.get(key);
    if (existing) return { outcome: await existing.attempt, repeated: true };
    const entry: Entry = { tenantId, attempt: attempt() };
    this.entries.set(key, entry);
    try {
      const outcome = await entry.attempt;
      entry.permissionId = outcome.permissionId;
      return { outcome, repeated: false };
    } catch (err) {
      // A failed attempt must not pin the failure: the person (or Teams) may retry.
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw err;
    }
  }

  async invalidate(tenantId: string, permissionId: string): Promise<void> {
    this.entries.deleteWhere((e) => e.tenantId === tenantId && e.permissionId === permissionId);
  }
}
