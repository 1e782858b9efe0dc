import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { Clock } from '../clock';
import { ShareError } from '../domain/errors';
import type { Logger } from '../log';
import { type HttpClient, type HttpResponse, isHttpTransportError } from '../http/httpClient';
import { transportToShareError } from './errors';
import { type AttemptOutcome, decideRetry, type RetryPolicy } from './retryPolicy';

/**
 * The Graph client's middleware chain: Auth → DeadlineRetry → HttpTerminal. Everything a call needs (token,
 * deadline, whether it may be repeated) travels per request in GraphCallOptions, so one Client serves every user.
 */

/** Per-request settings and results, attached with `.middlewareOptions([new GraphCallOptions(…)])`. */
export class GraphCallOptions implements MiddlewareOptions {
  /** Requests sent for this call (1 + retries). */
  attempts = 0;
  /** The ShareError that ended the call inside the chain (the SDK wraps thrown errors; the client rethrows this). */
  failure?: ShareError;
  /** The last answer, body included, as the HTTP layer read it (the body is not carried by the Response). */
  answer?: HttpResponse;

  constructor(
    public readonly token: string,
    public readonly deadline: number,
    public readonly operation: string,
    /** May be repeated after an ambiguous failure (504, timeout, dropped connection). */
    public readonly idempotent: boolean,
    public readonly attemptTimeoutMs?: number,
  ) {}
}

function callOptions(context: Context): GraphCallOptions {
  const opts = context.middlewareControl?.getMiddlewareOptions(GraphCallOptions) as GraphCallOptions | undefined;
  if (!opts) throw new Error('Graph request sent without GraphCallOptions');
  return opts;
}

function urlOf(context: Context): string {
  return typeof context.request === 'string' ? context.request : context.request.url;
}

/**
 * The request's headers as a plain object with lower-case names (as Headers would give them). The Graph client
 * hands over a plain object; building a Headers from it costs more than the rest of the middleware, so only other
 * shapes go through one.
 */
function plainHeaders(context: Context): Record<string, string> {
  const out: Record<string, string> = {};
  const given = context.options?.headers;
  if (given && typeof given === 'object' && !(given instanceof Headers) && !Array.isArray(given)) {
    for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
      if (v === undefined || v === null) continue;
      const name = k.toLowerCase();
      const value = String(v).trim();
      out[name] = name in out ? `${out[name]}, ${value}` : value;
    }
    return out;
  }
  new Headers(given as ConstructorParameters<typeof Headers>[0]).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/** Puts the caller's delegated token on requests to Graph hosts only (never to a host a response pointed at). */
export class AuthMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly graphHosts: ReadonlySet<string>) {}

  async execute(context: Context): Promise<void> {
    const opts = callOptions(context);
    const headers = plainHeaders(context);
    delete headers.authorization;
    const host = new URL(urlOf(context)).hostname.toLowerCase();
    if (
      new URL(urlOf(context)).protocol === 'https:' &&
      (this.graphHosts.has(host) || context.customHosts?.has(host))
    ) {
      headers.authorization = `Bearer ${opts.token}`;
    }
    context.options = { ...context.options, headers };
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries 429/503/504 and connection failures within the call's deadline (see retryPolicy.ts). Replaces the
 * SDK's RetryHandler, whose 3 s/180 s waits cannot fit an invoke's budget. It never waits past the deadline:
 * when the wait does not fit it hands back the last answer at once (mapped to "throttled, retry in N s").
 */
export class DeadlineRetryMiddleware implements Middleware {
  private next?: Middleware;
  constructor(
    private readonly policy: RetryPolicy,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    private readonly log: Logger,
  ) {}

  async execute(context: Context): Promise<void> {
    const opts = callOptions(context);
    for (let retries = 0; ; retries++) {
      if (this.clock.now() >= opts.deadline) {
        opts.failure = new ShareError('transient', 'Microsoft 365 did not answer in time. Try again in a moment.', {
          code: 'transport.deadline',
        });
        throw opts.failure;
      }
      let outcome: AttemptOutcome;
      context.response = undefined;
      try {
        opts.attempts++;
        await this.next!.execute(context);
        const res = context.response as Response | undefined;
        if (!res) throw new Error('no response from the terminal middleware');
        outcome = { status: res.status, retryAfter: res.headers.get('retry-after') };
      } catch (err) {
        if (!isHttpTransportError(err)) throw err;
        outcome = { transport: err.reason };
        const decision = decideRetry({
          outcome,
          retriesSoFar: retries,
          idempotent: opts.idempotent,
          now: this.clock.now(),
          deadline: opts.deadline,
          policy: this.policy,
        });
        if (!decision.retry) {
          opts.failure = transportToShareError(err, !opts.idempotent);
          throw opts.failure;
        }
        this.log.info(
          { operation: opts.operation, transport: err.reason, delayMs: decision.delayMs, retry: retries + 1 },
          'graph retry',
        );
        await this.sleep(decision.delayMs);
        continue;
      }
      const decision = decideRetry({
        outcome,
        retriesSoFar: retries,
        idempotent: opts.idempotent,
        now: this.clock.now(),
        deadline: opts.deadline,
        policy: this.policy,
      });
      if (!decision.retry) return;
      this.log.info(
        { operation: opts.operation, status: outcome.status, delayMs: decision.delayMs, retry: retries + 1 },
        'graph retry',
      );
      await this.sleep(decision.delayMs);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * Sends the request through the product's HTTP layer. The context gets a Response with the answer's status and
 * headers (what the retry middleware reads, and what the SDK hands back untouched for the RAW response type the
 * drive client asks for); the body, already read and bounded, travels in GraphCallOptions.answer rather than being
 * wrapped into a stream and read back (4 % of the app's CPU per submit in the benchmark profile).
 */
export class HttpTerminalMiddleware implements Middleware {
  constructor(private readonly http: HttpClient) {}

  async execute(context: Context): Promise<void> {
    const opts = callOptions(context);
    const body = context.options?.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      throw new Error('Graph requests carry JSON (string) bodies only');
    }
    const res = await this.http.request({
      method: context.options?.method ?? 'GET',
      url: urlOf(context),
      headers: plainHeaders(context),
      body: body ?? undefined,
      deadline: opts.deadline,
      timeoutMs: opts.attemptTimeoutMs,
      operation: opts.operation,
    });
    opts.answer = res;
    context.response = new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
  }
}
