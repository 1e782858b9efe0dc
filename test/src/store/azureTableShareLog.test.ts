import { strict as assert } from 'node:assert';
import { PRODUCTION_SETTINGS } from '../../helpers/productionSettings';
import { shareRecord } from './fixtures';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { AzureTableShareLog } from '../../../src/store/azureTableShareLog';
import { JournaledShareLog } from '../../../src/store/journaledShareLog';
import { ShareJournal } from '../../../src/store/shareJournal';
import { createShareLog, shareJournalPath } from '../../../src/store';
import { SqliteShareLog } from '../../../src/store/sqliteShareLog';
import type { ShareRecord } from '../../../src/store/shareLog';
import { loadConfig } from '../../../src/config';
import { assertDamagedRecordSkipped, assertRecordPerSharer } from './shareLogContract';
import { createLogger } from '../../../src/log';

/** The emulator's well-known development account (public, documented by Microsoft). */
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

function connectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An Azurite table service on 127.0.0.1:port, in memory; resolves once it accepts connections. */
class Azurite {
  private child?: ChildProcess;
  private readonly cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-'));

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const pkg = require.resolve('azurite/package.json');
    const main = path.join(path.dirname(pkg), 'dist', 'src', 'table', 'main.js');
    const args = [
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(this.port),
      '--inMemoryPersistence',
      '--silent',
      '--skipApiVersionCheck',
      '--disableTelemetry',
    ];
    const child = spawn(process.execPath, [main, ...args], { cwd: this.cwd, stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await this.accepts())) {
      if (child.exitCode !== null) throw new Error(`azurite exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('azurite did not start within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  cleanup(): void {
    fs.rmSync(this.cwd, { recursive: true, force: true });
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }
}

let n = 0;
const record = (over: Partial<ShareRecord> = {}): ShareRecord => shareRecord(++n, over);

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ids = (rs: ShareRecord[]) => rs.map((r) => r.permissionId);

describe('Azure Table share log (against Azurite)', function () {
  this.timeout(15_000);
  let azurite: Azurite;
  let cs: string;
  let tables = 0;
  let table = '';
  /** A fresh table per test, so tests cannot see each other's rows. */
  const fresh = () => new AzureTableShareLog(cs, (table = `ShareLog${++tables}x${process.pid}`));

  before(async () => {
    azurite = new Azurite(await freePort());
    await azurite.start();
    cs = connectionString(azurite.port);
  });
  after(async () => {
    await azurite.stop();
    azurite.cleanup();
  });

  it('stores, gets, and lists newest first per user, isolated between users and tenants', async () => {
    const log = fresh();
    const older = record({ createdAt: '2026-11-01T08:00:00.000Z' });
    const newest = record({ createdAt: '2026-11-03T08:00:00.000Z' });
    const middle = record({ createdAt: '2026-11-02T08:00:00.000Z' });
    const otherUser = record({ userObjectId: 'u2' });
    const otherTenant = record({ tenantId: 't2' });
    for (const r of [older, newest, middle, otherUser, otherTenant]) await log.put(r);

    assert.deepEqual(
      ids(await log.listByUser('t1', 'u1', 10)),
      [newest, middle, older].map((r) => r.permissionId),
    );
    assert.deepEqual(
      ids(await log.listByUser('t1', 'u1', 2)),
      [newest, middle].map((r) => r.permissionId),
    );
    assert.deepEqual(ids(await log.listByUser('t1', 'u2', 10)), [otherUser.permissionId]);
    assert.deepEqual(ids(await log.listByUser('t2', 'u1', 10)), [otherTenant.permissionId]);
    assert.deepEqual(await log.listByUser('t3', 'u1', 10), []);
    assert.deepEqual(await log.listByUser('t1', 'u1', 0), []);

    assert.deepEqual(await log.get('t1', middle.permissionId, 'u1'), {
      ...middle,
      revokedAt: undefined,
      revokedBy: undefined,
    });
    assert.equal(await log.get('t2', middle.permissionId, 'u1'), undefined, 'another tenant does not see it');
    assert.equal(await log.get('t1', 'no-such-permission', 'u1'), undefined);
  });

  it('marks revocations on the record and in the user listing, and keeps them when the record is put again', async () => {
    const log = fresh();
    const r = record();
    await log.put(r);
    await log.markRevoked('t1', r.permissionId, '2026-11-27T00:00:00.000Z', 'u1');
    const got = await log.get('t1', r.permissionId, 'u1');
    assert.equal(got?.revokedAt, '2026-11-27T00:00:00.000Z');
    assert.equal(got?.revokedBy, 'u1');
    assert.equal((await log.listByUser('t1', 'u1', 10))[0].revokedAt, '2026-11-27T00:00:00.000Z');

    await log.put({ ...r, reused: true });
    assert.equal((await log.get('t1', r.permissionId, 'u1'))?.revokedAt, '2026-11-27T00:00:00.000Z');
    assert.equal((await log.get('t1', r.permissionId, 'u1'))?.reused, true);

    await log.markRevoked('t1', 'never-recorded', '2026-11-27T00:00:00.000Z', 'u1');
    assert.equal(
      await log.get('t1', 'never-recorded', 'u1'),
      undefined,
      'revoking an unknown permission creates nothing',
    );
  });

  it('replaces a record on a second put, moving it in the listings when its date changes', async () => {
    const log = fresh();
    const r = record({ createdAt: '2026-11-01T00:00:00.000Z' });
    const other = record({ createdAt: '2026-11-02T00:00:00.000Z' });
    await log.put(r);
    await log.put(other);
    await log.put({ ...r, itemName: 'Renamed.docx', createdAt: '2026-11-05T00:00:00.000Z' });
    const mine = await log.listByUser('t1', 'u1', 10);
    assert.deepEqual(ids(mine), [r.permissionId, other.permissionId], 'listed once, at its new date');
    assert.equal(mine[0].itemName, 'Renamed.docx');
    assert.equal((await log.get('t1', r.permissionId, 'u1'))?.itemName, 'Renamed.docx');
  });

  it("keeps a record per sharer of the same permission: a second sharer never takes the first one's", async () => {
    const log = fresh();
    await assertRecordPerSharer(log);
  });

  it('a damaged row costs only itself: the others are listed, it reads as absent, and it is reported', async () => {
    const lines: string[] = [];
    const name = `ShareLogDamaged${process.pid}`;
    const log = new AzureTableShareLog(cs, name, {
      log: createLogger('info', { write: (l: string) => void lines.push(l) }),
    });
    const client = TableClient.fromConnectionString(cs, name, { allowInsecureConnection: true });
    await assertDamagedRecordSkipped(
      log,
      async (permissionId, body) => {
        // Both rows of the record (by permission and by user) carry the JSON: damage each.
        for await (const e of client.listEntities<{ permissionId: string }>())
          if (e.permissionId === permissionId)
            await client.updateEntity(
              { partitionKey: e.partitionKey!, rowKey: e.rowKey!, recordParts: 1, record0: body },
              'Merge',
            );
      },
      () => lines,
    );
  });

  it('reads a table written before sharers were keyed, and moves a row to the new key on its next put', async () => {
    const log = fresh();
    const client = TableClient.fromConnectionString(cs, table, { allowInsecureConnection: true });
    await log.ping();
    const old = record({ userObjectId: 'adele', createdAt: '2026-11-01T00:00:00.000Z' });
    const pk = Buffer.from('t1').toString('base64url');
    const legacyKey = `s!${Buffer.from(old.permissionId).toString('base64url')}`;
    const userKey = `u!${Buffer.from('adele').toString('base64url')}!${String(8_640_000_000_000_000 - Date.parse(old.createdAt)).padStart(16, '0')}!${Buffer.from(old.permissionId).toString('base64url')}`;
    const columns = {
      tenantId: 't1',
      permissionId: old.permissionId,
      userObjectId: 'adele',
      createdAt: old.createdAt,
      userRowKey: userKey,
      recordParts: 1,
      record0: JSON.stringify(old),
    };
    await client.createEntity({ partitionKey: pk, rowKey: legacyKey, kind: 'share', ...columns });
    await client.createEntity({ partitionKey: pk, rowKey: userKey, kind: 'byUser', ...columns });

    assert.equal((await log.get('t1', old.permissionId, 'adele'))?.itemName, old.itemName);
    assert.equal(await log.get('t1', old.permissionId, 'megan'), undefined);
    assert.deepEqual(ids(await log.listByPermission('t1', old.permissionId)), [old.permissionId]);

    await log.put({ ...old, userObjectId: 'megan', createdAt: '2026-11-02T00:00:00.000Z' });
    await log.put({ ...old, itemName: 'Again.docx' });
    const rows: string[] = [];
    for await (const e of client.listEntities({ queryOptions: { filter: `PartitionKey eq '${pk}'` } }))
      rows.push(String(e.rowKey));
    assert.ok(!rows.includes(legacyKey), 'the legacy row was replaced by the keyed one');
    assert.equal((await log.get('t1', old.permissionId, 'adele'))?.itemName, 'Again.docx');
    assert.deepEqual(ids(await log.listByUser('t1', 'adele', 10)), [old.permissionId]);
    assert.deepEqual(ids(await log.listByUser('t1', 'megan', 10)), [old.permissionId]);
    await log.markRevoked('t1', old.permissionId, '2026-11-27T00:00:00.000Z', 'adele');
    assert.equal((await log.listByUser('t1', 'megan', 10))[0].revokedAt, '2026-11-27T00:00:00.000Z');
  });

  it('keeps one listing entry per share when writers race on the same permission', async () => {
    const a = fresh();
    const b = new AzureTableShareLog(cs, table);
    const base = record();
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? a : b).put({
          ...base,
          itemName: `v${i}`,
          createdAt: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(),
        }),
      ),
    );
    const listed = await a.listByUser('t1', 'u1', 10);
    assert.equal(listed.length, 1, `listed ${listed.length} times`);
    assert.deepEqual(listed[0], await a.get('t1', base.permissionId, 'u1'), 'the listing matches the share row');
  });

  it('accepts ids with characters Azure forbids in keys, and quotes in user ids, without collisions', async () => {
    const log = fresh();
    const awkward = ['a/b', 'a\\b', 'a#b', 'a?b', 'a\u0001b', "a'b", 'a%2Fb', 'a b'];
    const user = 'O\'Brien/#?\\ "x" ü';
    const tenant = "t/'#?";
    for (const [i, permissionId] of awkward.entries()) {
      await log.put(
        record({
          permissionId,
          tenantId: tenant,
          userObjectId: user,
          createdAt: new Date(Date.UTC(2026, 0, i + 1)).toISOString(),
        }),
      );
    }
    await log.put(record({ permissionId: 'a/b', tenantId: tenant, userObjectId: "O'Brien" }));
    for (const permissionId of awkward) {
      assert.equal(
        (await log.get(tenant, permissionId, user))?.permissionId,
        permissionId,
        JSON.stringify(permissionId),
      );
    }
    assert.deepEqual(ids(await log.listByUser(tenant, user, 20)), [...awkward].reverse());
    assert.deepEqual(
      ids(await log.listByUser(tenant, "O'Brien", 20)),
      ['a/b'],
      'a user id that is a prefix of another lists only its own',
    );
    assert.equal((await log.get(tenant, 'a/b', "O'Brien"))?.userObjectId, "O'Brien");
    assert.deepEqual((await log.listByPermission(tenant, 'a')).length, 0, 'a permission id prefix matches nothing');
    await log.markRevoked(tenant, 'a?b', '2026-11-27T00:00:00.000Z', user);
    assert.equal((await log.get(tenant, 'a?b', user))?.revokedBy, user);
  });

  it('fits a record with 50 recipients, and splits a record larger than one 64 KB property', async () => {
    const log = fresh();
    const fifty = record({
      recipients: Array.from({ length: 50 }, (_, i) => `recipient.with.a.long.name.${i}@subsidiary.contoso.example`),
    });
    await log.put(fifty);
    assert.deepEqual((await log.get('t1', fifty.permissionId, 'u1'))?.recipients, fifty.recipients);

    // 120,000 characters of emoji (surrogate pairs): with and without a one-character shift, some part boundary
    // falls inside a pair and must move.
    for (const shift of ['', 'a']) {
      const big = record({ itemName: shift + '😀'.repeat(60_000) });
      await log.put(big);
      assert.equal((await log.get('t1', big.permissionId, 'u1'))?.itemName, big.itemName);
      assert.equal((await log.listByUser('t1', 'u1', 1))[0].itemName, big.itemName);
      const raw = await rawShareRow(cs, table, big);
      assert.ok(Number(raw.recordParts) >= 5, `split into ${String(raw.recordParts)} parts`);
      for (let i = 0; i < Number(raw.recordParts); i++)
        assert.doesNotMatch(String(raw[`record${i}`]), LONE_SURROGATE, `part ${i} is well-formed UTF-16`);
    }

    await assert.rejects(log.put(record({ itemName: 'x'.repeat(600_000) })), /too large for Azure Table Storage/);
  });

  it('keeps the plain columns an operator can query next to the record', async () => {
    const log = fresh();
    const r = record();
    await log.put(r);
    await log.markRevoked('t1', r.permissionId, '2026-11-27T00:00:00.000Z', 'admin');
    const raw = await rawShareRow(cs, table, r);
    assert.equal(raw.tenantId, 't1');
    assert.equal(raw.permissionId, r.permissionId);
    assert.equal(raw.userObjectId, 'u1');
    assert.equal(raw.createdAt, r.createdAt);
    assert.equal(raw.revokedAt, '2026-11-27T00:00:00.000Z');
    assert.equal(raw.revokedBy, 'admin');
  });

  it('survives a restart: a new client instance sees the data', async () => {
    const name = `Restart${process.pid}`;
    const a = new AzureTableShareLog(cs, name);
    const r = record();
    await a.put(r);
    await a.close();
    const b = new AzureTableShareLog(cs, name);
    assert.deepEqual(ids(await b.listByUser('t1', 'u1', 10)), [r.permissionId]);
    await b.close();
  });

  it('creates the table on first use, also when two instances race to create it', async () => {
    const name = `Race${process.pid}`;
    const [a, b] = [new AzureTableShareLog(cs, name), new AzureTableShareLog(cs, name)];
    await Promise.all([a.ping(), b.ping()]);
    await Promise.all([a.put(record()), b.put(record())]);
    assert.equal((await a.listByUser('t1', 'u1', 10)).length, 2);
  });

  it('refuses a plain-http endpoint that is not on this machine', async () => {
    const remote = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};TableEndpoint=http://storage.example:10002/devstoreaccount1;`;
    const log = new AzureTableShareLog(remote, 'ShareLog', { maxRetries: 0, operationTimeoutMs: 1000 });
    await assert.rejects(log.ping(), /insecure|https/i);
  });
});

describe('Azure Table share log when the service goes away', function () {
  this.timeout(20_000);
  let azurite: Azurite;
  let dir: string;
  before(async () => {
    azurite = new Azurite(await freePort());
    await azurite.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azspool-'));
  });
  after(async () => {
    await azurite.stop();
    azurite.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails ping quickly while down (readiness), spools shares, and drains them once it is back', async () => {
    const log = new AzureTableShareLog(connectionString(azurite.port), 'ShareLog');
    await log.ping();
    await log.put(record({ permissionId: 'before-outage' }));

    await azurite.stop();
    const started = Date.now();
    await assert.rejects(log.ping());
    assert.ok(Date.now() - started < 5000, `ping took ${Date.now() - started} ms`);

    const silent = createLogger('silent');
    const journal = await ShareJournal.open(path.join(dir, 'journal'), { log: silent });
    const writer = new JournaledShareLog(log, journal, silent, { retryMs: 60_000 });
    await writer.put(record({ permissionId: 'during-outage-1' }));
    await writer.put(record({ permissionId: 'during-outage-2' }));
    await writer.flush();
    assert.deepEqual(
      writer.pending().map((e) => e.record?.permissionId),
      ['during-outage-1', 'during-outage-2'],
    );

    // Back on the same port; an in-memory emulator comes back empty, so the store must recreate its table.
    await azurite.start();
    await log.ping();
    await writer.flush();
    assert.deepEqual(writer.pending(), []);
    assert.deepEqual(ids(await log.listByUser('t1', 'u1', 10)).sort(), ['during-outage-1', 'during-outage-2']);
    await writer.close();
  });
});

describe('share log selection', () => {
  const cs = connectionString(10002);

  it('picks Azure Table Storage when AZURE_TABLE_CONNECTION_STRING is set, with the journal in DATA_DIR', () => {
    const prod = {
      ...PRODUCTION_SETTINGS,
      AZURE_TABLE_CONNECTION_STRING: cs,
      DATA_DIR: '/srv/share-link',
    };
    const config = loadConfig(prod);
    assert.deepEqual(config.store, { kind: 'azureTable', connectionString: cs, table: 'ShareLog' });
    assert.equal(config.dataDir, path.resolve('/srv/share-link'));
    assert.deepEqual(loadConfig({ ...prod, AZURE_TABLE_NAME: 'Shares' }).store, {
      kind: 'azureTable',
      connectionString: cs,
      table: 'Shares',
    });

    const log = createShareLog(config.store);
    assert.ok(log instanceof AzureTableShareLog);
    assert.equal(
      shareJournalPath(config.store, config.dataDir),
      path.join(path.resolve('/srv/share-link'), 'share-journal'),
    );
  });

  it('keeps SQLite, with the journal beside its file, when no connection string is set', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlsel-'));
    try {
      const config = loadConfig({ SANDBOX_DATA_DIR: dir });
      assert.equal(config.store.kind, 'sqlite');
      assert.equal(config.dataDir, dir);
      const log = createShareLog(config.store);
      assert.ok(log instanceof SqliteShareLog);
      await log.close();
      assert.equal(shareJournalPath(config.store, config.dataDir), path.join(dir, 'share-log.sqlite.journal'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Reads the share row as stored, to check the table layout itself. */
async function rawShareRow(cs: string, tableName: string, r: ShareRecord): Promise<Record<string, unknown>> {
  const client = TableClient.fromConnectionString(cs, tableName, { allowInsecureConnection: true });
  const pk = Buffer.from(r.tenantId).toString('base64url');
  const rk = `s!${Buffer.from(r.permissionId).toString('base64url')}!${Buffer.from(r.userObjectId).toString('base64url')}`;
  return client.getEntity(pk, rk);
}
