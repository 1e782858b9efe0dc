/**
 * Single-flight within one process: concurrent callers asking for the same key while its work is running share
 * that one run (its value or its failure). Nothing is kept once the run has settled: the next caller starts anew,
 * so a failure is never served beyond the callers that were already waiting for it.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** The running work for `key`, or `work()` started now and shared until it settles. */
  run(key: string, work: () => Promise<T>): Promise<T> {
    const current = this.running.get(key);
    if (current) return current;
    const started = Promise.resolve()
      .then(work)
      .finally(() => {
        if (this.running.get(key) === started) this.running.delete(key);
      });
    this.running.set(key, started);
    return started;
  }

  /** How many keys have work running (for tests and logs). */
  get size(): number {
    return this.running.size;
  }
}
