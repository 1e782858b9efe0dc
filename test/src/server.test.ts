import { strict as assert } from 'node:assert';
import { PRODUCTION_SETTINGS } from '../helpers/productionSettings';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { createApp, listen, type RunningServer } from '../../src/server';
import { createCloudAdapter } from '../../bot/adapter';
import { TeamsActivityHandler } from 'botbuilder';
import express from 'express';

const PROD = PRODUCTION_SETTINGS;

describe('server', () => {
  let running: RunningServer;
  let failReady = false;
  before(async () => {
    const config = loadConfig(PROD);
    const app = createApp({
      log: createLogger('silent'),
      adapter: createCloudAdapter(config),
      bot: new TeamsActivityHandler(),
      readinessCacheMs: 0,
      readiness: [
        {
          name: 'probe',
          check: async () => {
            if (failReady) throw new Error('down');
          },
        },
      ],
    });
    running = await listen(app, '127.0.0.1', 0);
  });
  after(() => running.close());

  it('answers /healthz', async () => {
    const res = await fetch(`${running.url}/healthz`);
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-request-id'));
  });

  it('reports readiness from its checks', async () => {
    assert.equal((await fetch(`${running.url}/readyz`)).status, 200);
    failReady = true;
    const res = await fetch(`${running.url}/readyz`);
    failReady = false;
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { checks: Array<{ ok: boolean }> }).checks[0].ok, false);
  });

  it('warns once when a readiness check starts failing, not on every probe; again when it fails differently', async () => {
    const lines: Array<{ level: number; msg: string; check?: string; err?: string }> = [];
    let failure: string | undefined;
    const config = loadConfig(PROD);
    const app = createApp({
      log: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }),
      adapter: createCloudAdapter(config),
      bot: new TeamsActivityHandler(),
      readinessCacheMs: 0,
      readiness: [
        {
          name: 'store',
          check: async () => {
            if (failure) throw new Error(failure);
          },
        },
      ],
    });
    const probed = await listen(app, '127.0.0.1', 0);
    try {
      const probe = async () => (await fetch(`${probed.url}/readyz`)).status;
      failure = 'locked';
      for (let i = 0; i < 5; i++) assert.equal(await probe(), 503);
      failure = 'disk full';
      assert.equal(await probe(), 503);
      failure = undefined;
      assert.equal(await probe(), 200);
      failure = 'locked';
      assert.equal(await probe(), 503);
      const warnings = lines.filter((l) => l.level === 40 && l.msg === 'readiness check failed');
      assert.deepEqual(
        warnings.map((l) => `${l.check}: ${l.err}`),
        ['store: locked', 'store: disk full', 'store: locked'],
      );
    } finally {
      await probed.close();
    }
  });

  it('answers 401 to an activity without a Bot Framework JWT in production mode', async () => {
    const res = await fetch(`${running.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'invoke',
        name: 'composeExtension/query',
        serviceUrl: 'https://smba.trafficmanager.net/amer/',
        channelId: 'msteams',
        conversation: { id: 'c' },
        from: { id: 'u' },
        recipient: { id: 'b' },
      }),
    });
    assert.equal(res.status, 401);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await fetch(`${running.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(res.status, 400);
  });
});

describe('server shutdown', () => {
  it('finishes in-flight requests before close() resolves, and refuses new connections', async () => {
    const slow = express.Router();
    slow.get('/slow', (_req, res) => {
      setTimeout(() => res.json({ done: true }), 300);
    });
    const app = createApp({
      log: createLogger('silent'),
      adapter: createCloudAdapter(loadConfig(PROD)),
      bot: new TeamsActivityHandler(),
      routers: [slow],
    });
    const running = await listen(app, '127.0.0.1', 0);
    const inFlight = fetch(`${running.url}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    let closed = false;
    const closing = running.close().then(() => (closed = true));
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { done: true });
    await closing;
    assert.ok(closed);
    await assert.rejects(fetch(`${running.url}/healthz`));
  });
});
