import type { Clock } from '../clock';
import { InFlight } from '../util/inFlight';
import type { Leases } from './types';

export interface SingleFlightOptions {
  /** How long a lease lasts if its holder never releases it (crashed instance). */
  leaseMs?: number;
  /** How often a waiter looks for the holder's result. */
  pollMs?: number;
  /** Longest a waiter waits for another instance before fetching itself. */
  waitMs?: number;
}

/**
 * Single-flight for cold-start fetches across instances: the first caller (per process, then per lease across
 * instances) fetches and stores; the others wait for the stored result, and fetch themselves only if it does not
 * come in time (a slow or dead holder never blocks them past `waitMs` or their deadline).
 */
export class SingleFlight {
  private readonly local = new InFlight<unknown>();
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly leases: Leases,
    private readonly clock: Clock,
    options: SingleFlightOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 5000;
    this.pollMs = options.pollMs ?? 20;
    this.waitMs = options.waitMs ?? 2000;
  }

  /** `produce` must store its result where `read` finds it before it resolves. */
  run<T>(
    key: string,
    read: () => Promise<T | undefined>,
    produce: () => Promise<T>,
    deadline = Number.POSITIVE_INFINITY,
  ): Promise<T> {
    return this.local.run(key, () => this.across(key, read, produce, deadline)) as Promise<T>;
  }

  private async across<T>(
    key: string,
    read: () => Promise<T | undefined>,
    produce: () => Promise<T>,
    deadline: number,
  ): Promise<T> {
    if (await this.leases.acquire(key, this.leaseMs)) {
      try {
        return await produce();
      } finally {
        await this.leases.release(key);
      }
    }
    const until = Math.min(this.clock.now() + this.waitMs, deadline - 500);
    while (this.clock.now() < until) {
      await new Promise((r) => setTimeout(r, this.pollMs));
      const value = await read();
      if (value !== undefined) return value;
    }
    return produce();
  }
}
