import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../../src/log';
import { createMemoryState, createRedisState, StateCipher, type SharedState } from '../../../src/state';
import { requireRedisServer, startTestRedis, type TestRedis } from '../../helpers/redisServer';

const clock = { now: () => Date.now() };

describe('shared state: the cipher', () => {
  const cipher = new StateCipher(randomBytes(32));

  it('seals with AES-256-GCM bound to the name: round-trips, and opens under no other name, key or after tampering', () => {
    const sealed = cipher.seal('{"accessToken":"secret-value"}', 'sl:token:a');
    assert.ok(!sealed.includes('secret-value'));
    assert.equal(cipher.open(sealed, 'sl:token:a'), '{"accessToken":"secret-value"}');
    assert.equal(cipher.open(sealed, 'sl:token:b'), undefined, 'moved under another person');
    assert.equal(new StateCipher(randomBytes(32)).open(sealed, 'sl:token:a'), undefined, 'another key');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    assert.equal(cipher.open(`v1.${raw.toString('base64')}`, 'sl:token:a'), undefined, 'tampered');
    assert.equal(cipher.open('v1.AAAA', 'sl:token:a'), undefined, 'truncated');
    assert.notEqual(cipher.seal('x', 'n'), cipher.seal('x', 'n'), 'a fresh nonce every time');
  });

  it('names are keyed hashes and derived keys agree between instances with the same key only', () => {
    const key = randomBytes(32);
    assert.equal(new StateCipher(key).name('item', 'tid|oid'), new StateCipher(key).name('item', 'tid|oid'));
    assert.ok(!new StateCipher(key).name('item', 'tid|oid').includes('oid'));
    assert.deepEqual(new StateCipher(key).derive('idempotency'), new StateCipher(key).derive('idempotency'));
    assert.notDeepEqual(
      new StateCipher(key).derive('idempotency'),
      new StateCipher(randomBytes(32)).derive('idempotency'),
    );
  });
});

/** The same contract for both engines. */
function contract(name: string, make: () => Promise<{ a: SharedState; b: SharedState }>) {
  describe(`shared state contract: ${name}`, () => {
    let a: SharedState;
    let b: SharedState;
    before(async function () {
      ({ a, b } = await make());
    });
    after(async () => {
      await a?.close();
      if (b !== a) await b?.close();
    });

    it('idempotency: one claim wins, the other sees pending, then the result; release frees; invalidate forgets', async () => {
      const key = `k-${randomBytes(4).toString('hex')}`;
      assert.deepEqual(await a.idempotency.claim(key, 5000), { kind: 'claimed' });
      assert.deepEqual(await b.idempotency.claim(key, 5000), { kind: 'pending' });
      await a.idempotency.complete(key, '{"permissionId":"p1"}', 5000, 'tenant|p1');
      assert.deepEqual(await b.idempotency.claim(key, 5000), { kind: 'done', result: '{"permissionId":"p1"}' });
      await b.idempotency.invalidate('tenant|p1');
      const after = await a.idempotency.claim(key, 5000);
      assert.equal(after.kind, 'claimed', 'revoked: the result is forgotten on every instance');
      await a.idempotency.release(key);
      assert.deepEqual(await b.idempotency.claim(key, 5000), { kind: 'claimed' }, 'a failure is not pinned');
    });

    it('rate limit: the same window on both', async () => {
      const key = `r-${randomBytes(4).toString('hex')}`;
      assert.equal((await a.rateLimiter.hit(key, 2, 10_000)).allowed, true);
      assert.equal((await b.rateLimiter.hit(key, 2, 10_000)).allowed, true);
      const third = await a.rateLimiter.hit(key, 2, 10_000);
      assert.equal(third.allowed, false);
      assert.ok(third.retryAfterMs > 0 && third.retryAfterMs <= 10_000);
    });

    it('cache: set on one, read on the other, expires, deletes; leases are exclusive', async () => {
      const key = `c-${randomBytes(4).toString('hex')}`;
      await a.cache('item').set(key, 'value', 150);
      assert.equal(await b.cache('item').get(key), 'value');
      assert.equal(await b.cache('other').get(key), undefined, 'kinds are separate');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await b.cache('item').get(key), undefined);
      await a.cache('item').set(key, 'again', 10_000);
      await b.cache('item').delete(key);
      if (a !== b) await a.cache('item').delete(key);
      assert.equal(await a.cache('item').get(key), undefined);
      assert.equal(await a.leases.acquire(key, 5000), true);
      assert.equal(await b.leases.acquire(key, 5000), false);
      await a.leases.release(key);
      assert.equal(await b.leases.acquire(key, 5000), true);
    });
  });
}

contract('memory (one instance)', async () => {
  const s = createMemoryState(clock);
  return { a: s, b: s };
});

describe('shared state in Redis', function () {
  let redis: TestRedis;
  const logs: string[] = [];
  const key = randomBytes(32);
  const make = () =>
    createRedisState(
      { url: redis.url, key, prefix: 'test', timeoutMs: 100 },
      { clock, log: createLogger('info', { write: (l: string) => void logs.push(l) }) },
    );
  before(async function () {
    requireRedisServer(this);
    redis = await startTestRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  contract('redis (two instances)', async () => {
    const a = make();
    const b = make();
    await a.start();
    await b.start();
    return { a, b };
  });

  it('nothing in clear: names are hashes, values sealed', async () => {
    const s = make();
    await s.start();
    await s.cache('graph-token').set('contoso:adele', '{"accessToken":"eyJhbGciOi.secret.token"}', 60_000);
    await s.idempotency.claim('idem-1', 5000);
    await s.idempotency.complete('idem-1', '{"webUrl":"https://contoso/link"}', 60_000, 'contoso|perm-1');
    const dump = await redis.dump();
    assert.ok(dump.length >= 3);
    for (const { key: k, value } of dump) {
      assert.doesNotMatch(value, /eyJhbGciOi\.secret/, 'the token in clear');
      for (const clear of ['adele', 'contoso', 'secret.token', 'perm-1', 'idem-1', 'https']) {
        assert.ok(!k.includes(clear) && !value.includes(clear), `${clear} in ${k} = ${value.slice(0, 80)}`);
      }
    }
    await s.close();
  });

  it('down, hung or refusing writes: every call falls back within its budget, logged once; back by itself', async () => {
    const s = make();
    await s.start();
    await s.check();
    logs.length = 0;

    // Hung: the server stops answering for 1.5 s; calls give up after their budget and use per-process state.
    execFileSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'PAUSE', '1500', 'ALL']);
    let started = Date.now();
    assert.deepEqual(await s.idempotency.claim('hung-1', 5000), { kind: 'claimed' });
    await s.cache('item').set('hung-item', 'v', 60_000);
    assert.equal(await s.cache('item').get('hung-item'), 'v', 'served from this instance');
    assert.ok(Date.now() - started < 1000, `fell back within the budget (${Date.now() - started} ms)`);
    await assert.rejects(s.check(), /degraded/);
    await new Promise((r) => setTimeout(r, 1600));

    // Down: killed; per-process state serves, the client reconnects by itself once it is back.
    await s.idempotency.claim('lost-1', 5000);
    await s.idempotency.complete('lost-1', 'first result', 60_000, 'contoso|lost');
    await redis.kill();
    started = Date.now();
    assert.equal((await s.rateLimiter.hit('down-1', 1, 60_000)).allowed, true);
    assert.deepEqual(await s.idempotency.claim('down-2', 5000), { kind: 'claimed' });
    assert.ok(Date.now() - started < 1000, `no waiting for a dead Redis (${Date.now() - started} ms)`);
    await assert.rejects(s.check(), /degraded/);
    await redis.restart();
    for (let i = 0; i < 100; i++) {
      try {
        await s.check();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await s.check();
    // Redis came back empty (no persistence): this instance still answers its own result and hands it back.
    assert.deepEqual(await s.idempotency.claim('lost-1', 5000), { kind: 'done', result: 'first result' });
    const other = make();
    await other.start();
    assert.deepEqual(await other.idempotency.claim('lost-1', 5000), { kind: 'done', result: 'first result' });
    await other.close();
    const warnings = logs.filter((l) => /Redis unavailable/.test(l));
    assert.ok(warnings.length >= 1 && warnings.length <= 2, `logged once per outage (${warnings.length})`);
    assert.ok(logs.some((l) => /Redis is back/.test(l)));
    assert.ok(!logs.some((l) => l.includes(redis.url)), 'the URL (it may hold the access key) is never logged');

    // Refusing writes (out of memory): the write falls back, the caller never sees the error.
    execFileSync('redis-cli', ['-p', String(redis.port), 'CONFIG', 'SET', 'maxmemory', '1']);
    execFileSync('redis-cli', ['-p', String(redis.port), 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
    await s.cache('item').set('oom-1', 'kept', 60_000);
    assert.equal(await s.cache('item').get('oom-1'), 'kept');
    execFileSync('redis-cli', ['-p', String(redis.port), 'CONFIG', 'SET', 'maxmemory', '0']);
    await s.close();
  });
});
