import { ShareError } from '../domain/errors';
import { mapGraphError, retryAfterSeconds } from '../domain/graphErrors';
import type { HttpTransportError } from '../http/httpClient';

/** Graph error responses and transport failures → the app's closed ShareError taxonomy (src/domain/graphErrors.ts). */

export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

export interface GraphErrorResponse {
  status: number;
  /** The raw body (possibly truncated) or an already parsed JSON value. */
  body: unknown;
  headers: HeadersLike;
}

function headerRecord(headers: HeadersLike): Record<string, string | string[] | undefined> {
  return headers instanceof Headers ? Object.fromEntries(headers.entries()) : headers;
}

/** Retry-After as whole seconds from `now`: a number of seconds, or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfterSeconds(value: string | null | undefined, now: number): number | undefined {
  return retryAfterSeconds(value, now);
}

/** Maps one non-2xx Graph response into the closed taxonomy (the mapping itself is the domain's). */
export function toShareError(response: GraphErrorResponse, now: number): ShareError {
  const body = Buffer.isBuffer(response.body) ? response.body.toString('utf8') : response.body;
  return mapGraphError({ status: response.status, body, headers: headerRecord(response.headers) }, now);
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
