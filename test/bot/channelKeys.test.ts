import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { channelKeyCache, warmChannelKeys } from '../../bot/channelKeys';
import { startSandbox, type Sandbox } from '../../sandbox/server';

/**
 * botbuilder's per-URL key cache with concurrent loads shared (issue 9, defect 6). Each test uses its own sandbox
 * (its own port, so its own metadata URL and a cold cache, as a fresh process has).
 */
describe('bot/channelKeys: botbuilder’s channel key cache, loaded once however many validations ask', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ dataDir: path.resolve('.sandbox-data'), port: 0 });
  });
  afterEach(async () => {
    await sandbox?.close();
  });

  it('50 concurrent lookups on a cold cache: one metadata and one key-set request; every caller gets the endorsed key', async () => {
    const keys = channelKeyCache(sandbox.endpoints.botFrameworkOpenIdMetadata);
    const kid = sandbox.keys.botframework.kid;
    const found = await Promise.all(Array.from({ length: 50 }, () => keys.getKey(kid)));
    assert.equal(sandbox.count('botframework.metadata'), 1);
    assert.equal(sandbox.count('botframework.keys'), 1);
    for (const k of found) {
      assert.match(k?.key ?? '', /BEGIN (RSA )?PUBLIC KEY/);
      assert.ok(k?.endorsements?.includes('msteams'));
    }
    assert.equal(channelKeyCache(sandbox.endpoints.botFrameworkOpenIdMetadata), keys, 'one cache per URL');
  });

  it('a failed load reaches the callers waiting for it, and is not kept: the next lookup loads again', async () => {
    sandbox.faults.add({ kind: 'botframework.metadata', status: 503, latencyMs: 100, times: 1 });
    const keys = channelKeyCache(sandbox.endpoints.botFrameworkOpenIdMetadata);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => keys.getKey('any')));
    assert.ok(outcomes.every((o) => o.status === 'rejected' && /503/.test(String(o.reason?.message))));
    assert.equal(sandbox.count('botframework.metadata'), 1);
    await warmChannelKeys(sandbox.endpoints.botFrameworkOpenIdMetadata);
    assert.ok(await keys.getKey(sandbox.keys.botframework.kid));
    assert.equal(sandbox.count('botframework.metadata'), 2);
    assert.equal(sandbox.count('botframework.keys'), 1);
  });

  it('a load that hangs holds later lookups for at most about 3 s: then one of them loads again', async () => {
    sandbox.faults.add({ kind: 'botframework.metadata', latencyMs: 10_000, times: 1 });
    const keys = channelKeyCache(sandbox.endpoints.botFrameworkOpenIdMetadata);
    const hung = keys.getKey(sandbox.keys.botframework.kid);
    hung.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    const later = await Promise.all(Array.from({ length: 10 }, () => keys.getKey(sandbox.keys.botframework.kid)));
    const waited = performance.now() - started;
    assert.ok(later.every((k) => k?.endorsements?.includes('msteams')));
    assert.ok(waited < 6_000, `waited ${Math.round(waited)} ms`);
    assert.equal(sandbox.count('botframework.keys'), 1, 'the later lookups shared one load');
  });
});
