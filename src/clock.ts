/** Time source passed to everything that reasons about expirations and deadlines, so tests can pin it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
