import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import type { ShareAudience } from '../domain/types';
import type { ShareRecord } from './shareLog';

/**
 * What a person is about to create, written before Graph is called: enough to find the link in Graph afterwards
 * and to name it in the log. Never the password (only whether there is one) and never a token.
 */
export interface ShareIntent {
  tenantId: string;
  userObjectId: string;
  /** The item as the share saw it (what the record shows). */
  item: {
    driveId: string;
    itemId: string;
    name: string;
    webUrl: string;
    kind: 'file' | 'folder';
    driveType: 'personal' | 'business' | 'documentLibrary';
    size?: number;
    mimeType?: string;
  };
  /** Requested link type and scope; absent for "my organization's default". */
  type?: string;
  scope?: string;
  passwordProtected: boolean;
  /** Email addresses or object ids of the recipients. */
  recipients: string[];
  sendNotification: boolean;
  apiVersion: 'v1.0' | 'beta';
  conversationId?: string;
  /** "People in this chat": the conversation and the people the link was made for (the record shows them). */
  audience?: ShareAudience;
  /** When the intent was written (ISO). */
  at: string;
}

/** A revocation done in Graph that the store has yet to show. */
export interface RevocationEntry {
  tenantId: string;
  permissionId: string;
  at: string;
  by: string;
}

/** An entry of the journal that is not settled yet. */
export interface OpenEntry {
  id: string;
  intent?: ShareIntent;
  /** Graph answered: the record to write to the store. */
  record?: ShareRecord;
  /** Graph may have created the link but its answer was lost: look it up when the person's token is at hand. */
  unknown?: string;
  revocation?: RevocationEntry;
}

type Line =
  | { op: 'intent'; id: string; intent: ShareIntent }
  | { op: 'created'; id: string; record: ShareRecord }
  | { op: 'unknown'; id: string; reason: string }
  | { op: 'revoked'; id: string; revocation: RevocationEntry }
  | { op: 'settled'; id: string; how: SettledHow }
  | { op: 'open'; id: string; entry: OpenEntry };

/** Why an entry needs nothing more: in the store, Graph refused, reconciliation found no link. */
export type SettledHow = 'stored' | 'failed' | 'dropped';

/** A segment held open for appending (one descriptor for all its lines, rather than an open and close per line). */
export interface JournalAppender {
  /** Appends all of data (O_APPEND), or rejects. */
  write(data: string): Promise<void>;
  close(): Promise<void>;
}

/** The file operations the journal uses (injectable, e.g. to simulate a full disk in tests). */
export interface JournalFs {
  openAppend(file: string): Promise<JournalAppender>;
  writeFile(file: string, data: string): Promise<void>;
  readFile(file: string): Promise<string>;
  readdir(dir: string): Promise<string[]>;
  mkdir(dir: string): Promise<void>;
  rm(target: string): Promise<void>;
  stat(target: string): Promise<{ mtimeMs: number; size: number }>;
  utimes(target: string, at: Date): Promise<void>;
}

/** Writes all of buf at the end of the file behind fd (a short write continues where it stopped). */
function writeAll(fd: number, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number) =>
      fs.write(fd, buf, offset, buf.length - offset, null, (err, written) => {
        if (err) reject(err);
        else if (offset + written < buf.length) from(offset + written);
        else resolve();
      });
    from(0);
  });
}

export const nodeJournalFs: JournalFs = {
  openAppend: async (file) => {
    const fd = await new Promise<number>((resolve, reject) =>
      fs.open(file, 'a', (err, opened) => (err ? reject(err) : resolve(opened))),
    );
    let closed: Promise<void> | undefined;
    return {
      write: (data) => writeAll(fd, Buffer.from(data)),
      close: () => (closed ??= new Promise<void>((resolve) => fs.close(fd, () => resolve()))),
    };
  },
  writeFile: (file, data) => fs.promises.writeFile(file, data),
  readFile: (file) => fs.promises.readFile(file, 'utf8'),
  readdir: (dir) => fs.promises.readdir(dir),
  mkdir: async (dir) => void (await fs.promises.mkdir(dir, { recursive: true })),
  rm: (target) => fs.promises.rm(target, { recursive: true, force: true }),
  stat: (target) => fs.promises.stat(target),
  utimes: (target, at) => fs.promises.utimes(target, at, at),
};

export interface ShareJournalOptions {
  log: Logger;
  fs?: JournalFs;
  /** Start a new (compacted) segment once the current one is this large. */
  maxSegmentBytes?: number;
  /** A journal directory of another host whose owner has not shown life for this long is taken over. */
  staleOwnerMs?: number;
  /** This host's name (App Service instance or container); default os.hostname(). */
  host?: string;
  pid?: number;
}

const OWNER_FILE = 'owner.json';
const SEGMENT = /^(\d{12})\.jsonl$/;

/**
 * The share journal: an append-only log, on local disk, of what is about to happen to a link and what did.
 * A share writes its intent before Graph is called and its outcome after; a revocation writes itself after Graph
 * deleted the permission; the share log writer marks entries settled once the store holds them. So whatever
 * dies when (the process, the store, Graph's answer), a link Graph may have created is never unknown: on the next
 * start the journal is replayed, records are written and open intents are reconciled against Graph.
 *
 * Appends only ever add a line (each starting on a fresh line, so a torn write loses only itself); nothing
 * rewrites a file another append may be writing. Compaction writes the open entries to a new segment, then deletes
 * the old ones, all inside the one append chain. Each process appends to its own directory
 * (`{root}/{host}.{pid}`); at start it takes over directories whose owner is gone (same host, dead pid, or no sign
 * of life for a while).
 */
export class ShareJournal {
  private readonly entries = new Map<string, OpenEntry>();
  private chain: Promise<void> = Promise.resolve();
  /** Lines waiting for the append in progress; they go to disk together in the next one (a group commit). */
  private queued: Array<{ data: string; done: (err?: Error) => void }> = [];
  private writing = false;
  private appender?: JournalAppender;
  private segment = '';
  private segmentSeq = 0;
  private segmentBytes = 0;
  private heartbeat?: NodeJS.Timeout;
  private healthy = true;
  private readonly fs: JournalFs;
  private readonly maxSegmentBytes: number;

  private constructor(
    readonly dir: string,
    private readonly opts: ShareJournalOptions,
  ) {
    this.fs = opts.fs ?? nodeJournalFs;
    this.maxSegmentBytes = opts.maxSegmentBytes ?? 1024 * 1024;
  }

  /** Opens (and takes over abandoned) journal directories under root; replays them. */
  static async open(root: string, opts: ShareJournalOptions): Promise<ShareJournal> {
    const host = (opts.host ?? process.env.WEBSITE_INSTANCE_ID ?? os.hostname()).replace(/[^A-Za-z0-9_-]/g, '_');
    const pid = opts.pid ?? process.pid;
    const journal = new ShareJournal(path.join(root, `${host}.${pid}`), opts);
    await journal.fs.mkdir(journal.dir);
    const adopted: string[] = [];
    for (const name of (await journal.fs.readdir(root).catch(() => [] as string[])).sort()) {
      const dir = path.join(root, name);
      if (dir === journal.dir || (await journal.abandoned(dir, host))) {
        await journal.replay(dir);
        if (dir !== journal.dir) adopted.push(dir);
      }
    }
    await journal.fs.writeFile(
      path.join(journal.dir, OWNER_FILE),
      JSON.stringify({ host, pid, startedAt: new Date().toISOString() }),
    );
    await journal.compact();
    for (const dir of adopted) await journal.fs.rm(dir);
    journal.heartbeat = setInterval(() => {
      journal.fs.utimes(path.join(journal.dir, OWNER_FILE), new Date()).catch(() => undefined);
    }, 60_000);
    journal.heartbeat.unref();
    if (journal.entries.size) opts.log.info({ open: journal.entries.size }, 'share journal: open entries replayed');
    return journal;
  }

  /** Writes a share's intent durably; rejects when it cannot (then Graph must not be called). */
  async intent(intent: ShareIntent): Promise<string> {
    const id = randomUUID();
    await this.append({ op: 'intent', id, intent });
    this.entries.set(id, { id, intent });
    return id;
  }

  /** Graph answered: the record to write. Never rejects: if the disk refuses, the entry lives on in memory. */
  async created(id: string, record: ShareRecord): Promise<void> {
    const entry = this.entries.get(id) ?? { id };
    entry.record = record;
    delete entry.unknown;
    this.entries.set(id, entry);
    await this.appendOrKeep({ op: 'created', id, record });
  }

  /** Graph may have created the link but the answer was lost. Never rejects. */
  async unknown(id: string, reason: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.unknown = reason;
    await this.appendOrKeep({ op: 'unknown', id, reason });
  }

  /** A revocation done in Graph, to be shown by the store. Never rejects. */
  async revoked(revocation: RevocationEntry): Promise<string> {
    const id = randomUUID();
    this.entries.set(id, { id, revocation });
    await this.appendOrKeep({ op: 'revoked', id, revocation });
    return id;
  }

  /** The entry needs nothing more. Never rejects. */
  async settle(id: string, how: SettledHow): Promise<void> {
    if (!this.entries.delete(id)) return;
    await this.appendOrKeep({ op: 'settled', id, how });
  }

  /** Entries that still need something (a store write, a revocation, a reconciliation). */
  open(): OpenEntry[] {
    return [...this.entries.values()];
  }

  /** False after an append failed (e.g. the disk is full) until one succeeds again; readiness reports it. */
  isHealthy(): boolean {
    return this.healthy;
  }

  /** Waits for every append queued so far. */
  async flushed(): Promise<void> {
    await this.chain;
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.appender?.close().catch(() => undefined);
    this.appender = undefined;
  }

  private async appendOrKeep(line: Line): Promise<void> {
    try {
      await this.append(line);
    } catch (err) {
      this.opts.log.error(
        { op: line.op, err: (err as Error).message },
        'share journal: could not write to disk; the entry is kept in memory and retried',
      );
    }
  }

  /**
   * Appends one line in order with every other append; compacts when the segment has grown. Lines queued while an
   * append is in progress are written together by the next one, and each resolves (or rejects) with that write.
   */
  private append(line: Line): Promise<void> {
    const data = `\n${JSON.stringify(line)}\n`;
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ data, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.writing) this.chain = this.drain();
    });
  }

  /** Writes the queued lines, batch by batch, until none are left. Never rejects (each batch's lines do). */
  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queued.length) {
        const batch = this.queued.splice(0);
        const data = batch.length === 1 ? batch[0].data : batch.map((b) => b.data).join('');
        try {
          // After a failed append, the next segment starts from memory, which holds what the disk missed.
          if (this.segmentBytes > this.maxSegmentBytes || !this.healthy) await this.compact();
          this.appender ??= await this.fs.openAppend(this.segment);
          await this.appender.write(data);
          this.healthy = true;
          this.segmentBytes += Buffer.byteLength(data);
          for (const b of batch) b.done();
        } catch (err) {
          this.healthy = false;
          for (const b of batch) b.done(err as Error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * Starts a new segment holding every open entry, then removes the older segments. After a failed append the
   * new segment also carries what only memory held.
   */
  private async compact(): Promise<void> {
    const older = (await this.fs.readdir(this.dir)).filter((n) => SEGMENT.test(n)).sort();
    const last = older.length ? Number(SEGMENT.exec(older[older.length - 1])![1]) : 0;
    this.segmentSeq = Math.max(this.segmentSeq, last) + 1;
    const next = path.join(this.dir, `${String(this.segmentSeq).padStart(12, '0')}.jsonl`);
    const data = [...this.entries.values()].map(
      (entry) => `\n${JSON.stringify({ op: 'open', id: entry.id, entry })}\n`,
    );
    await this.fs.writeFile(next, data.join(''));
    await this.appender?.close().catch(() => undefined);
    this.appender = undefined;
    this.segment = next;
    this.segmentBytes = data.reduce((n, d) => n + Buffer.byteLength(d), 0);
    for (const name of older) await this.fs.rm(path.join(this.dir, name));
  }

  /** True when the directory's owner is gone: same host with a dead pid, or no heartbeat for a long while. */
  private async abandoned(dir: string, host: string): Promise<boolean> {
    try {
      const owner = JSON.parse(await this.fs.readFile(path.join(dir, OWNER_FILE))) as { host?: string; pid?: number };
      if (owner.host === host && typeof owner.pid === 'number' && !isAlive(owner.pid)) return true;
      const { mtimeMs } = await this.fs.stat(path.join(dir, OWNER_FILE));
      return Date.now() - mtimeMs > (this.opts.staleOwnerMs ?? 10 * 60_000);
    } catch {
      // No owner file: a directory that died while opening, or not ours at all; take it if it holds segments.
      return (await this.fs.readdir(dir).catch(() => [] as string[])).some((n) => SEGMENT.test(n));
    }
  }

  /** Folds every segment of a directory into the open entries. A torn or foreign line is skipped. */
  private async replay(dir: string): Promise<void> {
    const names = (await this.fs.readdir(dir).catch(() => [] as string[])).filter((n) => SEGMENT.test(n)).sort();
    for (const name of names) {
      const text = await this.fs.readFile(path.join(dir, name));
      for (const raw of text.split('\n')) {
        if (!raw) continue;
        let line: Line;
        try {
          line = JSON.parse(raw) as Line;
        } catch {
          this.opts.log.warn({ segment: name }, 'share journal: skipped a torn line');
          continue;
        }
        this.apply(line);
      }
    }
  }

  private apply(line: Line): void {
    if (!line || typeof line.id !== 'string') return;
    const entry = this.entries.get(line.id) ?? { id: line.id };
    switch (line.op) {
      case 'open':
        this.entries.set(line.id, { ...line.entry, id: line.id });
        return;
      case 'intent':
        entry.intent = line.intent;
        break;
      case 'created':
        entry.record = line.record;
        delete entry.unknown;
        break;
      case 'unknown':
        entry.unknown = line.reason;
        break;
      case 'revoked':
        entry.revocation = line.revocation;
        break;
      case 'settled':
        this.entries.delete(line.id);
        return;
      default:
        return;
    }
    this.entries.set(line.id, entry);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
