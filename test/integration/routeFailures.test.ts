import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import type express from 'express';
import { createHttpApp, playgroundSigner } from '../../src/app';
import { listen, type RunningServer } from '../../src/server';
import type { ShareLog } from '../../src/store/shareLog';
import { startHarness, USERS, type Harness } from './harness';

interface Layer {
  handle: ((...args: unknown[]) => unknown) & { stack?: Layer[] };
  route?: { stack: Layer[] };
}

/** Every leaf handler of an express app (routes, middleware, nested routers), express 4 or 5. */
function handlersOf(app: express.Express): Array<(...args: unknown[]) => unknown> {
  const root = (app as unknown as { _router?: { stack: Layer[] }; router?: { stack: Layer[] } }) ?? {};
  const stack = (root._router ?? root.router)?.stack ?? [];
  const out: Array<(...args: unknown[]) => unknown> = [];
  const walk = (layers: Layer[]) => {
    for (const layer of layers) {
      if (layer.route) walk(layer.route.stack);
      else if (Array.isArray(layer.handle.stack)) walk(layer.handle.stack);
      else out.push(layer.handle);
    }
  };
  walk(stack);
  return out;
}

type Patchable = Record<string, unknown>;

/** Replaces a method on one object for the duration of a test. */
function patch<T extends object>(target: T, name: string, impl: unknown): () => void {
  const had = Object.prototype.hasOwnProperty.call(target, name);
  const before = (target as Patchable)[name];
  (target as Patchable)[name] = impl;
  return () => {
    if (had) (target as Patchable)[name] = before;
    else delete (target as Patchable)[name];
  };
}

/**
 * Issue 9, defect 1 as a class: whatever a route's dependency does — throw, reject, hang — the answer is a JSON
 * 5xx (503 when a dependency is unavailable) and the process keeps serving. Every route of the real app is made
 * to fail here; the first test makes sure no route was added without the async-safe wrapper.
 */
describe('integration: every route fails safely', function () {
  this.timeout(30_000);
  let h: Harness;
  let restore: Array<() => void> = [];
  let auth: Record<string, string>;

  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele] } });
    auth = { authorization: `Bearer ${await h.sandbox.ssoToken(USERS.adele)}` };
  });
  after(async () => {
    await h?.close();
  });
  afterEach(async () => {
    restore.reverse().forEach((undo) => undo());
    restore = [];
    // Whatever the test did, the process still answers.
    assert.equal((await fetch(`${h.server.url}/healthz`)).status, 200);
  });

  const url = (p: string) => `${h.server.url}${p}`;
  const store = () => h.services.shareLog as unknown as ShareLog & object;

  async function expectJson(res: Response, status: number, message?: RegExp): Promise<void> {
    const text = await res.text();
    assert.equal(res.status, status, text);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/, text);
    if (message) assert.match((JSON.parse(text) as { message: string }).message, message);
  }

  it('mounts no async handler that bypasses the wrapper (a rejected promise would go unhandled)', () => {
    const handlers = handlersOf(createHttpApp(h.services));
    assert.ok(handlers.length > 8, `found only ${handlers.length} handlers`);
    const bare = handlers.filter((fn) => fn.constructor.name === 'AsyncFunction');
    assert.deepEqual(
      bare.map((fn) => fn.name || fn.toString().slice(0, 80)),
      [],
    );
  });

  it('GET /api/shares: the store rejects → 503 JSON the tab shows', async () => {
    restore.push(
      patch(store(), 'listByUser', () => Promise.reject(new Error('SQLITE_CORRUPT: database disk image is malformed'))),
    );
    await expectJson(await fetch(url('/api/shares'), { headers: auth }), 503, /try again/i);
  });

  it('GET /api/shares: the store throws synchronously → 503 JSON', async () => {
    restore.push(
      patch(store(), 'listByUser', () => {
        throw new Error('SQLITE_NOTADB: file is not a database');
      }),
    );
    await expectJson(await fetch(url('/api/shares'), { headers: auth }), 503, /try again/i);
  });

  it('POST /api/shares/:id/revoke: the store rejects → 503 JSON', async () => {
    restore.push(patch(store(), 'get', () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:10002'))));
    await expectJson(await fetch(url('/api/shares/p1/revoke'), { method: 'POST', headers: auth }), 503, /try again/i);
  });

  it('GET /readyz: a check that throws, and one that never answers → 503 within the check timeout', async () => {
    restore.push(
      patch(store(), 'ping', () => {
        throw new Error('broken');
      }),
    );
    await expectJson(await fetch(url('/readyz')), 503);
    restore.pop()!();
    restore.push(patch(store(), 'ping', () => new Promise(() => undefined)));
    const started = performance.now();
    await expectJson(await fetch(url('/readyz')), 503);
    assert.ok(performance.now() - started < 2_900, 'a hung store does not hold /readyz');
  });

  it('POST /api/messages: the adapter throws, rejects, or the turn error handler fails → 500 JSON', async () => {
    const activity = {
      type: 'message',
      text: 'hi',
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
    };
    const post = async () =>
      fetch(url('/api/messages'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: await h.sandbox.signActivity(activity) },
        body: JSON.stringify(activity),
      });
    restore.push(
      patch(h.services.adapter, 'handleActivity', () => {
        throw new Error('sync failure in the adapter');
      }),
    );
    await expectJson(await post(), 500);
    restore.pop()!();
    restore.push(patch(h.services.adapter, 'handleActivity', () => Promise.reject(new Error('async failure'))));
    await expectJson(await post(), 500);
    restore.pop()!();
    restore.push(patch(h.services.bot, 'run', () => Promise.reject(new Error('the bot failed'))));
    restore.push(
      patch(h.services.adapter, 'onTurnError', () => {
        throw new Error('and so did the turn error handler');
      }),
    );
    await expectJson(await post(), 500);
  });

  it('POST /api/messages: middleware in front of the bot (the sandbox Playground signer) rejects → 500 JSON', async () => {
    const app = createHttpApp(h.services, {
      beforeBot: playgroundSigner(() => Promise.reject(new Error('cannot sign')), h.services.log),
    });
    const running: RunningServer = await listen(app, '127.0.0.1', 0);
    try {
      const res = await fetch(`${running.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ms-agents-playground': 'true' },
        body: JSON.stringify({ type: 'message' }),
      });
      await expectJson(res, 500);
      assert.equal((await fetch(`${running.url}/healthz`)).status, 200);
    } finally {
      await running.close();
    }
  });

  it('static pages and icons: a disk error → 500 JSON; an unknown path → 404 JSON', async () => {
    const realStat = fs.stat;
    restore.push(
      patch(fs, 'stat', (p: string, ...rest: unknown[]) => {
        const cb = rest[rest.length - 1] as (err: NodeJS.ErrnoException | null) => void;
        if (/tabs|icons/.test(String(p))) {
          process.nextTick(() => cb(Object.assign(new Error(`EIO: i/o error, stat '${p}'`), { code: 'EIO' })));
          return;
        }
        (realStat as unknown as (...a: unknown[]) => void)(p, ...rest);
      }),
    );
    for (const p of ['/tab/', '/tab/tab.css', '/tab/vendor/teams-js.js', '/static/icons/word.png', '/privacy']) {
      await expectJson(await fetch(url(p)), 500);
    }
    restore.pop()!();
    await expectJson(await fetch(url('/no/such/route')), 404);
  });
});
