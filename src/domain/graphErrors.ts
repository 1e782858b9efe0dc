/**
 * One mapping from what Microsoft Graph answers on failure to the app's closed error taxonomy, with messages that
 * tell the person what happened and what they can do (Entra failures: src/auth/oboProvider.ts). Pure: the caller
 * passes status, body, headers.
 */
import { ShareError, type ShareErrorDetails } from './errors';

/** A Graph error answer as the client layer received it. */
export interface GraphErrorResponse {
  status: number;
  /** Parsed JSON body (`{ error: { code, message, innerError } }`), raw text, or nothing. */
  body?: unknown;
  /** Response headers; names are matched case-insensitively. */
  headers?: Record<string, string | string[] | undefined>;
}

/** The fields of Graph's error body the mapping reads. */
export interface GraphErrorFields {
  code?: string;
  message?: string;
  /** Most specific innerError code, when Graph nests them. */
  innerCode?: string;
  requestId?: string;
  date?: string;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Reads `error.code`, `error.message`, the innermost innerError code, request-id and date from a Graph error body. */
export function parseGraphErrorBody(body: unknown): GraphErrorFields {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return {};
    }
  }
  const error = asRecord(asRecord(parsed)?.error);
  if (!error) return {};
  const out: GraphErrorFields = {};
  const code = str(error.code);
  const message = str(error.message);
  if (code) out.code = code;
  if (message) out.message = message;
  // The request id and date usually sit on the first innerError, but some services nest them deeper.
  let inner = asRecord(error.innerError ?? error.innererror);
  for (let depth = 0; inner && depth < 8; depth++) {
    const c = str(inner.code);
    if (c) out.innerCode = c;
    const requestId = str(inner['request-id']) ?? str(inner.requestId) ?? str(inner['client-request-id']);
    const date = str(inner.date);
    if (requestId && !out.requestId) out.requestId = requestId;
    if (date && !out.date) out.date = date;
    inner = asRecord(inner.innerError ?? inner.innererror);
  }
  return out;
}

/** A header value by case-insensitive name (first value of a list). */
export function headerValue(headers: GraphErrorResponse['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== want || v === undefined) continue;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** Seconds to wait from a Retry-After value (delta-seconds or HTTP-date, relative to now); undefined if unreadable. */
export function retryAfterSeconds(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value.trim();
  // delta-seconds is an integer; a decimal (seen from proxies) is rounded up rather than ignored.
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v));
  if (v === '' || /^[-+]?\d/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** "12 seconds", "about 5 minutes", "about 1 hour": a wait in words. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  if (seconds < 3600) {
    const m = Math.round(seconds / 60);
    return m === 1 ? 'about 1 minute' : `about ${m} minutes`;
  }
  const h = Math.round(seconds / 3600);
  return h === 1 ? 'about 1 hour' : `about ${h} hours`;
}

const SHARING_DISABLED =
  /sharing (by link )?is (not enabled|disabled|not allowed)|(anonymous|anyone|guest|external) (sharing|links?) (is |are )?(not enabled|disabled|not allowed|blocked)|sharing.*(turned off|not permitted)|policy/i;
const UNSUPPORTED_400 = /password|link type must|not supported|isn't supported|unsupported|only (available|supported)/i;

/** Graph's own words, trimmed to one short line, for cases where they are the only precise clue. */
function quoted(message: string | undefined): string {
  if (!message) return '';
  const m = message.replace(/\s+/g, ' ').trim().slice(0, 200);
  return ` Microsoft said: "${m}"`;
}

/** A Graph failure (status, body, headers) as a ShareError of the closed taxonomy, with a message a person understands. */
export function mapGraphError(res: GraphErrorResponse, now: number): ShareError {
  const f = parseGraphErrorBody(res.body);
  const status = res.status;
  const code = f.code ?? '';
  const codes = `${code} ${f.innerCode ?? ''}`.toLowerCase();
  const details: ShareErrorDetails = { status };
  if (f.code) details.code = f.code;
  const requestId = f.requestId ?? headerValue(res.headers, 'request-id');
  if (requestId) details.requestId = requestId;
  const retry = retryAfterSeconds(headerValue(res.headers, 'retry-after'), now);
  const sharingHeader = headerValue(res.headers, 'SharePoint-CreateSharingLink-Error');

  if (status === 401) {
    return new ShareError(
      'signInRequired',
      'Your sign-in has expired or was not accepted. Sign in again and retry.',
      details,
    );
  }
  // SharePoint also throttles with 503 + Retry-After: the same answer for the person as a 429.
  if (
    status === 429 ||
    (status === 503 && retry !== undefined) ||
    codes.includes('activitylimitreached') ||
    codes.includes('toomanyrequests')
  ) {
    if (retry !== undefined) details.retryAfterSeconds = retry;
    const when = retry !== undefined ? `in ${describeWait(retry)}` : 'in a little while';
    return new ShareError(
      'throttled',
      `Microsoft is limiting how many links can be made right now. Try again ${when}.`,
      details,
    );
  }
  const policyCode = /sharingdisabled|notallowed|policyviolation/.test(codes);
  if (sharingHeader || (status === 403 && (policyCode || SHARING_DISABLED.test(`${f.message ?? ''}`)))) {
    const why = sharingHeader ? ` (${sharingHeader.slice(0, 200)})` : '';
    return new ShareError(
      'policyBlocked',
      `Your organization does not allow this kind of sharing link${why}. Choose another audience, such as people in your organization, or ask your administrator.`,
      details,
    );
  }
  if (status === 403 && codes.includes('notsupported')) {
    return new ShareError(
      'unsupported',
      `This item cannot be shared with this kind of link.${quoted(f.message)}`,
      details,
    );
  }
  if (status === 403) {
    return new ShareError(
      'accessDenied',
      "You don't have permission to share this item. Ask its owner to share it, or to give you edit access.",
      details,
    );
  }
  if (status === 404 || codes.includes('itemnotfound')) {
    return new ShareError(
      'notFound',
      'The file could not be found. It may have been moved, deleted, or you may no longer have access.',
      details,
    );
  }
  if (codes.includes('notsupported') || status === 501) {
    return new ShareError(
      'unsupported',
      `This item cannot be shared with this kind of link.${quoted(f.message)}`,
      details,
    );
  }
  if (status === 400) {
    if (UNSUPPORTED_400.test(f.message ?? '') || codes.includes('notallowed')) {
      return new ShareError(
        'unsupported',
        `This link option is not supported for this item or drive.${quoted(f.message)}`,
        details,
      );
    }
    return new ShareError(
      'invalidRequest',
      `Microsoft Graph did not accept the link request.${quoted(f.message)}`,
      details,
    );
  }
  if (status === 409 || status === 412 || status === 423) {
    return new ShareError(
      'transient',
      'The item is being changed or is locked right now. Try again in a moment.',
      details,
    );
  }
  if (status >= 500 || status === 408 || status === 0) {
    if (retry !== undefined) details.retryAfterSeconds = retry;
    const when = retry !== undefined ? `in ${describeWait(retry)}` : 'in a moment';
    return new ShareError(
      'transient',
      `Microsoft's service is having a temporary problem. Try again ${when}.`,
      details,
    );
  }
  return new ShareError(
    'invalidRequest',
    `Microsoft Graph did not accept the link request.${quoted(f.message)}`,
    details,
  );
}
