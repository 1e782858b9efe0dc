import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { profileLatency, type LatencyProfile, type RouteKind } from './state';

/**
 * A fault to inject. A request matches when every given condition holds; the first matching rule applies.
 * `times` limits how many requests the rule affects; after that it expires.
 */
export interface FaultRule {
  /** HTTP method, case-insensitive; any when omitted. */
  method?: string;
  /** Regular expression tested against the request's path and query (e.g. "/createLink$"). */
  path?: string | RegExp;
  /** Route kind, or a prefix of kinds (e.g. "graph.", "entra.token.obo"). */
  kind?: string;
  /** Delay before the request is served (or failed, or dropped). */
  latencyMs?: number;
  /** Answer with this status instead of serving the request. */
  /** 401 stands for a Graph token that was revoked or expired early (Graph answers InvalidAuthenticationToken). */
  status?: 401 | 429 | 503 | 504;
  /** Retry-After to send with the status: seconds (number) or an HTTP date (string). */
  retryAfter?: number | string;
  /** Destroy the connection without answering (the client sees a reset socket). */
  drop?: boolean;
  /**
   * Serve the request (its effects happen, e.g. the link is created) but spoil the answer: `truncated` sends the
   * headers and half the body, then drops the connection; `html` answers 200 with an HTML page instead of JSON
   * (what a gateway or proxy in the path can send).
   */
  answer?: 'truncated' | 'html';
  /** Number of matching requests the rule affects; unlimited when omitted. */
  times?: number;
}

/** A rule as listed by the controller, with what is left of its budget. */
export interface ActiveFaultRule extends Omit<FaultRule, 'path'> {
  id: number;
  path?: string;
  remaining?: number;
  matched: number;
}

interface StoredRule {
  id: number;
  rule: FaultRule;
  path?: RegExp;
  remaining?: number;
  matched: number;
}

/** Thrown for a rule that cannot work (bad regex, unsupported status, nothing to do). */
export class FaultRuleError extends Error {}

const ALLOWED_STATUSES = new Set([401, 429, 503, 504]);

/** Checks a rule coming from a test or over HTTP and compiles its path pattern. */
function compile(rule: FaultRule, id: number): StoredRule {
  if (rule === null || typeof rule !== 'object') throw new FaultRuleError('A fault rule must be a JSON object.');
  if (rule.status !== undefined && !ALLOWED_STATUSES.has(rule.status)) {
    throw new FaultRuleError(`status must be 401, 429, 503 or 504 (got ${String(rule.status)}).`);
  }
  if (
    rule.latencyMs !== undefined &&
    !(typeof rule.latencyMs === 'number' && rule.latencyMs >= 0 && rule.latencyMs <= 600_000)
  ) {
    throw new FaultRuleError('latencyMs must be a number of milliseconds between 0 and 600000.');
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
    throw new FaultRuleError('times must be a positive integer.');
  }
  if (rule.retryAfter !== undefined) {
    const ok =
      (typeof rule.retryAfter === 'number' && rule.retryAfter >= 0) ||
      (typeof rule.retryAfter === 'string' && !Number.isNaN(Date.parse(rule.retryAfter)));
    if (!ok) throw new FaultRuleError('retryAfter must be a number of seconds or an HTTP date.');
    if (rule.status === undefined) throw new FaultRuleError('retryAfter needs a status.');
  }
  if (rule.answer !== undefined && rule.answer !== 'truncated' && rule.answer !== 'html') {
    throw new FaultRuleError('answer must be "truncated" or "html".');
  }
  if (!rule.latencyMs && !rule.status && !rule.drop && !rule.answer) {
    throw new FaultRuleError('A fault rule needs at least one of latencyMs, status, drop or answer.');
  }
  let path: RegExp | undefined;
  try {
    path = rule.path === undefined ? undefined : rule.path instanceof RegExp ? rule.path : new RegExp(rule.path);
  } catch (err) {
    throw new FaultRuleError(`path is not a valid regular expression: ${(err as Error).message}`);
  }
  return { id, rule, path, remaining: rule.times, matched: 0 };
}

/** The set of active fault rules plus the latency profile; consulted before every request. */
export class FaultController {
  private rules: StoredRule[] = [];
  private nextId = 1;

  constructor(public latencyProfile: LatencyProfile = {}) {}

  /** Adds rules after the existing ones; returns their ids. */
  add(...rules: FaultRule[]): number[] {
    const compiled = rules.map((r) => compile(r, this.nextId++));
    this.rules.push(...compiled);
    return compiled.map((r) => r.id);
  }

  /** Replaces every rule. */
  set(rules: FaultRule[]): number[] {
    const compiled = rules.map((r) => compile(r, this.nextId++));
    this.rules = compiled;
    return compiled.map((r) => r.id);
  }

  /** Removes one rule by id, or all rules. */
  clear(id?: number): void {
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id);
  }

  list(): ActiveFaultRule[] {
    return this.rules.map((s) => ({
      ...s.rule,
      id: s.id,
      path: s.path?.source,
      remaining: s.remaining,
      matched: s.matched,
    }));
  }

  /** Finds the rule for a request and uses up one of its times. */
  take(method: string, pathAndQuery: string, kind: RouteKind): FaultRule | undefined {
    const hit = this.rules.find(
      (s) =>
        (!s.rule.method || s.rule.method.toUpperCase() === method.toUpperCase()) &&
        (!s.path || s.path.test(pathAndQuery)) &&
        (!s.rule.kind || kind === s.rule.kind || kind.startsWith(s.rule.kind)),
    );
    if (!hit) return undefined;
    hit.matched += 1;
    if (hit.remaining !== undefined) {
      hit.remaining -= 1;
      if (hit.remaining <= 0) this.rules = this.rules.filter((r) => r !== hit);
    }
    return hit.rule;
  }
}

/** Waits at least ms: timers may fire up to a millisecond early against the monotonic clock stats use. */
async function sleep(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    await new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(until - performance.now()))));
  }
}

/** Ids of a Graph answer: a fresh `request-id`, and the caller's `client-request-id` echoed (or a fresh one). */
export interface FaultIds {
  requestId: string;
  clientRequestId: string;
}

/**
 * Graph's error body for an injected fault, as real answers carry it (sandbox/FIDELITY.md):
 * - createLink throttled by SharePoint: `{code: "accessDenied", message: "Too Many Requests", innerError: {code:
 *   "throttledRequest", date, request-id, client-request-id}}` (Microsoft Q&A 1328107, a real createLink 429);
 * - other Graph 429s: `TooManyRequests` (Q&A 1138873: headers request-id, client-request-id, Retry-After);
 * - 503 `serviceNotAvailable`, 504 `gatewayTimeout`, 401 `InvalidAuthenticationToken` (Graph error codes page).
 * Dates are Graph's `innerError.date` form, without fraction or zone ("2023-07-11T05:05:13").
 */
export function graphFaultBody(kind: RouteKind, status: number, ids: FaultIds, now = new Date()): unknown {
  const date = now.toISOString().replace(/\.\d{3}Z$/, '');
  const inner = { date, 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
  if (status === 401) {
    return {
      error: {
        code: 'InvalidAuthenticationToken',
        message: 'Access token has expired or is not yet valid.',
        innerError: inner,
      },
    };
  }
  if (status === 429 && kind === 'graph.createLink') {
    return {
      error: { code: 'accessDenied', message: 'Too Many Requests', innerError: { code: 'throttledRequest', ...inner } },
    };
  }
  const [code, message] =
    status === 429
      ? ['TooManyRequests', 'Please retry again later.']
      : status === 503
        ? ['serviceNotAvailable', 'The service is temporarily unavailable. Try again after a delay.']
        : ['gatewayTimeout', 'The gateway did not receive a timely response from the service.'];
  return { error: { code, message, innerError: inner } };
}

/** The error body each service family sends with 401/429/503/504, so clients parse it as they would the real one. */
function faultBody(kind: RouteKind, status: number): unknown {
  const requestId = randomUUID();
  const date = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (kind.startsWith('entra.')) {
    const [code, text] =
      status === 429
        ? [90055, 'AADSTS90055: There are too many incoming requests. Please retry later.']
        : [90033, 'AADSTS90033: A transient error has occurred. Please try again.'];
    return {
      error: 'temporarily_unavailable',
      error_description: `${text}\r\nTrace ID: ${requestId}\r\nCorrelation ID: ${requestId}\r\nTimestamp: ${date}`,
      error_codes: [code],
      timestamp: date.replace('T', ' ').replace('Z', 'Z'),
      trace_id: requestId,
      correlation_id: requestId,
    };
  }
  return {
    error: { code: status === 429 ? 'TooManyRequests' : 'ServiceError', message: `The service answered ${status}.` },
  };
}

/**
 * Express middleware that applies the latency profile and the fault rules before any route runs. It records the
 * injected delay in res.locals.injectedMs (read by the stats recorder).
 */
export function faultMiddleware(controller: FaultController) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const kind = res.locals.routeKind as RouteKind;
    if (kind === 'admin') return next();
    const rule = controller.take(req.method, req.originalUrl, kind);
    const delay = profileLatency(controller.latencyProfile, kind) + (rule?.latencyMs ?? 0);
    if (delay > 0) {
      res.locals.injectedMs = delay;
      await sleep(delay);
    }
    if (rule?.drop) {
      res.locals.dropped = true;
      req.socket.destroy();
      return;
    }
    if (rule?.status) {
      if (rule.retryAfter !== undefined) res.setHeader('Retry-After', String(rule.retryAfter));
      if (kind.startsWith('graph.')) {
        // Every Graph answer carries request-id and echoes client-request-id, faults included.
        const ids: FaultIds = {
          requestId: randomUUID(),
          clientRequestId: String(req.headers['client-request-id'] ?? '') || randomUUID(),
        };
        res.setHeader('request-id', ids.requestId);
        res.setHeader('client-request-id', ids.clientRequestId);
        if (rule.status === 401)
          res.setHeader(
            'WWW-Authenticate',
            'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
          );
        res.status(rule.status).json(graphFaultBody(kind, rule.status, ids));
        return;
      }
      res.status(rule.status).json(faultBody(kind, rule.status));
      return;
    }
    if (rule?.answer) spoilAnswer(req, res, rule.answer);
    next();
  };
}

const GATEWAY_PAGE =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1>' +
  '<p>The service is temporarily unavailable. Please try again later.</p></body></html>';

/** Lets the route run, then replaces what it answers (see FaultRule.answer). */
function spoilAnswer(req: Request, res: Response, how: 'truncated' | 'html'): void {
  const end = res.end.bind(res) as (chunk?: unknown) => Response;
  res.end = ((chunk?: unknown) => {
    if (how === 'html') {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(GATEWAY_PAGE));
      return end(GATEWAY_PAGE);
    }
    const body = Buffer.isBuffer(chunk) ? chunk : Buffer.from(typeof chunk === 'string' ? chunk : '');
    res.setHeader('Content-Length', body.length);
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
    res.locals.dropped = true;
    return res;
  }) as Response['end'];
}
