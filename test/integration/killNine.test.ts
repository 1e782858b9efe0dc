import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { SqliteShareLog } from '../../src/store/sqliteShareLog';
import { forgetBotAppTokens } from '../helpers/botAppTokenCache';
import { startChildApp, lockSqlite, type ChildApp } from './childApp';
import { CONTOSO, USERS, invokeActivity } from './harness';
import { createData, linkCardOf } from './journeys';

const D = GRAPH_SEED.drives;
const I = GRAPH_SEED.items;

/**
 * Issue 9, defect 2: `kill -9` of the app at each step of a share. After a restart on the same data, the share
 * log holds every link Graph made: from the journal alone, or reconciled against Graph with the person's token.
 */
describe('integration: kill -9 at each step of a share', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let dir: string;
  let file: string;
  let app: ChildApp | undefined;

  before(async () => {
    forgetBotAppTokens();
    sandbox = await startSandbox({ dataDir: path.resolve('.sandbox-data'), port: 0, signedInUsers: [USERS.adele] });
  });
  after(async () => {
    await app?.kill9();
    await sandbox?.close();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kill9-'));
    file = path.join(dir, 'share-log.sqlite');
    sandbox.faults.clear();
  });
  afterEach(async () => {
    await app?.kill9();
    app = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => (app = await startChildApp(sandbox, { SHARE_LOG_PATH: file, DATA_DIR: dir }, dir));
  const adele = () => sandbox.user(USERS.adele);
  const submit = (a: ChildApp, data: Record<string, unknown>) =>
    a.send(
      invokeActivity(adele(), 'composeExtension/submitAction', {
        commandId: 'shareLink',
        commandContext: 'compose',
        context: { theme: 'default' },
        data,
      }),
    );
  /** The store's own record (read from the SQLite file by another connection). */
  async function stored(permissionId: string) {
    const log = new SqliteShareLog(file);
    try {
      return await log.get(CONTOSO, permissionId, adele().id);
    } finally {
      await log.close();
    }
  }
  async function eventually<T>(read: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error(`${what}: not there after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const journalText = () => {
    const root = `${file}.journal`;
    if (!fs.existsSync(root)) return '';
    return fs
      .readdirSync(root)
      .flatMap((d) => fs.readdirSync(path.join(root, d)).map((f) => path.join(root, d, f)))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('');
  };

  it('after the intent, before Graph answered: reconciled with Adele’s token on her next action', async () => {
    const a = await start();
    sandbox.faults.add({ method: 'POST', path: '/createLink$', latencyMs: 1500 });
    const pending = submit(a, createData({ itemId: I.adeleBriefDocx, type: 'view', scope: 'organization' })).catch(
      () => undefined,
    );
    // The intent is on disk and the request has reached Graph (which holds it for 1.5 s): kill now.
    await eventually(
      async () =>
        journalText().includes('"op":"intent"') && sandbox.faults.list().some((r) => r.matched > 0) ? true : undefined,
      'the intent and the createLink request',
    );
    assert.ok(!journalText().includes('"op":"created"'), 'killed before the answer');
    await a.kill9();
    sandbox.faults.clear();
    await pending;
    // Graph goes on with the request the dead process sent.
    const perm = await eventually(async () => {
      const token = await sandbox.graphToken(USERS.adele);
      const res = await fetch(`${sandbox.url}/v1.0/drives/${D.adele}/items/${I.adeleBriefDocx}/permissions`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const list = ((await res.json()) as { value: Array<{ id: string; link?: { scope?: string } }> }).value;
      return list.find((p) => p.link?.scope === 'organization');
    }, 'the link in Graph');
    assert.equal(await stored(perm.id), undefined, 'nothing recorded yet');

    const b = await start();
    // Any action of Adele's brings her token: the open intent is looked up in Graph and recorded.
    const pick = await submit(b, { action: 'pick', driveId: D.adele, itemId: I.adelePlanDocx });
    assert.equal(pick.status, 200);
    const record = await eventually(() => stored(perm.id), 'the reconciled record');
    assert.equal(record.itemId, I.adeleBriefDocx);
  });

  it('after Graph answered, while another process holds the SQLite file (BEGIN EXCLUSIVE): written after restart', async () => {
    const a = await start();
    const lock = await lockSqlite(file);
    let permissionId = '';
    try {
      const reply = await submit(a, createData({ itemId: I.adeleTimelineXlsx, type: 'edit', scope: 'organization' }));
      permissionId = linkCardOf(reply.body).data.permissionId;
      assert.ok(permissionId, 'the person got the card although the store is locked');
      await a.kill9();
    } finally {
      await lock.release();
    }
    assert.equal(await stored(permissionId), undefined, 'the locked store never got it');
    await start();
    const record = await eventually(() => stored(permissionId), 'the record after restart');
    assert.equal(record.itemId, I.adeleTimelineXlsx);
  });

  it('during the drain: killed while writing what the journal held; nothing lost on restart', async () => {
    const a = await start();
    const lock = await lockSqlite(file);
    const ids: string[] = [];
    try {
      for (const itemId of [I.adeleKickoffPptx, I.adeleContractPdf, I.adeleNotesTxt]) {
        const reply = await submit(a, createData({ itemId, type: 'view', scope: 'organization' }));
        ids.push(linkCardOf(reply.body).data.permissionId);
      }
    } finally {
      await lock.release();
    }
    // The writer retries on its own; kill it while it drains.
    await new Promise((r) => setTimeout(r, 20));
    await a.kill9();
    await start();
    for (const id of ids) await eventually(() => stored(id), `record ${id}`);
  });
});
