import { strict as assert } from 'node:assert';
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryQuestion } from '../../../src/graph/retryPolicy';

const NOW = 1_000_000;
const q = (over: Partial<RetryQuestion>): RetryQuestion => ({
  outcome: { status: 429 },
  retriesSoFar: 0,
  idempotent: true,
  now: NOW,
  deadline: NOW + 3000,
  policy: DEFAULT_RETRY_POLICY,
  ...over,
});

describe('graph retry policy', () => {
  it('waits Retry-After only when the retried answer can still arrive before the deadline', () => {
    assert.deepEqual(decideRetry(q({ outcome: { status: 429, retryAfter: '1' } })), { retry: true, delayMs: 1000 });
    assert.deepEqual(decideRetry(q({ outcome: { status: 429, retryAfter: '2' } })), { retry: true, delayMs: 2000 });
    assert.equal(decideRetry(q({ outcome: { status: 429, retryAfter: '3' } })).retry, false);
    assert.equal(decideRetry(q({ outcome: { status: 429, retryAfter: '1' }, deadline: NOW + 1400 })).retry, false);
  });

  it('backs off 200 ms then 400 ms without Retry-After, and stops after two retries', () => {
    assert.deepEqual(decideRetry(q({ outcome: { status: 503 } })), { retry: true, delayMs: 200 });
    assert.deepEqual(decideRetry(q({ outcome: { status: 503 }, retriesSoFar: 1 })), { retry: true, delayMs: 400 });
    assert.equal(decideRetry(q({ outcome: { status: 503 }, retriesSoFar: 2 })).retry, false);
  });

  it('retries only what may be repeated', () => {
    for (const status of [400, 401, 403, 404, 409, 500, 502])
      assert.equal(decideRetry(q({ outcome: { status } })).retry, false, String(status));
    assert.equal(decideRetry(q({ outcome: { status: 504 } })).retry, true);
    assert.equal(decideRetry(q({ outcome: { status: 504 }, idempotent: false })).retry, false);
    assert.equal(decideRetry(q({ outcome: { status: 429 }, idempotent: false })).retry, true);
    assert.equal(decideRetry(q({ outcome: { status: 503 }, idempotent: false })).retry, true);
    assert.equal(decideRetry(q({ outcome: { transport: 'connect' }, idempotent: false })).retry, true);
    assert.equal(decideRetry(q({ outcome: { transport: 'network' }, idempotent: false })).retry, false);
    assert.equal(decideRetry(q({ outcome: { transport: 'timeout' }, idempotent: false })).retry, false);
    assert.equal(decideRetry(q({ outcome: { transport: 'network' } })).retry, true);
    assert.equal(decideRetry(q({ outcome: { transport: 'deadline' } })).retry, false);
    assert.equal(decideRetry(q({ outcome: { transport: 'tooLarge' } })).retry, false);
  });
});
