import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { ShareLog, ShareRecord } from './shareLog';
import type { Logger } from '../log';
import { parseStoredRecord } from './storedRecord';

interface Row {
  tenant_id: string;
  permission_id: string;
  user_object_id: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  record: string;
}

/** Schema versions (PRAGMA user_version): 0/1 keyed by permission only, 2 keyed by permission and sharer. */
const SCHEMA_VERSION = 2;

export interface SqliteShareLogOptions {
  /**
   * How long a statement waits for another connection's lock. better-sqlite3 waits synchronously, so this is time
   * the whole event loop stands still: it must stay far below an invoke's budget (the writer retries later).
   */
  busyTimeoutMs?: number;
  /** Where a damaged row (not a record) is reported; it is skipped either way. */
  log?: Logger;
}

const SHARES_TABLE = (name: string) => `
  CREATE TABLE ${name} (
    tenant_id TEXT NOT NULL,
    permission_id TEXT NOT NULL,
    user_object_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT,
    record TEXT NOT NULL,
    PRIMARY KEY (tenant_id, permission_id, user_object_id)
  )`;

/** Share log in an embedded SQLite file (WAL mode); the default store. */
export class SqliteShareLog implements ShareLog {
  private readonly db: Database.Database;
  /** Statements prepared once (preparing on every write showed in the benchmark profile). */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    file: string,
    private readonly options: SqliteShareLogOptions = {},
  ) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    // Opening and migrating happen before the server listens, so they may wait for a lock a while.
    this.db = new Database(file, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.migrate();
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 20))}`);
  }

  /** Creates the schema, or moves a file of an earlier version to the current one in one transaction. */
  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    this.db
      .transaction(() => {
        const exists = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'shares'`).get();
        if (!exists) {
          this.db.exec(SHARES_TABLE('shares'));
        } else {
          const keyed = this.db
            .prepare(`SELECT name FROM pragma_table_info('shares') WHERE pk > 0`)
            .all()
            .map((r) => (r as { name: string }).name);
          if (!keyed.includes('user_object_id')) {
            // Version 1 kept one record per permission (the last sharer's); each becomes its sharer's record.
            this.db.exec(`
              ${SHARES_TABLE('shares_v2')};
              INSERT INTO shares_v2 (tenant_id, permission_id, user_object_id, created_at, revoked_at, revoked_by, record)
                SELECT tenant_id, permission_id, user_object_id, created_at, revoked_at, revoked_by, record FROM shares;
              DROP INDEX IF EXISTS shares_by_user;
              DROP TABLE shares;
              ALTER TABLE shares_v2 RENAME TO shares;
            `);
          }
        }
        this.db.exec(
          `CREATE INDEX IF NOT EXISTS shares_by_user ON shares (tenant_id, user_object_id, created_at DESC)`,
        );
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })
      .immediate();
  }

  async put(r: ShareRecord): Promise<void> {
    this.stmt(
      `INSERT INTO shares (tenant_id, permission_id, user_object_id, created_at, revoked_at, revoked_by, record)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, permission_id, user_object_id) DO UPDATE SET
           created_at = excluded.created_at, record = excluded.record`,
    ).run(
      r.tenantId,
      r.permissionId,
      r.userObjectId,
      r.createdAt,
      r.revokedAt ?? null,
      r.revokedBy ?? null,
      JSON.stringify(r),
    );
  }

  async listByUser(tenantId: string, userObjectId: string, limit: number): Promise<ShareRecord[]> {
    const rows = this.stmt(
      `SELECT * FROM shares WHERE tenant_id = ? AND user_object_id = ? ORDER BY created_at DESC LIMIT ?`,
    ).all(tenantId, userObjectId, limit) as Row[];
    return this.records(rows);
  }

  async get(tenantId: string, permissionId: string, userObjectId: string): Promise<ShareRecord | undefined> {
    const row = this.stmt(`SELECT * FROM shares WHERE tenant_id = ? AND permission_id = ? AND user_object_id = ?`).get(
      tenantId,
      permissionId,
      userObjectId,
    ) as Row | undefined;
    return row ? this.records([row])[0] : undefined;
  }

  async listByPermission(tenantId: string, permissionId: string): Promise<ShareRecord[]> {
    const rows = this.stmt(
      `SELECT * FROM shares WHERE tenant_id = ? AND permission_id = ? ORDER BY created_at ASC`,
    ).all(tenantId, permissionId) as Row[];
    return this.records(rows);
  }

  async markRevoked(tenantId: string, permissionId: string, at: string, by: string): Promise<void> {
    this.stmt(
      `UPDATE shares SET revoked_at = ?, revoked_by = ? WHERE tenant_id = ? AND permission_id = ? AND revoked_at IS NULL`,
    ).run(at, by, tenantId, permissionId);
  }

  async ping(): Promise<void> {
    this.stmt('SELECT 1').get();
  }

  /** The rows' records; a damaged row is reported and left out. */
  private records(rows: Row[]): ShareRecord[] {
    const out: ShareRecord[] = [];
    for (const row of rows) {
      const r = parseStoredRecord(row.record);
      if (r) out.push({ ...r, revokedAt: row.revoked_at ?? undefined, revokedBy: row.revoked_by ?? undefined });
      else
        this.options.log?.error(
          { tenantId: row.tenant_id, permissionId: row.permission_id },
          'share log: skipped a damaged record (not valid record JSON)',
        );
    }
    return out;
  }

  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
