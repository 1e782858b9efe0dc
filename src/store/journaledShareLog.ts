import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import type { OpenEntry, ShareIntent, ShareJournal } from './shareJournal';
import type { ShareLog, ShareRecord } from './shareLog';

export interface JournaledShareLogOptions {
  /** First pause before writing again after the store refused; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** A read the store has not answered by then fails (the caller answers "try again"), so nothing hangs on it. */
  readTimeoutMs?: number;
  /** A write the store has not finished by then counts as failed (and is retried later). */
  writeTimeoutMs?: number;
}

/**
 * The share log the app uses: the store (SQLite or Azure Table) behind the share journal. Writes go to the journal
 * and reach the store in the background, after the answer went out, so a locked, slow or hung store never holds an
 * invoke; entries are settled once the store has them. Reads show what the store has plus what is still on its way.
 */
export class JournaledShareLog implements ShareLog {
  private flushing?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private backoffMs: number;
  private closed = false;

  constructor(
    readonly store: ShareLog,
    readonly journal: ShareJournal,
    private readonly log: Logger,
    private readonly opts: JournaledShareLogOptions = {},
  ) {
    this.backoffMs = opts.retryMs ?? 500;
  }

  // ---- the share's lifecycle (ShareService) ------------------------------------------------------------------

  /** Writes the intent of a share before Graph is called; rejects when it cannot be written. */
  begin(intent: ShareIntent): Promise<string> {
    return this.journal.intent(intent);
  }

  /** Graph answered with this record: journal it and write it to the store in the background. Never rejects. */
  async complete(id: string, record: ShareRecord): Promise<void> {
    await this.journal.created(id, record);
    this.flushSoon();
  }

  /** Graph refused the share, or a reconciliation found no link: nothing to record. Never rejects. */
  async abandon(id: string, how: 'failed' | 'dropped'): Promise<void> {
    await this.journal.settle(id, how);
  }

  /** Graph may have created the link but its answer was lost: reconcile it when the person's token is at hand. */
  async markUnknown(id: string, reason: string): Promise<void> {
    await this.journal.unknown(id, reason);
  }

  /** Intents of this person without an outcome (Graph's answer lost, or the process died meanwhile). */
  openIntentsOf(tenantId: string, userObjectId: string): Array<OpenEntry & { intent: ShareIntent }> {
    return this.journal
      .open()
      .filter(
        (e): e is OpenEntry & { intent: ShareIntent } =>
          !!e.intent && !e.record && e.intent.tenantId === tenantId && e.intent.userObjectId === userObjectId,
      );
  }

  // ---- ShareLog ----------------------------------------------------------------------------------------------

  async put(record: ShareRecord): Promise<void> {
    await this.journal.created(randomUUID(), record);
    this.flushSoon();
  }

  async markRevoked(tenantId: string, permissionId: string, at: string, by: string): Promise<void> {
    await this.journal.revoked({ tenantId, permissionId, at, by });
    this.flushSoon();
  }

  async get(tenantId: string, permissionId: string, userObjectId: string): Promise<ShareRecord | undefined> {
    const pending = this.pendingRecords((r) => r.tenantId === tenantId && r.permissionId === permissionId);
    const own = pending.find((r) => r.userObjectId === userObjectId);
    const found = own ?? (await this.read(() => this.store.get(tenantId, permissionId, userObjectId)));
    return found && this.withRevocation(found);
  }

  async listByPermission(tenantId: string, permissionId: string): Promise<ShareRecord[]> {
    const stored = await this.read(() => this.store.listByPermission(tenantId, permissionId));
    const pending = this.pendingRecords((r) => r.tenantId === tenantId && r.permissionId === permissionId);
    return merge(stored, pending)
      .map((r) => this.withRevocation(r))
      .sort((a, b) => compare(a.createdAt, b.createdAt));
  }

  async listByUser(tenantId: string, userObjectId: string, limit: number): Promise<ShareRecord[]> {
    const stored = await this.read(() => this.store.listByUser(tenantId, userObjectId, limit));
    const pending = this.pendingRecords((r) => r.tenantId === tenantId && r.userObjectId === userObjectId);
    return merge(stored, pending)
      .map((r) => this.withRevocation(r))
      .sort((a, b) => compare(b.createdAt, a.createdAt))
      .slice(0, Math.max(0, limit));
  }

  ping(): Promise<void> {
    return this.read(() => this.store.ping());
  }

  /** Stops retrying; what is still open stays in the journal for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.flushing;
    await this.journal.flushed();
    this.journal.close();
    await this.store.close();
  }

  // ---- writing to the store ----------------------------------------------------------------------------------

  /** Writes what the journal holds to the store now (in order, stopping at the first refusal). */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.again = false;
          await this.writeOpenEntries();
        } while (this.again && !this.closed);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Entries written to the journal but not yet to the store. */
  pending(): OpenEntry[] {
    return this.journal.open().filter((e) => e.record || e.revocation);
  }

  private flushSoon(): void {
    if (this.closed) return;
    // After the current turn: the answer goes out first.
    setImmediate(() => void this.flush());
  }

  private async writeOpenEntries(): Promise<void> {
    let written = 0;
    for (const entry of this.pending()) {
      try {
        if (entry.record) await this.write(() => this.store.put(entry.record!));
        if (entry.revocation) {
          const r = entry.revocation;
          await this.write(() => this.store.markRevoked(r.tenantId, r.permissionId, r.at, r.by));
        }
      } catch (err) {
        this.log.warn(
          { permissionId: entry.record?.permissionId ?? entry.revocation?.permissionId, err: (err as Error).message },
          'share log write failed; kept in the journal and retried',
        );
        this.retryLater();
        return;
      }
      await this.journal.settle(entry.id, 'stored');
      written++;
    }
    if (written) this.log.debug({ written }, 'share log: journal entries written');
    this.backoffMs = this.opts.retryMs ?? 500;
  }

  private retryLater(): void {
    if (this.timer || this.closed) return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxRetryMs ?? 30_000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
    this.timer.unref();
  }

  private write(op: () => Promise<void>): Promise<void> {
    return withTimeout(op(), this.opts.writeTimeoutMs ?? 10_000, 'the share log store did not finish a write');
  }

  private read<T>(op: () => Promise<T>): Promise<T> {
    return withTimeout(op(), this.opts.readTimeoutMs ?? 2000, 'the share log store did not answer');
  }

  private pendingRecords(match: (r: ShareRecord) => boolean): ShareRecord[] {
    return this.journal
      .open()
      .map((e) => e.record)
      .filter((r): r is ShareRecord => !!r && match(r));
  }

  /** A revocation on its way to the store already counts. */
  private withRevocation(r: ShareRecord): ShareRecord {
    if (r.revokedAt) return r;
    const rev = this.journal
      .open()
      .find((e) => e.revocation?.tenantId === r.tenantId && e.revocation.permissionId === r.permissionId)?.revocation;
    return rev ? { ...r, revokedAt: rev.at, revokedBy: rev.by } : r;
  }
}

/** Store rows, with the newer pending record of the same (permission, sharer) in place of the stored one. */
function merge(stored: ShareRecord[], pending: ShareRecord[]): ShareRecord[] {
  const key = (r: ShareRecord) => `${r.permissionId}\u0000${r.userObjectId}`;
  const byKey = new Map(stored.map((r) => [key(r), r]));
  for (const r of pending) {
    const before = byKey.get(key(r));
    byKey.set(key(r), before?.revokedAt ? { ...r, revokedAt: before.revokedAt, revokedBy: before.revokedBy } : r);
  }
  return [...byKey.values()];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
