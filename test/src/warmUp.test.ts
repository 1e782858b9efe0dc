import { strict as assert } from 'node:assert';
import { createLogger } from '../../src/log';
import { WarmUp } from '../../src/warmUp';

const log = createLogger('silent');

describe('warmUp', () => {
  it('is not ready until every task is warm, naming the cold ones with their last error; retries with backoff', async () => {
    let keyAttempts = 0;
    const warmUp = new WarmUp(
      [
        { name: 'fast', run: async () => undefined },
        {
          name: 'keys',
          run: async () => {
            keyAttempts++;
            if (keyAttempts < 3) throw new Error('HTTP 503');
          },
        },
      ],
      { log, initialBackoffMs: 20, maxBackoffMs: 40 },
    );
    await assert.rejects(warmUp.check(), /not warm yet: fast \(not started\), keys \(not started\)/);
    warmUp.start();
    await warmUp.tried();
    assert.deepEqual(warmUp.cold(), ['keys']);
    await assert.rejects(warmUp.check(), /not warm yet: keys \(HTTP 503\)/);
    const until = Date.now() + 2000;
    while (warmUp.cold().length && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await warmUp.check();
    assert.equal(keyAttempts, 3);
    warmUp.stop();
  });

  it('a task that never answers counts as failed after the attempt timeout and is tried again', async () => {
    let attempts = 0;
    const warmUp = new WarmUp(
      [
        {
          name: 'hung',
          run: () => {
            attempts++;
            return attempts === 1 ? new Promise<void>(() => undefined) : Promise.resolve();
          },
        },
      ],
      { log, attemptTimeoutMs: 50, initialBackoffMs: 10 },
    );
    warmUp.start();
    await warmUp.tried();
    await assert.rejects(warmUp.check(), /hung \(no answer within 50 ms\)/);
    const until = Date.now() + 2000;
    while (warmUp.cold().length && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(warmUp.cold(), []);
    warmUp.stop();
  });

  it('a group (one task per tenant) is ready once one is warm; the cold rest only degrade, and all cold blocks', async () => {
    const warmUp = new WarmUp(
      [
        { name: 'channel', run: async () => undefined },
        { name: 'tenant A', group: 'tenants', run: async () => undefined },
        { name: 'tenant B', group: 'tenants', run: () => Promise.reject(new Error('AADSTS90002: tenant not found')) },
      ],
      { log, initialBackoffMs: 1000 },
    );
    warmUp.start();
    await warmUp.tried();
    await warmUp.check();
    await assert.rejects(warmUp.checkGroups(), /not warm yet: tenant B \(AADSTS90002: tenant not found\)/);
    warmUp.stop();

    const allCold = new WarmUp(
      [
        { name: 'tenant A', group: 'tenants', run: () => Promise.reject(new Error('HTTP 503')) },
        { name: 'tenant B', group: 'tenants', run: () => Promise.reject(new Error('HTTP 503')) },
      ],
      { log, initialBackoffMs: 1000 },
    );
    allCold.start();
    await allCold.tried();
    await assert.rejects(allCold.check(), /not warm yet: tenant A \(HTTP 503\), tenant B \(HTTP 503\)/);
    allCold.stop();
  });

  it('stop() ends the retries (shutdown)', async () => {
    let attempts = 0;
    const warmUp = new WarmUp(
      [
        {
          name: 'down',
          run: async () => {
            attempts++;
            throw new Error('connection refused');
          },
        },
      ],
      { log, initialBackoffMs: 10, maxBackoffMs: 10 },
    );
    warmUp.start();
    await warmUp.tried();
    warmUp.stop();
    const seen = attempts;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(attempts, seen);
  });
});
