import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import type { Logger } from '../log';
import { ambientDeadline } from './deadline';
import { redactUrlForLog } from './redact';

/**
 * The one place every outbound HTTP call of the product goes through (Graph, Entra via msal, Token Service).
 * It applies a per-call timeout and the caller's overall deadline (the smaller wins), decorates the traffic
 * (User-Agent, client-request-id), bounds how much of a body it reads, and writes one log line per call.
 * It never retries: retry policy belongs to the caller, which knows whether a request is safe to repeat.
 */

/** SharePoint/Graph traffic decoration (`ISV|Company|App/Version`); well-decorated traffic is throttled last. */
export const SHARE_LINK_USER_AGENT = 'ISV|ShareLink|ShareLink/0.1.0';

/** Error bodies are read up to this many bytes; the rest is discarded (they only feed error mapping). */
export const ERROR_BODY_LIMIT_BYTES = 64 * 1024;

/** Success bodies larger than this are refused (a driveItem page is far smaller). */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Absolute time (clock ms) by which the answer must be in; the call is aborted then. Default: the ambient one. */
  deadline?: number;
  /** Longest this one call may take; defaults to the client's defaultTimeoutMs. */
  timeoutMs?: number;
  /** Short name of what the call does, for logs (e.g. "graph.createLink"). */
  operation: string;
  /** Aborts the call when the caller gives up (e.g. the fetch adapter's init.signal). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** The body as read (for error statuses at most ERROR_BODY_LIMIT_BYTES). */
  body: Buffer;
  /** The error body was longer than the limit and was cut. */
  truncated: boolean;
  /** The client-request-id this call sent. */
  clientRequestId: string;
  /** The server's request id (`request-id` / `x-ms-request-id`), when it sent one. */
  requestId?: string;
  elapsedMs: number;
  text(): string;
  json<T = unknown>(): T;
}

/**
 * Why a call produced no HTTP response.
 * - connect: the connection was never established (nothing reached the server; safe to repeat any request)
 * - network: the connection dropped after the request may have been sent
 * - timeout: the per-call timeout elapsed
 * - deadline: the caller's overall deadline elapsed (or had already passed)
 * - aborted: the caller aborted
 * - tooLarge: the response body exceeded the size limit
 */
export type TransportFailure = 'connect' | 'network' | 'timeout' | 'deadline' | 'aborted' | 'tooLarge';

/** A call that ended without an HTTP response (or with an unreadable one). */
export class HttpTransportError extends Error {
  constructor(
    public readonly reason: TransportFailure,
    message: string,
    public readonly operation: string,
    public readonly elapsedMs: number,
    public readonly causeCode?: string,
  ) {
    super(message);
    this.name = 'HttpTransportError';
  }
}

export function isHttpTransportError(err: unknown): err is HttpTransportError {
  return err instanceof HttpTransportError;
}

export interface HttpClientOptions {
  userAgent: string;
  log: Logger;
  /**
   * A WHATWG fetch to send through instead of node:https (tests inject a fake). The default, node's own http
   * client on one keep-alive agent, costs about a third of the CPU of the global fetch per call (bench/README.md).
   */
  fetchImpl?: FetchLike;
  defaultTimeoutMs: number;
  clock?: Clock;
  maxBodyBytes?: number;
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  readonly userAgent: string;
  readonly clock: Clock;
}

/** Error codes that mean the TCP/TLS connection was never made, so the server cannot have seen the request. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causeCodeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown; cause?: { code?: unknown } } } | undefined;
  const code = e?.cause?.code ?? e?.code ?? e?.cause?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * How a body is read: at most `limit` bytes; past it, cut (error bodies) or fail with a RangeError (success).
 * Rejects with `aborted`'s reason when the call is aborted meanwhile.
 */
type ReadBody = (
  limit: number,
  overflow: 'truncate' | 'fail',
  aborted: Promise<never>,
) => Promise<{ bytes: Buffer; truncated: boolean }>;

/** The status line and headers of an answer; the body is read (bounded) afterwards. */
interface TransportAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  read: ReadBody;
}

interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
}

/** Sends one request; rejects (with the socket error and its code) when no answer arrives. */
type Transport = (url: string, req: TransportRequest) => Promise<TransportAnswer>;

/** Reads a body stream up to `limit` bytes; `overflow` says whether to cut (error bodies) or fail (success). */
async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  overflow: 'truncate' | 'fail',
  aborted: Promise<never>,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (!body) return { bytes: Buffer.alloc(0), truncated: false };
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) return { bytes: Buffer.concat(chunks), truncated: false };
      if (size + value.byteLength > limit) {
        if (overflow === 'fail') throw new RangeError('body too large');
        chunks.push(Buffer.from(value.subarray(0, limit - size)));
        return { bytes: Buffer.concat(chunks), truncated: true };
      }
      chunks.push(Buffer.from(value));
      size += value.byteLength;
    }
  } finally {
    // Release the connection; an unread rest of the body is discarded.
    reader.cancel().catch(() => undefined);
  }
}

/** A transport over a WHATWG fetch (an injected one). */
function fetchTransport(fetchImpl: FetchLike): Transport {
  return async (url, req) => {
    const res = await fetchImpl(url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      redirect: 'manual',
    });
    return {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      read: (limit, overflow, aborted) => readBounded(res.body, limit, overflow, aborted),
    };
  };
}

/** Free keep-alive connections are closed after this long idle (less when the server announces a shorter time). */
const IDLE_CONNECTION_MS = 4000;

/**
 * The default transport: node's http client with one keep-alive agent per scheme and one TLS context (trust store:
 * the system roots plus NODE_EXTRA_CA_CERTS) for every connection, and TLS session resumption. Redirects are never
 * followed. Answers are not decompressed: no Accept-Encoding is sent.
 */
function nodeTransport(): Transport {
  const agents: Record<string, http.Agent> = {
    'https:': new https.Agent({
      keepAlive: true,
      scheduling: 'lifo',
      timeout: IDLE_CONNECTION_MS,
      secureContext: tls.createSecureContext(),
    }),
    'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_CONNECTION_MS }),
  };
  return (url, req) =>
    new Promise<TransportAnswer>((resolve, reject) => {
      const target = new URL(url);
      const agent = agents[target.protocol];
      if (!agent) return reject(new TypeError(`unsupported protocol ${target.protocol}`));
      const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
      const headers: Record<string, string> = { ...req.headers };
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'accept')) headers.accept = '*/*';
      if (body) headers['content-length'] = String(body.byteLength);
      let outgoing: http.ClientRequest;
      try {
        outgoing = (target.protocol === 'https:' ? https : http).request(target, {
          method: req.method,
          headers,
          agent,
          signal: req.signal,
        });
      } catch (err) {
        return reject(err as Error);
      }
      outgoing.once('error', reject);
      outgoing.once('response', (res) => {
        // Kept from here on so a failure while nobody reads yet is neither lost nor an uncaught 'error' event.
        let failure: Error | undefined;
        res.on('error', (err) => (failure ??= err));
        const answerHeaders = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          answerHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        }
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: answerHeaders,
          // The caller's abort destroys the request (its signal), which ends this read with an error.
          read: (limit, overflow) =>
            new Promise((done, fail) => {
              const chunks: Buffer[] = [];
              let size = 0;
              let settled = false;
              const finish = (settle: () => void) => {
                if (settled) return;
                settled = true;
                res.off('data', onData);
                settle();
              };
              const onData = (chunk: Buffer) => {
                if (size + chunk.length <= limit) {
                  chunks.push(chunk);
                  size += chunk.length;
                  return;
                }
                if (overflow === 'fail') finish(() => fail(new RangeError('body too large')));
                else {
                  chunks.push(chunk.subarray(0, limit - size));
                  finish(() => done({ bytes: Buffer.concat(chunks), truncated: true }));
                }
                // The rest is not read: the connection cannot be reused.
                res.destroy();
              };
              if (failure) return fail(failure);
              res.on('data', onData);
              res.once('end', () => finish(() => done({ bytes: Buffer.concat(chunks), truncated: false })));
              res.once('error', (err) => finish(() => fail(err)));
              res.once('close', () => {
                if (!res.complete)
                  finish(() =>
                    fail(Object.assign(new Error('the connection closed mid-answer'), { code: 'ECONNRESET' })),
                  );
              });
            }),
        });
      });
      outgoing.end(body);
    });
}

/** Creates the product's HTTP layer (see the module comment). */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const transport = options.fetchImpl ? fetchTransport(options.fetchImpl) : nodeTransport();
  const clock = options.clock ?? systemClock;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log;

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const started = clock.now();
    const startedHr = process.hrtime.bigint();
    const elapsed = () => Math.round((Number(process.hrtime.bigint() - startedHr) / 1e6) * 10) / 10;
    const method = req.method.toUpperCase();
    const clientRequestId = randomUUID();
    const where = redactUrlForLog(req.url);
    const logFields = { operation: req.operation, method, host: where.host, path: where.path, clientRequestId };

    const fail = (reason: TransportFailure, message: string, code?: string): never => {
      const ms = elapsed();
      log.warn({ ...logFields, error: reason, errorCode: code, ms }, 'http call failed');
      throw new HttpTransportError(reason, message, req.operation, ms, code);
    };

    const timeoutMs = req.timeoutMs ?? options.defaultTimeoutMs;
    // A call without its own deadline runs under the deadline of the work that made it (an invoke's budget).
    const deadline = req.deadline ?? ambientDeadline();
    const remaining = deadline === undefined ? Infinity : deadline - started;
    if (remaining <= 0) return fail('deadline', `${req.operation}: the deadline had passed before the call`);
    if (req.signal?.aborted) return fail('aborted', `${req.operation}: aborted by the caller`);
    // setTimeout fires at once for delays beyond 2^31-1 ms, so clamp.
    const budget = Math.min(timeoutMs, remaining, 2_147_483_647);
    // Which limit will fire decides how the failure is reported (a timeout may be retried, a deadline not).
    const limitReason: TransportFailure = timeoutMs <= remaining ? 'timeout' : 'deadline';

    const controller = new AbortController();
    let abortReason: TransportFailure | undefined;
    let rejectAborted: (err: Error) => void = () => undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      rejectAborted = reject;
    });
    aborted.catch(() => undefined);
    const abort = (reason: TransportFailure) => {
      if (abortReason) return;
      abortReason = reason;
      controller.abort();
      rejectAborted(new Error(reason));
    };
    const timer = setTimeout(() => abort(limitReason), budget);
    const onCallerAbort = () => abort('aborted');
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) {
      const lower = k.toLowerCase();
      if (lower === 'user-agent' || lower === 'client-request-id') continue;
      headers[k] = v;
    }
    headers['User-Agent'] = options.userAgent;
    headers['client-request-id'] = clientRequestId;

    try {
      let res: TransportAnswer;
      try {
        res = await Promise.race([
          transport(req.url, { method, headers, body: req.body, signal: controller.signal }),
          aborted,
        ]);
      } catch (err) {
        if (abortReason) return fail(abortReason, describe(abortReason, req.operation, budget));
        const code = causeCodeOf(err);
        if (code && NOT_CONNECTED_CODES.has(code))
          return fail('connect', `${req.operation}: could not connect (${code})`, code);
        return fail('network', `${req.operation}: the connection failed (${code ?? (err as Error).message})`, code);
      }

      const isError = res.status >= 400;
      let read: { bytes: Buffer; truncated: boolean };
      try {
        read = await Promise.race([
          res.read(isError ? ERROR_BODY_LIMIT_BYTES : maxBodyBytes, isError ? 'truncate' : 'fail', aborted),
          aborted,
        ]);
      } catch (err) {
        if (abortReason) return fail(abortReason, describe(abortReason, req.operation, budget));
        if (err instanceof RangeError)
          return fail('tooLarge', `${req.operation}: the response is larger than ${maxBodyBytes} bytes`);
        const code = causeCodeOf(err);
        return fail(
          'network',
          `${req.operation}: the connection dropped while reading the answer (${code ?? (err as Error).message})`,
          code,
        );
      }

      const requestId = res.headers.get('request-id') ?? res.headers.get('x-ms-request-id') ?? undefined;
      const ms = elapsed();
      log.info({ ...logFields, status: res.status, ms, requestId }, 'http call');
      const bytes = read.bytes;
      return {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
        body: bytes,
        truncated: read.truncated,
        clientRequestId,
        requestId,
        elapsedMs: ms,
        text: () => bytes.toString('utf8'),
        json: <T>() => JSON.parse(bytes.toString('utf8')) as T,
      };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return { request, userAgent: options.userAgent, clock };
}

function describe(reason: TransportFailure, operation: string, budgetMs: number): string {
  if (reason === 'timeout') return `${operation}: no answer within ${Math.round(budgetMs)} ms`;
  if (reason === 'deadline') return `${operation}: no answer before the deadline (${Math.round(budgetMs)} ms left)`;
  return `${operation}: aborted by the caller`;
}
