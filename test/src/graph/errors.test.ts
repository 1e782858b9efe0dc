import { strict as assert } from 'node:assert';
import { parseRetryAfterSeconds, toShareError, transportToShareError } from '../../../src/graph/errors';
import { HttpTransportError } from '../../../src/http/httpClient';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const body = (code: string, message = 'm', inner: Record<string, unknown> = { 'request-id': 'rid-1' }) =>
  JSON.stringify({ error: { code, message, innerError: inner } });

describe('graph error mapping', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfterSeconds('7', NOW), 7);
    assert.equal(parseRetryAfterSeconds('1.2', NOW), 2);
    assert.equal(parseRetryAfterSeconds(new Date(NOW + 90_000).toUTCString(), NOW), 90);
    assert.equal(parseRetryAfterSeconds(new Date(NOW - 5_000).toUTCString(), NOW), 0);
    assert.equal(parseRetryAfterSeconds('soon', NOW), undefined);
    assert.equal(parseRetryAfterSeconds(undefined, NOW), undefined);
  });

  it('carries code, request id, status and retry-after into the details', () => {
    const err = toShareError(
      { status: 429, body: body('activityLimitReached'), headers: { 'Retry-After': '12' } },
      NOW,
    );
    assert.equal(err.kind, 'throttled');
    assert.deepEqual(err.details, {
      code: 'activityLimitReached',
      requestId: 'rid-1',
      status: 429,
      retryAfterSeconds: 12,
    });
    assert.match(err.message, /12 seconds/);
  });

  it('falls back to the request-id header and copes with truncated or non-JSON bodies', () => {
    const headers = new Headers({ 'request-id': 'hdr-1' });
    const truncated = toShareError({ status: 403, body: body('accessDenied').slice(0, 20), headers }, NOW);
    assert.equal(truncated.kind, 'accessDenied');
    assert.equal(truncated.details.requestId, 'hdr-1');
    assert.equal(truncated.details.code, undefined);
    assert.equal(toShareError({ status: 502, body: '<html>bad gateway</html>', headers }, NOW).kind, 'transient');
    assert.equal(
      toShareError({ status: 404, body: { error: { code: 'itemNotFound' } }, headers }, NOW).kind,
      'notFound',
    );
  });

  it('maps each status and code to one kind of the closed taxonomy', () => {
    const kind = (status: number, code: string, message = 'm', headers: Record<string, string> = {}) =>
      toShareError({ status, body: body(code, message), headers }, NOW).kind;
    assert.equal(kind(400, 'invalidRequest'), 'invalidRequest');
    assert.equal(kind(400, 'invalidRequest', "Link type must be either 'edit' or 'view'"), 'unsupported');
    assert.equal(kind(401, 'InvalidAuthenticationToken'), 'signInRequired');
    assert.equal(kind(403, 'accessDenied'), 'accessDenied');
    assert.equal(kind(403, 'accessDenied', 'Sharing by link is not enabled'), 'policyBlocked');
    assert.equal(
      kind(403, 'accessDenied', 'x', { 'SharePoint-CreateSharingLink-Error': 'Sharing by link is not enabled' }),
      'policyBlocked',
    );
    assert.equal(kind(403, 'notAllowed'), 'policyBlocked');
    assert.equal(
      kind(403, 'notSupported', 'The operation failed because the object does not support sharing'),
      'unsupported',
    );
    assert.equal(kind(404, 'itemNotFound'), 'notFound');
    assert.equal(kind(409, 'conflict'), 'transient');
    assert.equal(kind(429, 'tooManyRequests'), 'throttled');
    assert.equal(kind(501, 'notSupported'), 'unsupported');
    assert.equal(kind(503, 'serviceNotAvailable'), 'transient');
    assert.equal(kind(503, 'serviceNotAvailable', 'm', { 'retry-after': '5' }), 'throttled');
    assert.equal(kind(504, 'gatewayTimeout'), 'transient');
  });

  it('reads nested inner error codes', () => {
    const nested = JSON.stringify({
      error: {
        code: 'accessDenied',
        message: 'x',
        innerError: { code: 'sharingDisabled', innerError: { 'request-id': 'deep' } },
      },
    });
    const err = toShareError({ status: 403, body: nested, headers: {} }, NOW);
    assert.equal(err.kind, 'policyBlocked');
    assert.equal(err.details.requestId, 'deep');
  });

  it('turns transport failures into transient, warning when side effects are unknown', () => {
    const t = (reason: 'timeout' | 'connect' | 'network') => new HttpTransportError(reason, 'x', 'op', 10);
    assert.equal(transportToShareError(t('timeout'), false).kind, 'transient');
    assert.match(transportToShareError(t('timeout'), true).message, /may have been created/);
    assert.doesNotMatch(transportToShareError(t('connect'), true).message, /may have been created/);
    assert.equal(transportToShareError(t('network'), false).details.code, 'transport.network');
  });
});
