import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { productionEnvFor } from '../../sandbox/appEnv';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { startAppProcess, type AppProcess } from '../helpers/appProcess';
import { USERS } from './harness';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Azurite's published development account, pointed at a port where no Table service answers. */
function unreachableTableStore(port: number): string {
  return (
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
    `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`
  );
}

/**
 * Issue 9, defect 1: a share-log failure behind the tab API used to end the process (an async Express handler
 * without a catch). Reproduced as the campaign did, against the real entry point in a child process.
 */
describe('integration: a failing share log never ends the process (main.js in a child process)', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let tmp: string;
  let app: AppProcess | undefined;

  before(async () => {
    sandbox = await startSandbox({ dataDir: path.resolve('.sandbox-data'), port: 0 });
  });
  after(async () => {
    await sandbox?.close();
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-crash-'));
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string>) =>
    productionEnvFor(sandbox.url, { DATA_DIR: path.join(tmp, 'data'), LOG_LEVEL: 'info', ...extra });

  async function expectStoreUnavailable(running: AppProcess): Promise<void> {
    const auth = { authorization: `Bearer ${await sandbox.ssoToken(USERS.adele)}` };
    const list = await fetch(`${running.url}/api/shares`, { headers: auth });
    assert.equal(list.status, 503, await list.clone().text());
    assert.match(list.headers.get('content-type') ?? '', /application\/json/);
    const body = (await list.json()) as { message?: string };
    assert.match(body.message ?? '', /try again/i);
    const revoke = await fetch(`${running.url}/api/shares/some-permission/revoke`, { method: 'POST', headers: auth });
    assert.equal(revoke.status, 503, await revoke.clone().text());
    assert.match(((await revoke.json()) as { message?: string }).message ?? '', /try again/i);

    const ready = await fetch(`${running.url}/readyz`);
    assert.equal(ready.status, 503);
    const checks = ((await ready.json()) as { checks: Array<{ name: string; ok: boolean }> }).checks;
    assert.equal(checks.find((c) => c.name === 'share-log')?.ok, false, JSON.stringify(checks));

    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(running.alive(), `the process ended:\n${running.lines.join('\n')}`);
    assert.equal((await fetch(`${running.url}/healthz`)).status, 200);
    // Every line stays one JSON object (no plain-text stack traces on stderr).
    for (const line of running.lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
  }

  it('Azure Table Storage unreachable (connection string at a closed port): 503 JSON, /readyz says why, alive', async () => {
    app = await startAppProcess(env({ AZURE_TABLE_CONNECTION_STRING: unreachableTableStore(await closedPort()) }), tmp);
    await expectStoreUnavailable(app);
  });
});

describe('integration: main.js keeps running and logs one JSON line per event (child process)', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let tmp: string;
  let app: AppProcess;
  before(async () => {
    sandbox = await startSandbox({ dataDir: path.resolve('.sandbox-data'), port: 0 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-stray-'));
    const preload = path.resolve(__dirname, '..', 'helpers', 'strayRejection.js');
    app = await startAppProcess(
      productionEnvFor(sandbox.url, { SHARE_LOG_PATH: path.join(tmp, 'share-log.sqlite'), LOG_LEVEL: 'info' }),
      tmp,
      { nodeArgs: ['-r', preload] },
    );
  });
  after(async () => {
    await app?.stop();
    await sandbox?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const entries = () =>
    app.lines.map((line) => {
      try {
        return JSON.parse(line) as { level: number; msg: string; err?: { message?: string } };
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });

  it('defect 1: a promise rejected with nobody listening leaves one error line and the process answering', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok(app.alive(), `the process ended:\n${app.lines.join('\n')}`);
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
    const logged = entries().filter((entry) => /unhandled promise rejection/.test(entry.msg));
    assert.equal(logged.length, 1, app.lines.join('\n'));
    assert.equal(logged[0].level, 50, 'logged at error level');
    assert.equal(logged[0].err?.message, 'a stray rejection from a dependency');
  });

  it('defect 7: unauthenticated noise gets 400/401, no error-level line, and no plain-text stack on stderr', async () => {
    const before = app.lines.length;
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${app.url}/api/messages`, { method: 'POST', headers, body });
    const activity = { type: 'message', channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/amer/' };
    const expired = await sandbox.channelToken({
      serviceUrl: activity.serviceUrl,
      nowSeconds: Math.floor(Date.now() / 1000) - 7200,
      lifetimeSeconds: 3600,
    });
    const cases: Array<[string, Promise<Response>, number[]]> = [
      ['{} without auth', post('{}', { 'content-type': 'application/json' }), [400, 401]],
      ['text/plain without auth', post('hello', { 'content-type': 'text/plain' }), [400, 401]],
      ['an array', post('[1]', { 'content-type': 'application/json' }), [400, 401]],
      ['not JSON', post('{"type":', { 'content-type': 'application/json' }), [400]],
      ['no token', post(JSON.stringify(activity), { 'content-type': 'application/json' }), [401]],
      [
        'an expired channel token',
        post(JSON.stringify(activity), { 'content-type': 'application/json', authorization: `Bearer ${expired}` }),
        [401],
      ],
    ];
    for (const [what, reply, statuses] of cases) {
      const res = await reply;
      assert.ok(statuses.includes(res.status), `${what}: ${res.status} ${await res.text()}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/, what);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fresh = entries().slice(before);
    assert.ok(fresh.length >= cases.length, 'each request left a log line');
    assert.deepEqual(
      fresh.filter((e) => e.level >= 50).map((e) => e.msg),
      [],
      'no error-level lines for refused requests',
    );
    assert.ok(app.alive());
  });
});
