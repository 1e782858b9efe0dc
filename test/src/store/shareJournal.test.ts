import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JournaledShareLog } from '../../../src/store/journaledShareLog';
import { ShareJournal, nodeJournalFs, type JournalFs, type ShareIntent } from '../../../src/store/shareJournal';
import { SqliteShareLog } from '../../../src/store/sqliteShareLog';
import type { ShareLog, ShareRecord } from '../../../src/store/shareLog';
import { createLogger } from '../../../src/log';
import { shareRecord } from './fixtures';

const silent = createLogger('silent');

/** A store whose writes wait until the test lets them through (a hung endpoint that later answers). */
function gatedStore(real: ShareLog) {
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const started: string[] = [];
  const store: ShareLog = {
    put: async (r) => {
      started.push(r.permissionId);
      await gate;
      return real.put(r);
    },
    listByUser: (...a) => real.listByUser(...a),
    get: (...a) => real.get(...a),
    listByPermission: (...a) => real.listByPermission(...a),
    markRevoked: (...a) => real.markRevoked(...a),
    ping: () => real.ping(),
    close: async () => undefined,
  };
  return {
    store,
    started,
    open: () => release(),
    close: () => (gate = new Promise<void>((resolve) => (release = resolve))),
  };
}

/** The node file system with a switch that makes every write fail as a full disk does. */
function fullDiskFs() {
  const state = { full: false, refused: 0 };
  const enospc = () => {
    state.refused++;
    return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  const fsx: JournalFs = {
    ...nodeJournalFs,
    openAppend: async (f) => {
      const appender = await nodeJournalFs.openAppend(f);
      return {
        write: async (d) => {
          if (state.full) throw enospc();
          return appender.write(d);
        },
        close: () => appender.close(),
      };
    },
    writeFile: async (f, d) => {
      if (state.full) throw enospc();
      return nodeJournalFs.writeFile(f, d);
    },
  };
  return { fs: fsx, state };
}

const intent = (n: number): ShareIntent => ({
  tenantId: 't1',
  userObjectId: 'u1',
  item: {
    driveId: 'd1',
    itemId: `i${n}`,
    name: `File ${n}.docx`,
    webUrl: `https://contoso.example/File${n}.docx`,
    kind: 'file',
    driveType: 'business',
  },
  type: 'view',
  scope: 'organization',
  passwordProtected: false,
  recipients: [],
  sendNotification: false,
  apiVersion: 'v1.0',
  at: new Date(Date.UTC(2026, 10, 1, 0, 0, n)).toISOString(),
});

describe('share journal', () => {
  let dir: string;
  let root: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
    root = path.join(dir, 'journal');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('drain race: a record journaled while a write hangs is kept and written (issue 9, defect 2)', async () => {
    const real = new SqliteShareLog(':memory:');
    const gated = gatedStore(real);
    const log = new JournaledShareLog(gated.store, await ShareJournal.open(root, { log: silent }), silent);
    await log.put(shareRecord(1));
    const draining = log.flush();
    await waitFor(() => gated.started.includes('perm-1'));
    // Share #2 arrives while the write of #1 hangs.
    await log.put(shareRecord(2));
    assert.deepEqual(
      log.pending().map((e) => e.record?.permissionId),
      ['perm-1', 'perm-2'],
    );
    // What a new process would find on disk if this one died right now holds both.
    assert.deepEqual(await onDisk(root), ['perm-1', 'perm-2']);

    gated.open();
    await draining;
    await log.flush();
    assert.deepEqual(log.pending(), []);
    assert.deepEqual((await real.listByUser('t1', 'u1', 10)).map((r) => r.permissionId).sort(), ['perm-1', 'perm-2']);
    await log.close();
    const reopened = await ShareJournal.open(root, { log: silent });
    assert.deepEqual(reopened.open(), [], 'settled entries are not replayed');
    reopened.close();
  });

  it('disk full (ENOSPC): an intent is refused, an outcome never rejects and still reaches the store', async () => {
    const disk = fullDiskFs();
    const real = new SqliteShareLog(':memory:');
    const journal = await ShareJournal.open(root, { log: silent, fs: disk.fs });
    const log = new JournaledShareLog(real, journal, silent);

    const id = await log.begin(intent(1));
    disk.state.full = true;
    await assert.rejects(log.begin(intent(2)), /ENOSPC/, 'no intent, so the caller must not call Graph');
    // Graph answered for intent 1 while the disk is full: complete() resolves, the record is written to the store.
    await log.complete(id, shareRecord(1));
    await log.flush();
    assert.ok(disk.state.refused >= 2);
    assert.equal(journal.isHealthy(), false);
    assert.equal((await real.get('t1', 'perm-1', 'u1'))?.permissionId, 'perm-1');
    assert.deepEqual(log.pending(), []);

    // Another outcome while still full, with the store down: it lives in memory, then reaches the disk once there
    // is room again, so a restart still finds it.
    const id3 = await (async () => {
      disk.state.full = false;
      const i = await log.begin(intent(3));
      disk.state.full = true;
      return i;
    })();
    const down: ShareLog = { ...gatedStore(real).store, put: async () => Promise.reject(new Error('store down')) };
    const log2 = new JournaledShareLog(down, journal, silent, { retryMs: 60_000 });
    await log2.complete(id3, shareRecord(3));
    disk.state.full = false;
    await log2.put(shareRecord(4));
    assert.equal(journal.isHealthy(), true);
    await log2.close();
    await log.close();
    const restarted = await ShareJournal.open(root, { log: silent });
    assert.deepEqual(
      restarted
        .open()
        .map((e) => e.record?.permissionId)
        .sort(),
      ['perm-3', 'perm-4'],
    );
    restarted.close();
  });

  it('appends queued while one is on its way go to disk together, in order, each answered by that write', async () => {
    const disk = fullDiskFs();
    let writes = 0;
    const counting: JournalFs = {
      ...disk.fs,
      openAppend: async (f) => {
        const appender = await disk.fs.openAppend(f);
        return { write: (d) => (writes++, appender.write(d)), close: () => appender.close() };
      },
    };
    const journal = await ShareJournal.open(root, { log: silent, fs: counting });
    const ids = await Promise.all(Array.from({ length: 20 }, (_, n) => journal.intent(intent(n))));
    assert.ok(writes < 20, `${writes} writes for 20 intents`);
    // A batch the disk refuses rejects every intent in it (none of those shares may call Graph).
    disk.state.full = true;
    const refused = await Promise.allSettled(Array.from({ length: 5 }, (_, n) => journal.intent(intent(100 + n))));
    assert.deepEqual(
      refused.map((r) => r.status),
      Array(5).fill('rejected'),
    );
    disk.state.full = false;
    journal.close();
    const again = await ShareJournal.open(root, { log: silent });
    assert.deepEqual(
      again.open().map((e) => e.id),
      ids,
    );
    again.close();
  });

  it('skips a torn last line and keeps everything before it', async () => {
    const journal = await ShareJournal.open(root, { log: silent });
    const a = await journal.intent(intent(1));
    await journal.created(a, shareRecord(1));
    await journal.flushed();
    journal.close();
    const segment = fs.readdirSync(journal.dir).find((n) => n.endsWith('.jsonl'))!;
    fs.appendFileSync(path.join(journal.dir, segment), '\n{"op":"created","id":"x","record":{"permiss');
    const again = await ShareJournal.open(root, { log: silent });
    assert.deepEqual(
      again.open().map((e) => e.record?.permissionId),
      ['perm-1'],
    );
    again.close();
  });

  it('takes over the journal of a process that died (same host, pid gone), and leaves a live one alone', async () => {
    const alive = await ShareJournal.open(root, { log: silent, host: 'web0', pid: process.ppid });
    await alive.created('from-alive', shareRecord(2));
    alive.close();
    const dead = await ShareJournal.open(root, { log: silent, host: 'web0', pid: 2 ** 22 + 7 });
    await dead.created('from-dead', shareRecord(1));
    dead.close();
    const me = await ShareJournal.open(root, { log: silent, host: 'web0', pid: process.pid });
    assert.deepEqual(
      me.open().map((e) => e.id),
      ['from-dead'],
    );
    assert.ok(!fs.existsSync(dead.dir), 'the dead process directory was folded in and removed');
    assert.ok(fs.existsSync(alive.dir));
    me.close();
  });

  it('compacts: a long run keeps only the open entries on disk', async () => {
    const journal = await ShareJournal.open(root, { log: silent, maxSegmentBytes: 4096 });
    for (let n = 1; n <= 60; n++) {
      const id = await journal.intent(intent(n));
      await journal.created(id, shareRecord(n));
      if (n !== 42) await journal.settle(id, 'stored');
    }
    await journal.flushed();
    const bytes = fs
      .readdirSync(journal.dir)
      .filter((n) => n.endsWith('.jsonl'))
      .reduce((sum, n) => sum + fs.statSync(path.join(journal.dir, n)).size, 0);
    assert.ok(bytes < 12_000, `${bytes} bytes on disk`);
    journal.close();
    const again = await ShareJournal.open(root, { log: silent });
    assert.deepEqual(
      again.open().map((e) => e.record?.permissionId),
      ['perm-42'],
    );
    again.close();
  });

  it('reads show records and revocations on their way to the store', async () => {
    const real = new SqliteShareLog(':memory:');
    const gated = gatedStore(real);
    await real.put(shareRecord(1));
    const log = new JournaledShareLog(gated.store, await ShareJournal.open(root, { log: silent }), silent);
    await log.put(shareRecord(2, { userObjectId: 'u1' }));
    await log.markRevoked('t1', 'perm-1', '2026-11-27T00:00:00.000Z', 'u1');
    const listed: ShareRecord[] = await log.listByUser('t1', 'u1', 10);
    assert.deepEqual(
      listed.map((r) => [r.permissionId, r.revokedAt]),
      [
        ['perm-2', undefined],
        ['perm-1', '2026-11-27T00:00:00.000Z'],
      ],
    );
    assert.equal((await log.get('t1', 'perm-2', 'u1'))?.permissionId, 'perm-2');
    gated.open();
    await log.flush();
    assert.equal((await real.get('t1', 'perm-1', 'u1'))?.revokedAt, '2026-11-27T00:00:00.000Z');
    await log.close();
  });
});

/** The records a new process would replay from this journal root if every process using it died now. */
async function onDisk(root: string): Promise<string[]> {
  const copy = `${root}-copy`;
  fs.cpSync(root, copy, { recursive: true });
  for (const d of fs.readdirSync(copy)) {
    const owner = path.join(copy, d, 'owner.json');
    const o = JSON.parse(fs.readFileSync(owner, 'utf8')) as { pid: number };
    fs.writeFileSync(owner, JSON.stringify({ ...o, pid: 2 ** 22 + 9 }));
  }
  const j = await ShareJournal.open(copy, { log: silent });
  j.close();
  const found = j.open().map((e) => e.record?.permissionId ?? '');
  fs.rmSync(copy, { recursive: true, force: true });
  return found.sort();
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
