import { strict as assert } from 'node:assert';
import { InFlight } from '../../../src/util/inFlight';

describe('util/inFlight', () => {
  it('concurrent callers of one key share one run; other keys run on their own', async () => {
    const flights = new InFlight<string>();
    let runs = 0;
    const work = (v: string) => async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      return v;
    };
    const results = await Promise.all([
      ...Array.from({ length: 50 }, () => flights.run('a', work('A'))),
      flights.run('b', work('B')),
    ]);
    assert.equal(runs, 2);
    assert.deepEqual(new Set(results), new Set(['A', 'B']));
    assert.equal(flights.size, 0, 'nothing kept once settled');
  });

  it('a failure reaches the callers that waited for it, and only them: the next call runs again', async () => {
    const flights = new InFlight<number>();
    let runs = 0;
    const failing = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('HTTP 503');
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => flights.run('k', failing)));
    assert.ok(outcomes.every((o) => o.status === 'rejected' && /503/.test(String(o.reason))));
    assert.equal(runs, 1);
    assert.equal(await flights.run('k', async () => ++runs), 2, 'a new run after the failure');
  });

  it('work that throws synchronously is a rejection, not an exception in the caller', async () => {
    const flights = new InFlight<number>();
    const p = flights.run('k', () => {
      throw new Error('boom');
    });
    await assert.rejects(p, /boom/);
  });
});
