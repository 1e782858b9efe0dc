import type { HttpClient } from './httpClient';

/** Extra, optional fields the adapter understands on top of a standard RequestInit. */
export interface HttpFetchInit extends RequestInit {
  deadline?: number;
  timeoutMs?: number;
  operation?: string;
}

export type HttpFetch = (input: string | URL | Request, init?: HttpFetchInit) => Promise<Response>;

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

async function bodyOf(
  input: string | URL | Request,
  init: HttpFetchInit | undefined,
): Promise<string | Uint8Array | undefined> {
  const body =
    init?.body ?? (input instanceof Request && input.body ? new Uint8Array(await input.arrayBuffer()) : undefined);
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('httpFetch: only string, bytes and URLSearchParams bodies are supported');
}

function headersOf(input: string | URL | Request, init: HttpFetchInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const merged = new Headers(input instanceof Request ? input.headers : undefined);
  new Headers(init?.headers).forEach((v, k) => merged.set(k, v));
  merged.forEach((v, k) => {
    out[k] = v;
  });
  if (init?.body instanceof URLSearchParams && !merged.has('content-type')) {
    out['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  }
  return out;
}

/**
 * A fetch-compatible function backed by the HTTP layer, so libraries that take a fetch (the Graph client's
 * terminal middleware, msal's network module) get the same timeouts, decoration and logging as our own calls.
 * The answer is fully buffered (bounded) before it is returned. Transport failures reject with HttpTransportError.
 */
export function createHttpFetch(http: HttpClient, defaults: { operation: string; timeoutMs?: number }): HttpFetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const res = await http.request({
      method,
      url,
      headers: headersOf(input, init),
      body: await bodyOf(input, init),
      deadline: init?.deadline,
      timeoutMs: init?.timeoutMs ?? defaults.timeoutMs,
      operation: init?.operation ?? defaults.operation,
      signal: init?.signal ?? (input instanceof Request ? input.signal : undefined),
    });
    return new Response(NULL_BODY_STATUSES.has(res.status) ? null : res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}
