import { ShareError } from '../domain/errors';
import type { HttpTransportError } from '../http/httpClient';

/**
 * Graph error responses → the app's closed ShareError taxonomy. Graph's `error.code`, the request id and the
 * HTTP status travel along in the details (for support), the message is written for the person.
 * (The lead reconciles this with src/domain/graphErrors.ts; keep the mapping in `toShareError`.)
 */

export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

export interface GraphErrorResponse {
  status: number;
  /** The raw body (possibly truncated) or an already parsed JSON value. */
  body: unknown;
  headers: HeadersLike;
}

function header(headers: HeadersLike, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as whole seconds from `now`: a number of seconds, or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfterSeconds(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Retry-After of a response, in seconds from `now`. */
export function retryAfterSecondsOf(headers: HeadersLike, now: number): number | undefined {
  return parseRetryAfterSeconds(header(headers, 'retry-after'), now);
}

interface GraphErrorBody {
  code?: string;
  message?: string;
  innerCodes: string[];
  requestId?: string;
}

/** Reads Graph's `{error: {code, message, innerError: {code, request-id, innerError…}}}`, tolerating truncation. */
function readErrorBody(body: unknown): GraphErrorBody {
  let parsed: unknown = body;
  if (Buffer.isBuffer(body)) parsed = body.toString('utf8');
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return { innerCodes: [] };
    }
  }
  const error = (parsed as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error !== 'object') return { innerCodes: [] };
  const innerCodes: string[] = [];
  let requestId: string | undefined;
  let inner = (error.innerError ?? error.innererror) as Record<string, unknown> | undefined;
  for (let depth = 0; inner && typeof inner === 'object' && depth < 5; depth++) {
    if (typeof inner.code === 'string') innerCodes.push(inner.code);
    if (!requestId && typeof inner['request-id'] === 'string') requestId = inner['request-id'] as string;
    inner = (inner.innerError ?? inner.innererror) as Record<string, unknown> | undefined;
  }
  return {
    code: typeof error.code === 'string' ? error.code : undefined,
    message: typeof error.message === 'string' ? error.message : undefined,
    innerCodes,
    requestId,
  };
}

const SHARING_DISABLED =
  /sharing (by link )?is not enabled|sharing(\s+\w+)? (is )?disabled|anonymous (links?|sharing)[^.]*(disabled|not allowed|not enabled)|not allowed by (the )?(tenant|organization|admin)/i;
const NOT_SUPPORTED = /not supported|does not support|must be either/i;

/**
 * Maps one non-2xx Graph response into the closed taxonomy. `now` (clock ms) resolves a Retry-After date.
 */
export function toShareError(response: GraphErrorResponse, now: number): ShareError {
  const { status, headers } = response;
  const err = readErrorBody(response.body);
  const codes = [err.code, ...err.innerCodes].filter((c): c is string => !!c);
  const has = (...names: string[]) => codes.some((c) => names.some((n) => c.toLowerCase() === n.toLowerCase()));
  const details = {
    code: err.code,
    requestId: err.requestId ?? header(headers, 'request-id'),
    status,
    retryAfterSeconds: retryAfterSecondsOf(headers, now),
  };
  const sharingHeader = header(headers, 'sharepoint-createsharinglink-error');
  const text = `${err.message ?? ''} ${sharingHeader ?? ''}`;

  if (status === 429 || has('activityLimitReached', 'tooManyRequests')) {
    return new ShareError('throttled', throttledMessage(details.retryAfterSeconds), details);
  }
  if (status === 503 && details.retryAfterSeconds !== undefined) {
    // SharePoint answers 503 + Retry-After when it throttles.
    return new ShareError('throttled', throttledMessage(details.retryAfterSeconds), details);
  }
  if (status === 401) {
    return new ShareError('signInRequired', 'Your sign-in has expired. Sign in again to share files.', details);
  }
  if (status === 403) {
    if (sharingHeader || SHARING_DISABLED.test(text) || has('sharingDisabled', 'notAllowed', 'policyViolation')) {
      return new ShareError(
        'policyBlocked',
        'Your organization does not allow this kind of sharing link for this file. Choose another link type or audience.',
        details,
      );
    }
    if (has('notSupported')) {
      return new ShareError('unsupported', 'This file or drive does not support sharing this way.', details);
    }
    return new ShareError('accessDenied', "You don't have permission to share this file.", details);
  }
  if (status === 404 || has('itemNotFound')) {
    return new ShareError(
      'notFound',
      "The file can't be found. It may have been moved, deleted, or you may not have access to it.",
      details,
    );
  }
  if (status === 501 || has('notSupported')) {
    return new ShareError('unsupported', 'This file or drive does not support this option.', details);
  }
  if (status >= 400 && status < 500) {
    if (status === 400 && NOT_SUPPORTED.test(text)) {
      return new ShareError(
        'unsupported',
        'This file or drive does not support one of the chosen link options.',
        details,
      );
    }
    return new ShareError(
      'invalidRequest',
      'Microsoft 365 could not accept these link options. Check them and try again.',
      details,
    );
  }
  return new ShareError('transient', 'Microsoft 365 had a temporary problem. Try again in a moment.', details);
}

function throttledMessage(seconds: number | undefined): string {
  return seconds === undefined
    ? 'Microsoft 365 is busy right now. Try again in a little while.'
    : `Microsoft 365 is busy right now. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}

/**
 * A call that got no answer → transient. When the request may have had effects that must not be repeated
 * (`sideEffectsUnknown`), the message says so, so the person checks before trying again.
 */
export function transportToShareError(err: HttpTransportError, sideEffectsUnknown: boolean): ShareError {
  const cause =
    err.reason === 'timeout' || err.reason === 'deadline'
      ? 'Microsoft 365 did not answer in time.'
      : err.reason === 'tooLarge'
        ? 'Microsoft 365 sent an answer that was too large.'
        : 'The connection to Microsoft 365 failed.';
  const unknown =
    sideEffectsUnknown && err.reason !== 'connect'
      ? ' The link may have been created and people may have been notified; check before trying again.'
      : ' Try again in a moment.';
  return new ShareError('transient', cause + unknown, { code: `transport.${err.reason}` });
}
