import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { Logger } from '../log';

/** Redis is not usable right now (down, slow, refusing writes): the caller uses its per-process state instead. */
export class RedisUnavailableError extends Error {
  constructor(reason: string) {
    super(`Redis unavailable: ${reason}`);
    this.name = 'RedisUnavailableError';
  }
}

/** Down episodes starting within this long of the last reported one are not logged again. */
const DOWN_REPORT_INTERVAL_MS = 60_000;

export interface RedisLinkOptions {
  /** `redis://` or `rediss://` (TLS), with the access key as password. */
  url: string;
  /** Budget of one call to Redis; past it the caller falls back to per-process state. */
  timeoutMs: number;
  /** After a failed call, how long Redis is skipped before the next probe (a hung Redis costs one budget, not every call). */
  backoffMs?: number;
  clock: Clock;
  log: Logger;
}

/**
 * The process's one connection to Redis, with its health: every call is time-bounded, a failure marks Redis down
 * (logged once per outage) so calls skip it for a moment, and the client reconnects by itself; the first call that
 * works again (or the client's `ready`) marks it up, logged once.
 */
export class RedisLink {
  readonly client: Redis;
  /** Identifies this process in claims it holds (diagnostics only). */
  readonly instanceId = randomUUID();
  private up = false;
  private everUp = false;
  private skipUntil = 0;
  private downLogged = false;
  /** Whether this down episode was reported; a hiccup soon after the last report is not a new outage. */
  private downReported = false;
  private lastDownReportAt = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(private readonly options: RedisLinkOptions) {
    this.client = new Redis(options.url, {
      // Commands never wait in a queue for a connection: while Redis is away, callers fall back at once.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(1000, options.timeoutMs * 10),
      // Reconnect forever, at most every 2 s: Redis coming back needs no restart.
      retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
      lazyConnect: false,
    });
    this.client.on('ready', () => this.markUp());
    this.client.on('close', () => this.markDown('connection closed'));
    this.client.on('error', (err: Error) => this.markDown(err.message));
  }

  /** True while calls go to Redis; false while the app runs on per-process state. */
  get healthy(): boolean {
    return this.up && this.options.clock.now() >= this.skipUntil;
  }

  /** Runs one Redis operation within the budget; throws RedisUnavailableError instead of waiting or failing. */
  async run<T>(op: (client: Redis) => Promise<T>): Promise<T> {
    if (!this.healthy) throw new RedisUnavailableError(this.up ? 'backing off after a failed call' : 'not connected');
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisUnavailableError('timed out')), this.options.timeoutMs);
    });
    try {
      const result = await Promise.race([op(this.client), budget]);
      if (this.downLogged) this.markUp();
      return result;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // READONLY, OOM, NOAUTH…: Redis refuses; treat as down for a moment like a timeout.
      this.skipUntil = this.options.clock.now() + (this.options.backoffMs ?? 1000);
      this.logDown(reason);
      throw err instanceof RedisUnavailableError ? err : new RedisUnavailableError(reason);
    } finally {
      clearTimeout(timer);
    }
  }

  /** For /readyz: resolves when Redis answers PING within the budget. */
  async ping(): Promise<void> {
    if (!this.up) throw new RedisUnavailableError('not connected');
    await this.run((c) => c.ping());
  }

  /** Waits (bounded) for the first connection, so a freshly started instance uses Redis from its first request. */
  async waitUntilReady(ms: number): Promise<boolean> {
    if (this.up) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private markUp(): void {
    this.up = true;
    this.skipUntil = 0;
    if (this.downReported || !this.everUp) {
      this.options.log.info(this.everUp ? 'Redis is back: shared state resumes' : 'Redis connected: state is shared');
    }
    this.everUp = true;
    this.downLogged = false;
    this.downReported = false;
  }

  private markDown(reason: string): void {
    if (this.closed) return;
    this.up = false;
    this.logDown(reason);
  }

  private logDown(reason: string): void {
    if (this.downLogged || this.closed) return;
    this.downLogged = true;
    // A slow call on a busy machine flaps down and up within moments: one line per outage, not one per hiccup.
    const now = this.options.clock.now();
    if (now - this.lastDownReportAt < DOWN_REPORT_INTERVAL_MS) return;
    this.lastDownReportAt = now;
    this.downReported = true;
    this.options.log.warn(
      { reason: reason.slice(0, 200) },
      'Redis unavailable: serving with per-process state until it is back (logged once per outage)',
    );
  }
}
