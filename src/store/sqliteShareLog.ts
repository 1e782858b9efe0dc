import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { ShareLog, ShareRecord } from './shareLog';

interface Row {
  tenant_id: string;
  permission_id: string;
  user_object_id: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  record: string;
}

/** Share log in an embedded SQLite file (WAL mode); the default store. */
export class SqliteShareLog implements ShareLog {
  private readonly db: Database.Database;
  /** Statements prepared once (preparing on every write showed in the benchmark profile). */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS shares (
        tenant_id TEXT NOT NULL,
        permission_id TEXT NOT NULL,
        user_object_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        revoked_by TEXT,
        record TEXT NOT NULL,
        PRIMARY KEY (tenant_id, permission_id)
      );
      CREATE INDEX IF NOT EXISTS shares_by_user ON shares (tenant_id, user_object_id, created_at DESC);
    `);
  }

  async put(r: ShareRecord): Promise<void> {
    this.stmt(
      `INSERT INTO shares (tenant_id, permission_id, user_object_id, created_at, revoked_at, revoked_by, record)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, permission_id) DO UPDATE SET
           user_object_id = excluded.user_object_id, created_at = excluded.created_at, record = excluded.record`,
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
    return rows.map(toRecord);
  }

  async get(tenantId: string, permissionId: string): Promise<ShareRecord | undefined> {
    const row = this.stmt(`SELECT * FROM shares WHERE tenant_id = ? AND permission_id = ?`).get(
      tenantId,
      permissionId,
    ) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  async markRevoked(tenantId: string, permissionId: string, at: string, by: string): Promise<void> {
    this.stmt(`UPDATE shares SET revoked_at = ?, revoked_by = ? WHERE tenant_id = ? AND permission_id = ?`).run(
      at,
      by,
      tenantId,
      permissionId,
    );
  }

  async ping(): Promise<void> {
    this.stmt('SELECT 1').get();
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

function toRecord(row: Row): ShareRecord {
  const r = JSON.parse(row.record) as ShareRecord;
  return { ...r, revokedAt: row.revoked_at ?? undefined, revokedBy: row.revoked_by ?? undefined };
}
