import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../log';
import type { ShareLog, ShareRecord } from './shareLog';

/**
 * Writes share records without ever failing a share: a record the store refuses is appended to a local spool
 * file and written later (on a timer and at the next start), so nothing is lost on restart.
 */
export class DurableShareLogWriter {
  private timer?: NodeJS.Timeout;
  private draining = false;

  constructor(
    private readonly store: ShareLog,
    private readonly spoolFile: string,
    private readonly log: Logger,
    private readonly retryMs = 30_000,
  ) {
    fs.mkdirSync(path.dirname(spoolFile), { recursive: true });
  }

  /** Records a share; resolves once it is either in the store or safely spooled. Never rejects. */
  async record(record: ShareRecord): Promise<void> {
    try {
      await this.store.put(record);
    } catch (err) {
      this.spool(record, err as Error);
    }
  }

  /** Records in the spool that are waiting to be written. */
  pending(): ShareRecord[] {
    if (!fs.existsSync(this.spoolFile)) return [];
    return fs
      .readFileSync(this.spoolFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as ShareRecord];
        } catch {
          return [];
        }
      });
  }

  /** Tries to write every spooled record; keeps the ones that still fail. */
  async drain(): Promise<number> {
    if (this.draining) return 0;
    this.draining = true;
    try {
      const waiting = this.pending();
      const failed: ShareRecord[] = [];
      for (const r of waiting) {
        try {
          await this.store.put(r);
        } catch {
          failed.push(r);
        }
      }
      const tmp = `${this.spoolFile}.tmp`;
      fs.writeFileSync(tmp, failed.map((r) => JSON.stringify(r) + '\n').join(''));
      fs.renameSync(tmp, this.spoolFile);
      if (waiting.length)
        this.log.info({ written: waiting.length - failed.length, left: failed.length }, 'share log spool drained');
      if (!failed.length) this.stopTimer();
      return waiting.length - failed.length;
    } finally {
      this.draining = false;
    }
  }

  /** Replays the spool left by an earlier run. */
  async start(): Promise<void> {
    if (this.pending().length) {
      await this.drain();
      if (this.pending().length) this.startTimer();
    }
  }

  stop(): void {
    this.stopTimer();
  }

  private spool(record: ShareRecord, err: Error): void {
    fs.appendFileSync(this.spoolFile, JSON.stringify(record) + '\n');
    this.log.warn(
      { permissionId: record.permissionId, err: err.message },
      'share log write failed; record spooled for later',
    );
    this.startTimer();
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.drain(), this.retryMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
