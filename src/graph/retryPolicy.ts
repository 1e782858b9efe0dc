import type { TransportFailure } from '../http/httpClient';
import { parseRetryAfterSeconds } from './errors';

/**
 * When a Graph call may be repeated, and after how long. Pure: the deadline-aware retry middleware asks it
 * after every attempt.
 *
 * A retry happens only if its answer can still arrive before the deadline: the wait plus `minAttemptMs` (the
 * least a call is expected to take) must fit in the time left. Otherwise the caller fails at once and the
 * person is told when to try again, instead of the invoke hanging past Teams' 5 s budget.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (so at most maxRetries + 1 requests). */
  maxRetries: number;
  /** Waits without Retry-After, per retry (the last value repeats). */
  backoffMs: number[];
  /** Least time a retried call needs to answer; a retry that leaves less is not made. */
  minAttemptMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, backoffMs: [200, 400], minAttemptMs: 500 };

/** What ended the attempt: an HTTP status (with its Retry-After) or a transport failure. */
export type AttemptOutcome = { status: number; retryAfter?: string | null } | { transport: TransportFailure };

export interface RetryQuestion {
  outcome: AttemptOutcome;
  /** Retries already made (0 after the first attempt). */
  retriesSoFar: number;
  /**
   * The request may be repeated after an ambiguous failure (504, timeout, dropped connection) without harm.
   * False for createLink with sendNotification: the first request may have sent emails.
   */
  idempotent: boolean;
  now: number;
  deadline: number;
  policy: RetryPolicy;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; why: string };

/** Statuses that prove the request was not carried out (throttled or refused before processing). */
const NOT_PROCESSED_STATUSES = new Set([429, 503]);
/** Statuses whose request may or may not have been carried out. */
const AMBIGUOUS_STATUSES = new Set([504]);

/** Decides whether to retry one Graph attempt (see the module comment). */
export function decideRetry(q: RetryQuestion): RetryDecision {
  const { outcome, policy } = q;
  if (q.retriesSoFar >= policy.maxRetries) return { retry: false, why: 'retries exhausted' };

  let retryAfterSeconds: number | undefined;
  if ('status' in outcome) {
    if (NOT_PROCESSED_STATUSES.has(outcome.status)) {
      retryAfterSeconds = parseRetryAfterSeconds(outcome.retryAfter, q.now);
    } else if (AMBIGUOUS_STATUSES.has(outcome.status)) {
      if (!q.idempotent) return { retry: false, why: 'gateway timeout on a request that must not be repeated' };
      retryAfterSeconds = parseRetryAfterSeconds(outcome.retryAfter, q.now);
    } else {
      return { retry: false, why: `status ${outcome.status} is not retryable` };
    }
  } else {
    switch (outcome.transport) {
      case 'connect':
        // Nothing reached the server, so even a non-idempotent request is safe to send again.
        break;
      case 'network':
      case 'timeout':
        if (!q.idempotent) return { retry: false, why: `${outcome.transport} on a request that must not be repeated` };
        break;
      default:
        return { retry: false, why: `${outcome.transport} is final` };
    }
  }

  const backoff = policy.backoffMs.length ? policy.backoffMs[Math.min(q.retriesSoFar, policy.backoffMs.length - 1)] : 0;
  const delayMs = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : backoff;
  const remaining = q.deadline - q.now;
  if (remaining < delayMs + policy.minAttemptMs) {
    return { retry: false, why: `waiting ${delayMs} ms would miss the deadline (${remaining} ms left)` };
  }
  return { retry: true, delayMs };
}
