import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The deadline of the work in progress (an invoke's answer budget), carried implicitly through every await, so calls
 * made deep inside libraries (msal's token requests, the Entra key fetch) honour it without each API passing it on.
 * The HTTP layer applies it to every outbound call that does not set its own.
 */
const current = new AsyncLocalStorage<number>();

/** Runs `work` with `deadline` (clock ms) as the ambient deadline of every outbound call it makes. */
export function runWithDeadline<T>(deadline: number, work: () => T): T {
  return current.run(deadline, work);
}

/** Runs `work` with no ambient deadline (background work that outlives the request that started it). */
export function runWithoutDeadline<T>(work: () => T): T {
  return current.exit(work);
}

/** The ambient deadline, if any. */
export function ambientDeadline(): number | undefined {
  return current.getStore();
}

/** The deadline passed, before an answer came. */
export class DeadlineExceededError extends Error {
  constructor(public readonly operation: string) {
    super(`${operation}: no answer before the deadline`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Waits for `work` until `deadline` (clock ms; the ambient deadline when omitted), for calls this app cannot abort
 * (botbuilder's Token Service client): past the deadline it rejects with DeadlineExceededError and the late
 * outcome is dropped, never left as an unhandled rejection.
 */
export async function untilDeadline<T>(
  work: Promise<T>,
  operation: string,
  now: () => number,
  deadline = ambientDeadline(),
): Promise<T> {
  if (deadline === undefined) return work;
  work.catch(() => undefined);
  const left = deadline - now();
  if (left <= 0) throw new DeadlineExceededError(operation);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(operation)), left);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
