import type { Logger } from './log';

/** Something the app loads once at start so that no invoke has to: signing keys, metadata, an app token. */
export interface WarmUpTask {
  name: string;
  run(): Promise<void>;
  /**
   * Tasks of one group stand in for each other (e.g. one per allowed tenant): the instance is ready once any of them
   * is warm, and the cold rest only degrade it, so one tenant's failing Entra documents never take the instance (and
   * every other tenant) out of service.
   */
  group?: string;
}

export interface WarmUpOptions {
  log: Logger;
  /** First wait after a failed attempt; doubled per failure up to `maxBackoffMs`. Default 500 ms. */
  initialBackoffMs?: number;
  /** Longest wait between two attempts of one task. Default 30 s. */
  maxBackoffMs?: number;
  /** An attempt still running after this counts as failed (a hung dependency), and is retried. Default 15 s. */
  attemptTimeoutMs?: number;
}

interface TaskState {
  warm: boolean;
  attempts: number;
  lastError?: string;
}

/**
 * Runs the start-up warm-up: every task at once, each failed task again after a growing, jittered backoff until it
 * succeeds, without ever failing the process. /readyz reports not ready (naming what is still cold) until all are
 * warm, so a load balancer sends no invoke to an instance that would pay for the cold fetches itself.
 */
export class WarmUp {
  private readonly states = new Map<string, TaskState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private started = false;
  private readonly firstRound: Promise<void>;
  private firstRoundDone!: () => void;

  constructor(
    private readonly tasks: readonly WarmUpTask[],
    private readonly options: WarmUpOptions,
  ) {
    for (const t of tasks) this.states.set(t.name, { warm: false, attempts: 0 });
    this.firstRound = new Promise((resolve) => (this.firstRoundDone = resolve));
  }

  /** Starts every task (once); returns at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const firsts = this.tasks.map((t) => this.attempt(t));
    void Promise.all(firsts).then(() => this.firstRoundDone());
  }

  /** Resolves once every task has been tried once (warm or not). */
  tried(): Promise<void> {
    return this.firstRound;
  }

  /** Names of the tasks that are not warm yet. */
  cold(): string[] {
    return [...this.states].filter(([, s]) => !s.warm).map(([name]) => name);
  }

  /**
   * Readiness: rejects naming what keeps the instance from serving: every cold task outside a group, and every group
   * with no warm task, each with its last error.
   */
  async check(): Promise<void> {
    const groupsWarm = new Set(this.tasks.filter((t) => t.group && this.states.get(t.name)!.warm).map((t) => t.group));
    const blocking = this.tasks.filter((t) => !this.states.get(t.name)!.warm && !(t.group && groupsWarm.has(t.group)));
    if (blocking.length) throw new Error(`not warm yet: ${blocking.map((t) => this.describe(t)).join(', ')}`);
  }

  /** Degraded readiness: rejects naming the cold tasks of groups that are otherwise warm (check() covers the rest). */
  async checkGroups(): Promise<void> {
    const cold = this.tasks.filter((t) => t.group && !this.states.get(t.name)!.warm);
    if (cold.length) throw new Error(`not warm yet: ${cold.map((t) => this.describe(t)).join(', ')}`);
  }

  private describe(task: WarmUpTask): string {
    const s = this.states.get(task.name)!;
    return s.lastError ? `${task.name} (${s.lastError})` : s.attempts ? task.name : `${task.name} (not started)`;
  }

  /** Stops retrying (shutdown). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async attempt(task: WarmUpTask): Promise<void> {
    const state = this.states.get(task.name)!;
    state.attempts += 1;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const limitMs = this.options.attemptTimeoutMs ?? 15_000;
      const hung = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${limitMs} ms`)), limitMs);
      });
      await Promise.race([task.run(), hung]);
      state.warm = true;
      state.lastError = undefined;
      this.options.log.info(
        { task: task.name, attempts: state.attempts, ms: Math.round(performance.now() - started) },
        'warm-up: done',
      );
      if (!this.cold().length) this.options.log.info('warm-up: all done, ready');
    } catch (err) {
      state.lastError = (err instanceof Error ? err.message : String(err)).slice(0, 200);
      if (this.stopped) return;
      const delay = this.backoff(state.attempts);
      this.options.log.warn(
        { task: task.name, attempts: state.attempts, err: state.lastError, retryInMs: delay },
        'warm-up: failed, will retry',
      );
      const retry = setTimeout(() => {
        this.timers.delete(retry);
        if (!this.stopped) void this.attempt(task);
      }, delay);
      retry.unref();
      this.timers.add(retry);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Exponential backoff with full jitter over the upper half, so instances restarted together spread out. */
  private backoff(attempts: number): number {
    const initial = this.options.initialBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 30_000;
    const ceiling = Math.min(max, initial * 2 ** (attempts - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}
