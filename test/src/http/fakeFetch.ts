import { Writable } from 'node:stream';
import type { FetchLike } from '../../../src/http/httpClient';

/** One request as the fake server saw it (header names lower-cased). */
export interface SeenRequest {
  method: string;
  url: string;
  /** pathname + search, decoded as sent. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What a route does: answer, hang until aborted, or fail the connection. */
export type Reply = Response | { hang: true } | { drop: string };
export type Responder = (req: SeenRequest) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  /** Exact pathname (without query) or a pattern matched against pathname + search. */
  path: string | RegExp;
  /** One responder for every call, or a sequence (the last repeats). */
  reply: Responder | Reply | Array<Responder | Reply>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'request-id': `req-${status}`, ...headers },
  });
}

export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return json(
    status,
    { error: { code, message, innerError: { 'request-id': `inner-${code}`, date: '2026-01-01T00:00:00' } } },
    headers,
  );
}

export const HANG: Reply = { hang: true };
export const drop = (code: string): Reply => ({ drop: code });

/** A route-matching fetch (no network). Unmatched requests fail the test loudly with a 599. */
export function createFakeFetch(routes: Route[]): { fetch: FetchLike; requests: SeenRequest[] } {
  const requests: SeenRequest[] = [];
  const calls = new Map<Route, number>();
  const fetchImpl: FetchLike = async (input, init) => {
    const url = new URL(input);
    const headers: Record<string, string> = {};
    new Headers(init.headers as ConstructorParameters<typeof Headers>[0]).forEach((v, k) => {
      headers[k] = v;
    });
    const body =
      init.body === undefined || init.body === null
        ? undefined
        : Buffer.from(init.body as string | Uint8Array).toString('utf8');
    const seen: SeenRequest = {
      method: init.method ?? 'GET',
      url: input,
      path: decodeURIComponent(url.pathname) + url.search,
      headers,
      body,
    };
    requests.push(seen);
    const route = routes.find(
      (r) =>
        r.method === seen.method &&
        (typeof r.path === 'string' ? r.path === decodeURIComponent(url.pathname) : r.path.test(seen.path)),
    );
    if (!route) return new Response(`no fake route for ${seen.method} ${seen.path}`, { status: 599 });
    const n = calls.get(route) ?? 0;
    calls.set(route, n + 1);
    const step = Array.isArray(route.reply) ? route.reply[Math.min(n, route.reply.length - 1)] : route.reply;
    const reply = typeof step === 'function' ? await step(seen) : step;
    if ('hang' in reply) {
      return new Promise<Response>((_resolve, reject) => {
        const fail = () => reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
        if (init.signal?.aborted) fail();
        init.signal?.addEventListener('abort', fail, { once: true });
      });
    }
    if ('drop' in reply)
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(reply.drop), { code: reply.drop }) });
    return reply.clone();
  };
  return { fetch: fetchImpl, requests };
}

/** A pino destination that keeps every line, to search logs in tests. */
export function logCapture(): { stream: Writable; text: () => string; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const text = () => chunks.join('');
  return {
    stream,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A clock the test moves; `sleep` advances it instead of waiting. */
export function fakeClock(start = Date.parse('2026-03-02T10:00:00Z')) {
  let t = start;
  const slept: number[] = [];
  return {
    clock: { now: () => t },
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
    slept,
  };
}
