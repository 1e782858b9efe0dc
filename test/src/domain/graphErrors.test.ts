import assert from 'node:assert/strict';
import {
  describeWait,
  headerValue,
  mapGraphError,
  parseGraphErrorBody,
  retryAfterSeconds,
} from '../../../src/domain/graphErrors';
import { NOW } from './fixtures';

function graphBody(code: string, message: string, requestId = 'req-1') {
  return {
    error: {
      code,
      message,
      innerError: { date: '2026-11-27T10:00:00', 'request-id': requestId, 'client-request-id': 'c-1' },
    },
  };
}

describe('domain/graphErrors', () => {
  describe('retryAfterSeconds', () => {
    const cases: Array<[string | undefined | null, number | undefined]> = [
      ['120', 120],
      [' 3500 ', 3500],
      ['0', 0],
      ['Fri, 27 Nov 2026 10:00:30 GMT', 30],
      ['Fri, 27 Nov 2026 10:00:00 GMT', 0],
      ['Fri, 27 Nov 2026 09:59:00 GMT', 0],
      ['-5', undefined],
      ['1.5', 2],
      ['soon', undefined],
      ['', undefined],
      [undefined, undefined],
      [null, undefined],
    ];
    for (const [value, expected] of cases) {
      it(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(retryAfterSeconds(value, NOW), expected));
    }
  });

  it('parses Graph error bodies, as objects or JSON text, with nested inner codes', () => {
    assert.deepEqual(parseGraphErrorBody(graphBody('accessDenied', 'Nope')), {
      code: 'accessDenied',
      message: 'Nope',
      requestId: 'req-1',
      date: '2026-11-27T10:00:00',
    });
    assert.deepEqual(
      parseGraphErrorBody(
        JSON.stringify({
          error: { code: 'invalidRequest', message: 'm', innererror: { code: 'a', innererror: { code: 'b' } } },
        }),
      ),
      {
        code: 'invalidRequest',
        message: 'm',
        innerCode: 'b',
      },
    );
    assert.deepEqual(parseGraphErrorBody('<html>'), {});
    assert.deepEqual(parseGraphErrorBody(undefined), {});
    assert.equal(headerValue({ 'retry-after': ['5', '6'] }, 'Retry-After'), '5');
  });

  describe('mapGraphError', () => {
    const cases: Array<{
      name: string;
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
      kind: string;
      retry?: number;
      message: RegExp;
    }> = [
      {
        name: '401',
        status: 401,
        body: graphBody('InvalidAuthenticationToken', 'Access token has expired.'),
        kind: 'signInRequired',
        message: /Sign in again/,
      },
      {
        name: '403 accessDenied',
        status: 403,
        body: graphBody('accessDenied', 'Access denied'),
        kind: 'accessDenied',
        message: /permission to share/,
      },
      {
        name: '403 with SharePoint-CreateSharingLink-Error',
        status: 403,
        body: graphBody('accessDenied', 'Access denied'),
        headers: { 'SharePoint-CreateSharingLink-Error': 'Sharing by link is not enabled for this site.' },
        kind: 'policyBlocked',
        message: /does not allow this kind of sharing link \(Sharing by link is not enabled/,
      },
      {
        name: '403 sharing disabled in the message',
        status: 403,
        body: graphBody('accessDenied', 'Anonymous links are disabled for this tenant'),
        kind: 'policyBlocked',
        message: /ask your administrator/,
      },
      {
        name: '404 itemNotFound',
        status: 404,
        body: graphBody('itemNotFound', 'The resource could not be found.'),
        kind: 'notFound',
        message: /could not be found/,
      },
      {
        name: '400 invalidRequest',
        status: 400,
        body: graphBody('invalidRequest', 'Invalid expiration date'),
        kind: 'invalidRequest',
        message: /did not accept.*Invalid expiration date/,
      },
      {
        name: '400 password on business',
        status: 400,
        body: graphBody('invalidRequest', 'Password is not supported for this link'),
        kind: 'unsupported',
        message: /not supported for this item/,
      },
      {
        name: '400 embed on business',
        status: 400,
        body: graphBody('invalidRequest', "Link type must be either 'edit' or 'view'"),
        kind: 'unsupported',
        message: /Link type must be/,
      },
      {
        name: 'notSupported',
        status: 400,
        body: graphBody('notSupported', 'The operation failed because the object does not support sharing'),
        kind: 'unsupported',
        message: /cannot be shared/,
      },
      {
        name: '501',
        status: 501,
        body: graphBody('notImplemented', 'x'),
        kind: 'unsupported',
        message: /cannot be shared/,
      },
      {
        name: '429 seconds',
        status: 429,
        body: graphBody('activityLimitReached', 'Throttled'),
        headers: { 'Retry-After': '3500' },
        kind: 'throttled',
        retry: 3500,
        message: /Try again in about 58 minutes/,
      },
      {
        name: '429 HTTP date',
        status: 429,
        headers: { 'retry-after': 'Fri, 27 Nov 2026 10:00:45 GMT' },
        kind: 'throttled',
        retry: 45,
        message: /in 45 seconds/,
      },
      { name: '429 without Retry-After', status: 429, kind: 'throttled', message: /in a little while/ },
      {
        name: '500',
        status: 500,
        body: graphBody('generalException', 'boom'),
        kind: 'transient',
        message: /temporary problem/,
      },
      { name: '502', status: 502, kind: 'transient', message: /temporary problem/ },
      {
        name: '503 with Retry-After (SharePoint throttling)',
        status: 503,
        body: graphBody('serviceNotAvailable', 'down'),
        headers: { 'Retry-After': '10' },
        kind: 'throttled',
        retry: 10,
        message: /in 10 seconds/,
      },
      { name: '504', status: 504, body: '<html>Gateway Timeout</html>', kind: 'transient', message: /in a moment/ },
      { name: '409', status: 409, body: graphBody('conflict', 'x'), kind: 'transient', message: /locked|changed/ },
      { name: 'other 4xx', status: 415, kind: 'invalidRequest', message: /did not accept/ },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.kind}`, () => {
        const e = mapGraphError({ status: c.status, body: c.body, headers: c.headers }, NOW);
        assert.equal(e.kind, c.kind);
        assert.equal(e.details.status, c.status);
        assert.equal(e.details.retryAfterSeconds, c.retry);
        assert.match(e.message, c.message);
        if (c.body && typeof c.body === 'object') {
          assert.equal(e.details.requestId, 'req-1');
          assert.equal(e.details.code, (c.body as { error: { code: string } }).error.code);
        }
      });
    }
    it('takes the request id from the response header when the body has none', () => {
      assert.equal(mapGraphError({ status: 500, headers: { 'request-id': 'hdr-9' } }, NOW).details.requestId, 'hdr-9');
    });
  });

  it('describeWait', () => {
    assert.deepEqual([1, 45, 60, 150, 3500, 7200].map(describeWait), [
      '1 second',
      '45 seconds',
      'about 1 minute',
      'about 3 minutes',
      'about 58 minutes',
      'about 2 hours',
    ]);
  });
});
