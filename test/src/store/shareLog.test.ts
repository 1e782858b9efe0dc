import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteShareLog } from '../../../src/store/sqliteShareLog';
import { JournaledShareLog } from '../../../src/store/journaledShareLog';
import { ShareJournal } from '../../../src/store/shareJournal';
import type { ShareLog } from '../../../src/store/shareLog';
import { createLogger } from '../../../src/log';
import { shareRecord } from './fixtures';
import { assertDamagedRecordSkipped, assertRecordPerSharer } from './shareLogContract';
import Database from 'better-sqlite3';

const record = shareRecord;

describe('share log', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sharelog-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores, lists newest first per user, and marks revocations', async () => {
    const log = new SqliteShareLog(path.join(dir, 'log.sqlite'));
    await log.put(record(1));
    await log.put(record(2));
    await log.put(record(3, { userObjectId: 'someone-else' }));
    const mine = await log.listByUser('t1', 'u1', 10);
    assert.deepEqual(
      mine.map((r) => r.permissionId),
      ['perm-2', 'perm-1'],
    );
    await log.markRevoked('t1', 'perm-1', '2026-11-27T00:00:00.000Z', 'u1');
    assert.equal((await log.get('t1', 'perm-1', 'u1'))?.revokedAt, '2026-11-27T00:00:00.000Z');
    assert.equal(await log.get('t2', 'perm-1', 'u1'), undefined);
    await log.close();
  });

  it("keeps a record per sharer of the same permission: a second sharer never takes the first one's", async () => {
    const log = new SqliteShareLog(path.join(dir, 'log.sqlite'));
    await assertRecordPerSharer(log);
    await log.close();
  });

  it('a damaged row costs only itself: the others are listed, it reads as absent, and it is reported', async () => {
    const file = path.join(dir, 'log.sqlite');
    const lines: string[] = [];
    const log = new SqliteShareLog(file, { log: createLogger('info', { write: (l: string) => void lines.push(l) }) });
    const other = new Database(file);
    await assertDamagedRecordSkipped(
      log,
      async (permissionId, body) =>
        void other.prepare('UPDATE shares SET record = ? WHERE permission_id = ?').run(body, permissionId),
      () => lines,
    );
    other.close();
    await log.close();
  });

  it('migrates a file keyed by permission only (schema 1) to one keyed by permission and sharer', async () => {
    const file = path.join(dir, 'v1.sqlite');
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    v1.exec(`
      CREATE TABLE shares (
        tenant_id TEXT NOT NULL, permission_id TEXT NOT NULL, user_object_id TEXT NOT NULL, created_at TEXT NOT NULL,
        revoked_at TEXT, revoked_by TEXT, record TEXT NOT NULL, PRIMARY KEY (tenant_id, permission_id));
      CREATE INDEX shares_by_user ON shares (tenant_id, user_object_id, created_at DESC);
    `);
    const insert = v1.prepare('INSERT INTO shares VALUES (?, ?, ?, ?, ?, ?, ?)');
    const a = record(1, { userObjectId: 'adele' });
    const b = record(2, { userObjectId: 'adele' });
    insert.run('t1', a.permissionId, 'adele', a.createdAt, null, null, JSON.stringify(a));
    insert.run('t1', b.permissionId, 'adele', b.createdAt, '2026-11-20T00:00:00.000Z', 'adele', JSON.stringify(b));
    v1.close();

    const log = new SqliteShareLog(file);
    assert.deepEqual(
      (await log.listByUser('t1', 'adele', 10)).map((r) => [r.permissionId, r.revokedAt]),
      [
        [b.permissionId, '2026-11-20T00:00:00.000Z'],
        [a.permissionId, undefined],
      ],
    );
    await log.put({ ...a, userObjectId: 'megan' });
    assert.equal((await log.get('t1', a.permissionId, 'adele'))?.userObjectId, 'adele');
    assert.equal((await log.get('t1', a.permissionId, 'megan'))?.userObjectId, 'megan');
    await log.close();
    // Opening it again finds the current schema and changes nothing.
    const again = new SqliteShareLog(file);
    assert.equal((await again.listByPermission('t1', a.permissionId)).length, 2);
    await again.close();
  });

  it('survives a restart', async () => {
    const file = path.join(dir, 'log.sqlite');
    const a = new SqliteShareLog(file);
    await a.put(record(1));
    await a.close();
    const b = new SqliteShareLog(file);
    assert.equal((await b.listByUser('t1', 'u1', 10)).length, 1);
    await b.close();
  });

  it('never fails a share when the store is down: journals, shows, then writes later and after a restart', async () => {
    const real = new SqliteShareLog(':memory:');
    let down = true;
    const flaky: ShareLog = {
      put: async (r) => {
        if (down) throw new Error('store unavailable');
        return real.put(r);
      },
      listByUser: real.listByUser.bind(real),
      get: real.get.bind(real),
      listByPermission: real.listByPermission.bind(real),
      markRevoked: real.markRevoked.bind(real),
      ping: real.ping.bind(real),
      close: async () => undefined,
    };
    const root = path.join(dir, 'journal');
    const silent = createLogger('silent');
    const first = new JournaledShareLog(flaky, await ShareJournal.open(root, { log: silent }), silent, {
      retryMs: 60_000,
    });
    await first.put(record(1));
    await first.put(record(2));
    await first.flush();
    assert.equal(first.pending().length, 2);
    assert.equal((await first.listByUser('t1', 'u1', 10)).length, 2, 'the tab shows them meanwhile');
    await first.close();

    // A new process finds the journal and writes it once the store is back.
    down = false;
    const next = new JournaledShareLog(flaky, await ShareJournal.open(root, { log: silent }), silent);
    await next.flush();
    assert.equal(next.pending().length, 0);
    assert.equal((await real.listByUser('t1', 'u1', 10)).length, 2);
    await next.close();
  });
});
