import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock, type Clock } from '../../../src/clock';
import { ShareError } from '../../../src/domain/errors';
import type { CreateLinkBody } from '../../../src/domain/types';
import { createDriveClient, type DriveClientOptions, type DriveItemAddress } from '../../../src/graph/driveClient';
import { createHttpClient, SHARE_LINK_USER_AGENT } from '../../../src/http/httpClient';
import { createLogger } from '../../../src/log';
import { createFakeFetch, drop, fakeClock, graphError, HANG, json, logCapture, type Route } from '../http/fakeFetch';
import { hasOperation, requestBodyErrors } from '../../helpers/graphContract';

const BASE = 'https://graph.test.local';
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.delegated-graph-token-7f3a.sig';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXAMPLES = path.resolve(__dirname, '../../../../test/contracts/examples');
const example = (name: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));

const PERMISSION = example('graph-v1.0-createLink-organization-edit.response.json');
const ITEM = {
  id: '01ITEM',
  name: 'Budget 2026.xlsx',
  webUrl: 'https://contoso.sharepoint.com/sites/fin/Shared%20Documents/Plans/Budget%202026.xlsx',
  size: 4096,
  file: { mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  lastModifiedDateTime: '2026-02-01T09:00:00Z',
  lastModifiedBy: { user: { displayName: 'Adele Vance' } },
  parentReference: {
    driveId: 'b!lib',
    driveType: 'documentLibrary',
    siteId: 'site-1',
    path: '/drives/b!lib/root:/Shared%20Documents/Plans',
  },
};

interface Harness {
  graph: ReturnType<typeof createDriveClient>;
  requests: ReturnType<typeof createFakeFetch>['requests'];
  logs: ReturnType<typeof logCapture>;
  time: ReturnType<typeof fakeClock>;
}

/** A drive client over a fake Graph. Retries wait on a fake clock unless `clock` is given. */
function harness(routes: Route[], opts: Partial<DriveClientOptions> & { clock?: Clock; base?: string } = {}): Harness {
  const fake = createFakeFetch(routes);
  const logs = logCapture();
  const log = createLogger('info', logs.stream);
  const time = fakeClock();
  const clock = opts.clock ?? time.clock;
  const http = createHttpClient({
    userAgent: SHARE_LINK_USER_AGENT,
    log,
    fetchImpl: fake.fetch,
    defaultTimeoutMs: 10_000,
    clock,
  });
  const graph = createDriveClient({
    baseUrl: opts.base ?? BASE,
    http,
    clock,
    log,
    sleep: opts.clock ? undefined : time.sleep,
    ...opts,
  });
  return { graph, requests: fake.requests, logs, time };
}

const ctx = (h: Harness, ms = 3000) => ({ token: TOKEN, deadline: h.time.clock.now() + ms });
const realCtx = (ms: number) => ({ token: TOKEN, deadline: Date.now() + ms });

async function shareError(p: Promise<unknown>): Promise<ShareError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ShareError, `expected ShareError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ShareError');
}

describe('graph drive client', () => {
  describe('createLink', () => {
    const forms: Array<[DriveItemAddress, string]> = [
      [{ kind: 'drive', driveId: 'b!drive', itemId: '01ABC' }, '/v1.0/drives/b!drive/items/01ABC/createLink'],
      [{ kind: 'me', itemId: '01ABC' }, '/v1.0/me/drive/items/01ABC/createLink'],
      [
        { kind: 'user', userId: 'adele@contoso.com', itemId: '01ABC' },
        '/v1.0/users/adele@contoso.com/drive/items/01ABC/createLink',
      ],
      [{ kind: 'group', groupId: 'g-1', itemId: '01ABC' }, '/v1.0/groups/g-1/drive/items/01ABC/createLink'],
      [
        { kind: 'site', siteId: 'contoso.sharepoint.com,abc,def', itemId: '01ABC' },
        '/v1.0/sites/contoso.sharepoint.com,abc,def/drive/items/01ABC/createLink',
      ],
    ];
    for (const [address, expected] of forms) {
      it(`posts to ${expected}`, async () => {
        const h = harness([{ method: 'POST', path: expected, reply: json(201, PERMISSION) }]);
        const body: CreateLinkBody = { type: 'edit', scope: 'organization' };
        const result = await h.graph.createLink(address, body, ctx(h));
        assert.equal(h.requests.length, 1);
        const sent = h.requests[0];
        assert.equal(sent.method, 'POST');
        assert.equal(sent.path, expected);
        assert.deepEqual(JSON.parse(sent.body!), body);
        assert.match(sent.headers['content-type'], /^application\/json/);
        assert.equal(sent.headers.authorization, `Bearer ${TOKEN}`);
        assert.equal(result.status, 201);
        assert.equal(result.apiVersion, 'v1.0');
        assert.equal(result.permission.id, PERMISSION.id);
        assert.equal(result.permission.link?.webUrl, PERMISSION.link.webUrl);
      });
    }

    it('accepts a plain {driveId, itemId} ref and uses the canonical path the contract describes', async () => {
      const h = harness([
        { method: 'POST', path: '/v1.0/drives/d1/items/i1/createLink', reply: json(201, PERMISSION) },
      ]);
      await h.graph.createLink({ driveId: 'd1', itemId: 'i1' }, {}, ctx(h));
      assert.ok(hasOperation('v1.0', 'POST', '/drives/d1/items/i1/createLink'));
      assert.deepEqual(JSON.parse(h.requests[0].body!), {});
    });

    it('tells a new link (201) from an existing one (200)', async () => {
      const h = harness([
        {
          method: 'POST',
          path: '/v1.0/drives/d/items/i/createLink',
          reply: [json(201, PERMISSION), json(200, PERMISSION)],
        },
      ]);
      const first = await h.graph.createLink(
        { driveId: 'd', itemId: 'i' },
        { type: 'view', scope: 'organization' },
        ctx(h),
      );
      const second = await h.graph.createLink(
        { driveId: 'd', itemId: 'i' },
        { type: 'view', scope: 'organization' },
        ctx(h),
      );
      assert.equal(first.status, 201);
      assert.equal(second.status, 200);
    });

    it('sends bodies that validate against the Graph contract, v1.0 and beta (all eight properties)', async () => {
      const full: CreateLinkBody = {
        type: 'view',
        scope: 'users',
        expirationDateTime: '2026-04-01T21:59:59Z',
        password: 'Tr0ub4dor',
        recipients: [{ email: 'ext@fabrikam.com' }, { objectId: '0a1b2c3d-0000-4000-8000-000000000001' }],
        message: 'Here is the budget',
        sendNotification: true,
        retainInheritedPermissions: false,
      };
      const bodies: CreateLinkBody[] = [
        example('graph-v1.0-createLink-anonymous-view.request.json'),
        example('graph-v1.0-createLink-organization-edit.request.json'),
        example('graph-v1.0-createLink-embed.request.json'),
        full,
      ];
      for (const version of ['v1.0', 'beta'] as const) {
        const h = harness([
          { method: 'POST', path: `/${version}/drives/d/items/i/createLink`, reply: json(201, PERMISSION) },
        ]);
        for (const body of bodies) {
          const res = await h.graph.createLink({ driveId: 'd', itemId: 'i' }, body, { ...ctx(h), apiVersion: version });
          assert.equal(res.apiVersion, version);
        }
        for (const sent of h.requests) {
          const urlPath = sent.path.replace(`/${version}`, '');
          assert.deepEqual(requestBodyErrors(version, 'POST', urlPath, JSON.parse(sent.body!)), [], sent.body);
        }
        assert.deepEqual(JSON.parse(h.requests[3].body!), full);
      }
      // The checker does catch a wrong body.
      assert.notDeepEqual(
        requestBodyErrors('v1.0', 'POST', '/drives/d/items/i/createLink', { type: 'view', sendNotification: 'yes' }),
        [],
      );
      assert.notDeepEqual(requestBodyErrors('v1.0', 'POST', '/drives/d/items/i/createLink', { linkType: 'view' }), []);
    });

    it('uses beta when the client is configured for it', async () => {
      const h = harness([{ method: 'POST', path: '/beta/me/drive/items/i/createLink', reply: json(201, PERMISSION) }], {
        apiVersion: 'beta',
      });
      const res = await h.graph.createLink({ kind: 'me', itemId: 'i' }, { type: 'view' }, ctx(h));
      assert.equal(res.apiVersion, 'beta');
    });
  });

  describe('deadline-aware retries', () => {
    const PATH = '/v1.0/drives/d/items/i/createLink';
    const ref = { driveId: 'd', itemId: 'i' };

    it('retries a 429 with Retry-After 1 s inside a 3 s deadline and succeeds', async () => {
      const h = harness([
        {
          method: 'POST',
          path: PATH,
          reply: [graphError(429, 'tooManyRequests', 'slow down', { 'retry-after': '1' }), json(201, PERMISSION)],
        },
      ]);
      const res = await h.graph.createLink(ref, { type: 'view', scope: 'organization' }, ctx(h, 3000));
      assert.equal(res.status, 201);
      assert.equal(h.requests.length, 2);
      assert.deepEqual(h.time.slept, [1000]);
      assert.notEqual(h.requests[0].headers['client-request-id'], h.requests[1].headers['client-request-id']);
    });

    it('fails at once as throttled when Retry-After (30 s) does not fit the deadline, sending nothing more', async () => {
      const h = harness([
        {
          method: 'POST',
          path: PATH,
          reply: [graphError(429, 'tooManyRequests', 'slow down', { 'retry-after': '30' }), json(201, PERMISSION)],
        },
      ]);
      const started = Date.now();
      const err = await shareError(h.graph.createLink(ref, { type: 'view' }, ctx(h, 3000)));
      assert.ok(Date.now() - started < 200, 'must not wait');
      assert.deepEqual(h.time.slept, []);
      assert.equal(h.requests.length, 1);
      assert.equal(err.kind, 'throttled');
      assert.equal(err.details.retryAfterSeconds, 30);
      assert.equal(err.details.status, 429);
      assert.match(err.message, /30 seconds/);
    });

    it('reads Retry-After given as an HTTP date', async () => {
      const start = fakeClock().clock.now();
      const soon = new Date(start + 2000).toUTCString();
      const late = new Date(start + 60_000).toUTCString();
      const h2 = harness([
        {
          method: 'GET',
          path: '/v1.0/drives/d/items/soon',
          reply: [graphError(429, 'tooManyRequests', 'x', { 'retry-after': soon }), json(200, ITEM)],
        },
        {
          method: 'GET',
          path: '/v1.0/drives/d/items/late',
          reply: graphError(429, 'tooManyRequests', 'x', { 'retry-after': late }),
        },
      ]);
      const item = await h2.graph.getItem({ driveId: 'd', itemId: 'soon' }, ctx(h2, 3000));
      assert.equal(item.name, ITEM.name);
      assert.deepEqual(h2.time.slept, [2000]);
      const err = await shareError(h2.graph.getItem({ driveId: 'd', itemId: 'late' }, ctx(h2, 3000)));
      assert.equal(err.kind, 'throttled');
      assert.equal(err.details.retryAfterSeconds, 58); // the clock moved 2 s during the first call's wait
      assert.equal(h2.requests.length, 3);
    });

    it('backs off 200 ms then 400 ms on 503 without Retry-After, at most twice', async () => {
      const ok = harness([
        {
          method: 'GET',
          path: '/v1.0/drives/d/items/i',
          reply: [
            graphError(503, 'serviceNotAvailable', 'x'),
            graphError(503, 'serviceNotAvailable', 'x'),
            json(200, ITEM),
          ],
        },
      ]);
      await ok.graph.getItem(ref, ctx(ok));
      assert.deepEqual(ok.time.slept, [200, 400]);
      assert.equal(ok.requests.length, 3);

      const down = harness([
        { method: 'GET', path: '/v1.0/drives/d/items/i', reply: graphError(503, 'serviceNotAvailable', 'x') },
      ]);
      const err = await shareError(down.graph.getItem(ref, ctx(down)));
      assert.equal(down.requests.length, 3);
      assert.equal(err.kind, 'transient');
      assert.equal(err.details.status, 503);
    });

    it('treats 503 with a Retry-After too long for the deadline as throttled', async () => {
      const h = harness([
        {
          method: 'GET',
          path: '/v1.0/drives/d/items/i',
          reply: graphError(503, 'serviceNotAvailable', 'x', { 'retry-after': '120' }),
        },
      ]);
      const err = await shareError(h.graph.getItem(ref, ctx(h)));
      assert.equal(err.kind, 'throttled');
      assert.equal(err.details.retryAfterSeconds, 120);
      assert.equal(h.requests.length, 1);
    });

    it('retries a 504 and a dropped connection on a GET', async () => {
      const h = harness([
        {
          method: 'GET',
          path: '/v1.0/drives/d/items/i',
          reply: [graphError(504, 'gatewayTimeout', 'x'), drop('ECONNRESET'), json(200, ITEM)],
        },
      ]);
      const item = await h.graph.getItem(ref, ctx(h));
      assert.equal(item.itemId, '01ITEM');
      assert.equal(h.requests.length, 3);
    });

    it('never repeats createLink with sendNotification after a 504 or a dropped connection (emails are not idempotent)', async () => {
      const body: CreateLinkBody = {
        type: 'view',
        scope: 'users',
        recipients: [{ email: 'a@contoso.com' }],
        sendNotification: true,
      };
      for (const first of [graphError(504, 'gatewayTimeout', 'x'), drop('ECONNRESET')]) {
        const h = harness([{ method: 'POST', path: PATH, reply: [first, json(201, PERMISSION)] }]);
        const err = await shareError(h.graph.createLink(ref, body, ctx(h)));
        assert.equal(h.requests.length, 1);
        assert.equal(err.kind, 'transient');
      }
      const h = harness([{ method: 'POST', path: PATH, reply: [drop('ECONNRESET')] }]);
      const err = await shareError(h.graph.createLink(ref, body, ctx(h)));
      assert.match(err.message, /may have been created/);
    });

    it('does repeat createLink with sendNotification after 429/503 or a refused connection (nothing was processed)', async () => {
      const body: CreateLinkBody = {
        type: 'view',
        scope: 'users',
        recipients: [{ email: 'a@contoso.com' }],
        sendNotification: true,
      };
      const h = harness([
        {
          method: 'POST',
          path: PATH,
          reply: [
            graphError(429, 'tooManyRequests', 'x', { 'retry-after': '1' }),
            drop('ECONNREFUSED'),
            json(201, PERMISSION),
          ],
        },
      ]);
      const res = await h.graph.createLink(ref, body, ctx(h));
      assert.equal(res.status, 201);
      assert.equal(h.requests.length, 3);
    });

    describe('v1.0 refusing recipients, sendNotification and message (Microsoft Q&A report; sources disagree)', () => {
      const BETA = '/beta/drives/d/items/i/createLink';
      const refusal = graphError(
        400,
        'invalidRequest',
        "The parameter 'recipients' in the request payload is not a valid parameter for the operation 'createLink'.",
      );
      const people: CreateLinkBody = {
        type: 'view',
        scope: 'users',
        recipients: [{ email: 'a@contoso.com' }],
        message: 'Hi',
        sendNotification: true,
      };
      it('asks beta once after v1.0 refuses them, then goes to beta directly', async () => {
        const h = harness([
          { method: 'POST', path: PATH, reply: [refusal, json(201, PERMISSION)] },
          { method: 'POST', path: BETA, reply: json(201, PERMISSION) },
        ]);
        const res = await h.graph.createLink(ref, people, ctx(h));
        assert.equal(res.apiVersion, 'beta');
        assert.deepEqual(
          h.requests.map((r) => r.path),
          [PATH, BETA],
        );
        assert.equal(h.requests[1].body, h.requests[0].body, 'the same body: nothing dropped, nothing added');
        await h.graph.createLink(ref, { ...people, sendNotification: undefined, message: undefined }, ctx(h));
        await h.graph.createLink(ref, { type: 'view', scope: 'organization' }, ctx(h));
        assert.deepEqual(
          h.requests.map((r) => r.path),
          [PATH, BETA, BETA, PATH],
          'learned: disputed properties to beta, others stay on v1.0',
        );
      });
      it("beta's own refusal is the answer; other 400s and faults never switch versions", async () => {
        const h = harness([
          { method: 'POST', path: PATH, reply: refusal },
          {
            method: 'POST',
            path: BETA,
            reply: graphError(400, 'invalidRequest', "'x' is not a valid e-mail address."),
          },
        ]);
        const err = await shareError(h.graph.createLink(ref, people, ctx(h)));
        assert.equal(err.kind, 'invalidRequest');
        assert.match(err.message, /not a valid e-mail/);
        assert.equal(h.requests.length, 2);

        const plain = harness([{ method: 'POST', path: PATH, reply: refusal }]);
        await shareError(plain.graph.createLink(ref, { type: 'view', scope: 'organization' }, ctx(plain)));
        assert.equal(plain.requests.length, 1, 'no disputed property: no beta retry');

        const timeout = harness([{ method: 'POST', path: PATH, reply: [graphError(504, 'gatewayTimeout', 'x')] }]);
        await shareError(timeout.graph.createLink(ref, people, ctx(timeout)));
        assert.deepEqual(
          timeout.requests.map((r) => r.path),
          [PATH],
          'a 504 may have mailed people: never asked again, on any version',
        );
      });
    });

    it('repeats createLink without notifications after a 504 (Graph returns the existing link)', async () => {
      const h = harness([
        { method: 'POST', path: PATH, reply: [graphError(504, 'gatewayTimeout', 'x'), json(200, PERMISSION)] },
      ]);
      const res = await h.graph.createLink(ref, { type: 'view', scope: 'organization' }, ctx(h));
      assert.equal(res.status, 200);
      assert.equal(h.requests.length, 2);
    });

    it('gives up with transient when Graph hangs past the deadline, without waiting longer', async () => {
      const h = harness([{ method: 'GET', path: '/v1.0/drives/d/items/i', reply: HANG }], { clock: systemClock });
      const started = Date.now();
      const err = await shareError(h.graph.getItem(ref, realCtx(150)));
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 140 && elapsed < 1000, `elapsed ${elapsed}`);
      assert.equal(err.kind, 'transient');
      assert.equal(err.details.code, 'transport.deadline');
      assert.equal(h.requests.length, 1);
    });

    it('after a per-attempt timeout, repeats an idempotent call but not createLink with sendNotification', async () => {
      const notify: CreateLinkBody = {
        type: 'view',
        scope: 'users',
        recipients: [{ email: 'a@contoso.com' }],
        sendNotification: true,
      };
      const once = harness([{ method: 'POST', path: PATH, reply: [HANG, json(201, PERMISSION)] }], {
        clock: systemClock,
        attemptTimeoutMs: 100,
      });
      const err = await shareError(once.graph.createLink(ref, notify, realCtx(3000)));
      assert.equal(err.kind, 'transient');
      assert.equal(err.details.code, 'transport.timeout');
      assert.equal(once.requests.length, 1);

      const twice = harness([{ method: 'POST', path: PATH, reply: [HANG, json(201, PERMISSION)] }], {
        clock: systemClock,
        attemptTimeoutMs: 100,
      });
      const res = await twice.graph.createLink(ref, { type: 'view', scope: 'organization' }, realCtx(3000));
      assert.equal(res.status, 201);
      assert.equal(twice.requests.length, 2);
    });
  });

  describe('error mapping', () => {
    const cases: Array<[string, Response, string, string]> = [
      ['400 invalidRequest', graphError(400, 'invalidRequest', 'Invalid request'), 'invalidRequest', 'invalidRequest'],
      [
        '400 unsupported link type',
        graphError(400, 'invalidRequest', "Link type must be either 'edit' or 'view'"),
        'unsupported',
        'invalidRequest',
      ],
      [
        '401',
        graphError(401, 'InvalidAuthenticationToken', 'Access token has expired.'),
        'signInRequired',
        'InvalidAuthenticationToken',
      ],
      ['403 accessDenied', graphError(403, 'accessDenied', 'Access denied'), 'accessDenied', 'accessDenied'],
      [
        '403 sharing disabled',
        graphError(403, 'accessDenied', 'Access denied', {
          'SharePoint-CreateSharingLink-Error': 'Sharing by link is not enabled for this site.',
        }),
        'policyBlocked',
        'accessDenied',
      ],
      ['404', graphError(404, 'itemNotFound', 'The resource could not be found.'), 'notFound', 'itemNotFound'],
      ['500', graphError(500, 'generalException', 'oops'), 'transient', 'generalException'],
    ];
    for (const [name, response, kind, code] of cases) {
      it(`maps ${name} to ${kind}`, async () => {
        const h = harness([{ method: 'POST', path: '/v1.0/drives/d/items/i/createLink', reply: response }]);
        const err = await shareError(
          h.graph.createLink({ driveId: 'd', itemId: 'i' }, { type: 'view', scope: 'anonymous' }, ctx(h)),
        );
        assert.equal(err.kind, kind);
        assert.equal(err.details.code, code);
        assert.equal(err.details.status, response.status);
        assert.equal(err.details.requestId, `inner-${code}`);
        assert.equal(h.requests.length, 1, 'client errors are not retried');
      });
    }

    it('refuses a call without a token before sending anything', async () => {
      const h = harness([]);
      const err = await shareError(
        h.graph.getItem({ driveId: 'd', itemId: 'i' }, { token: '', deadline: h.time.clock.now() + 1000 }),
      );
      assert.equal(err.kind, 'signInRequired');
      assert.equal(h.requests.length, 0);
    });
  });

  describe('items, shares, search and permissions', () => {
    it('maps a driveItem into DriveItemInfo', async () => {
      const h = harness([{ method: 'GET', path: '/v1.0/drives/b!lib/items/01ITEM', reply: json(200, ITEM) }]);
      const info = await h.graph.getItem({ driveId: 'b!lib', itemId: '01ITEM' }, ctx(h));
      assert.deepEqual(info, {
        driveId: 'b!lib',
        itemId: '01ITEM',
        name: 'Budget 2026.xlsx',
        kind: 'file',
        driveType: 'documentLibrary',
        webUrl: ITEM.webUrl,
        size: 4096,
        mimeType: ITEM.file.mimeType,
        parentPath: 'Shared Documents/Plans',
        siteId: 'site-1',
        lastModifiedDateTime: '2026-02-01T09:00:00Z',
        lastModifiedBy: 'Adele Vance',
      });
      assert.match(
        h.requests[0].path,
        /\?\$select=id,name,webUrl,size,file,folder,package,parentReference,lastModifiedDateTime,lastModifiedBy$/,
      );
    });

    it('looks an item up by path, each segment encoded', async () => {
      const h = harness([
        { method: 'GET', path: '/v1.0/drives/b!lib/root:/Plans/Q1 #1/Budget.xlsx', reply: json(200, ITEM) },
        {
          method: 'GET',
          path: '/v1.0/me/drive/root:/Notes.txt',
          reply: json(200, { ...ITEM, parentReference: { driveId: 'me-drive', driveType: 'business' } }),
        },
      ]);
      await h.graph.getItemByPath({ driveId: 'b!lib' }, '/Plans/Q1 #1/Budget.xlsx', ctx(h));
      assert.match(h.requests[0].url, /\/root:\/Plans\/Q1%20%231\/Budget\.xlsx\?/);
      const mine = await h.graph.getItemByPath('me', 'Notes.txt', ctx(h));
      assert.equal(mine.driveType, 'business');
    });

    it('resolves a sharing URL through /shares/u!{unpadded base64url}/driveItem, or a share id as given', async () => {
      const url = 'https://onedrive.live.com/redir?resid=1231244193912!12&authKey=1201919!12921!1';
      const id =
        'u!aHR0cHM6Ly9vbmVkcml2ZS5saXZlLmNvbS9yZWRpcj9yZXNpZD0xMjMxMjQ0MTkzOTEyITEyJmF1dGhLZXk9MTIwMTkxOSExMjkyMSEx';
      const h = harness([
        { method: 'GET', path: /^\/v1\.0\/shares\/[us]![A-Za-z0-9_-]+\/driveItem/, reply: json(200, ITEM) },
      ]);
      await h.graph.resolveShareUrl(url, ctx(h));
      await h.graph.resolveShareUrl('s!AbC-_9', ctx(h));
      assert.ok(h.requests[0].path.startsWith(`/v1.0/shares/${id}/driveItem`));
      assert.ok(h.requests[1].path.startsWith('/v1.0/shares/s!AbC-_9/driveItem'));
    });

    it('refuses an item answer that does not say which drive holds it', async () => {
      const h = harness([
        {
          method: 'GET',
          path: /^\/v1\.0\/shares\//,
          reply: json(200, example('graph-v1.0-shares-driveItem.response.json')),
        },
      ]);
      const err = await shareError(h.graph.resolveShareUrl('https://contoso.sharepoint.com/x', ctx(h)));
      assert.equal(err.kind, 'unsupported');
    });

    it('searches with POST /search/query for driveItems', async () => {
      const hit = {
        resource: {
          '@odata.type': '#microsoft.graph.driveItem',
          id: 'h1',
          name: 'Plan.docx',
          webUrl: 'https://contoso-my.sharepoint.com/personal/a/Plan.docx',
          parentReference: { driveId: 'b!od', siteId: 's' },
        },
      };
      const h = harness([
        {
          method: 'POST',
          path: '/v1.0/search/query',
          reply: json(200, { value: [{ hitsContainers: [{ hits: [hit], total: 9, moreResultsAvailable: true }] }] }),
        },
      ]);
      const res = await h.graph.search('plan', { top: 5, skip: 10 }, ctx(h));
      assert.deepEqual(JSON.parse(h.requests[0].body!), {
        requests: [{ entityTypes: ['driveItem'], query: { queryString: 'plan' }, from: 10, size: 5 }],
      });
      assert.equal(res.source, 'searchQuery');
      assert.equal(res.moreAvailable, true);
      assert.equal(res.items[0].driveType, 'business');
      assert.equal(res.items[0].kind, 'file');
    });

    it('falls back to drive search (q with doubled quotes) where /search/query is unavailable', async () => {
      const h = harness([
        {
          method: 'POST',
          path: '/v1.0/search/query',
          reply: graphError(400, 'BadRequest', 'not supported for MSA accounts'),
        },
        {
          method: 'GET',
          path: /^\/v1\.0\/me\/drive\/root\/search\(q='/,
          reply: json(200, {
            value: [1, 2, 3].map((n) => ({
              id: `p${n}`,
              name: `Bob's ${n}.txt`,
              file: {},
              webUrl: `https://onedrive.live.com/${n}`,
              parentReference: { driveId: 'c0ffee', driveType: 'personal' },
            })),
          }),
        },
      ]);
      const res = await h.graph.search("Bob's #1", { top: 2, skip: 1 }, ctx(h));
      assert.equal(res.source, 'driveSearch');
      assert.deepEqual(
        res.items.map((i) => i.itemId),
        ['p2', 'p3'],
      );
      assert.match(h.requests[1].url, /search\(q='Bob''s%20%231'\)\?\$top=3$/);
      assert.ok(hasOperation('v1.0', 'GET', "/drives/d/root/search(q='Bob''s')"));
    });

    it('does not fall back when search is throttled', async () => {
      const h = harness([
        {
          method: 'POST',
          path: '/v1.0/search/query',
          reply: graphError(429, 'tooManyRequests', 'x', { 'retry-after': '20' }),
        },
      ]);
      const err = await shareError(h.graph.search('plan', { top: 5, skip: 0 }, ctx(h)));
      assert.equal(err.kind, 'throttled');
      assert.equal(h.requests.length, 1);
    });

    it('lists and deletes permissions', async () => {
      const list = example('graph-v1.0-permissions-list.response.json');
      const h = harness([
        { method: 'GET', path: '/v1.0/drives/d/items/i/permissions', reply: json(200, list) },
        {
          method: 'DELETE',
          path: '/v1.0/drives/d/items/i/permissions/perm 1',
          reply: new Response(null, { status: 204 }),
        },
      ]);
      const perms = await h.graph.listPermissions({ driveId: 'd', itemId: 'i' }, ctx(h));
      assert.equal(perms.length, list.value.length);
      assert.equal(perms[0].id, list.value[0].id);
      await h.graph.deletePermission({ driveId: 'd', itemId: 'i' }, 'perm 1', ctx(h));
      assert.equal(h.requests[1].method, 'DELETE');
      assert.match(h.requests[1].url, /permissions\/perm%201$/);
    });

    it('counts a 404 on a repeated DELETE as done, but not on the first attempt', async () => {
      const h = harness([
        {
          method: 'DELETE',
          path: '/v1.0/drives/d/items/i/permissions/p1',
          reply: [graphError(504, 'gatewayTimeout', 'x'), graphError(404, 'itemNotFound', 'gone')],
        },
        {
          method: 'DELETE',
          path: '/v1.0/drives/d/items/i/permissions/p2',
          reply: graphError(404, 'itemNotFound', 'gone'),
        },
      ]);
      await h.graph.deletePermission({ driveId: 'd', itemId: 'i' }, 'p1', ctx(h));
      const err = await shareError(h.graph.deletePermission({ driveId: 'd', itemId: 'i' }, 'p2', ctx(h)));
      assert.equal(err.kind, 'notFound');
    });
  });

  describe('decoration, token handling and logs', () => {
    it('sends the User-Agent and a client-request-id on every Graph call', async () => {
      const h = harness([
        { method: 'GET', path: '/v1.0/drives/d/items/i', reply: json(200, ITEM) },
        { method: 'POST', path: '/v1.0/drives/d/items/i/createLink', reply: json(201, PERMISSION) },
      ]);
      await h.graph.getItem({ driveId: 'd', itemId: 'i' }, ctx(h));
      await h.graph.createLink({ driveId: 'd', itemId: 'i' }, { type: 'view' }, ctx(h));
      for (const r of h.requests) {
        assert.equal(r.headers['user-agent'], 'ISV|ShareLink|ShareLink/0.1.0');
        assert.match(r.headers['client-request-id'], UUID);
      }
    });

    it('sends the token to the public Graph host and to the configured sandbox host, but never over plain http', async () => {
      for (const base of ['https://graph.microsoft.com', 'https://127.0.0.1:8443']) {
        const h = harness([{ method: 'GET', path: '/v1.0/drives/d/items/i', reply: json(200, ITEM) }], { base });
        await h.graph.getItem({ driveId: 'd', itemId: 'i' }, ctx(h));
        assert.equal(h.requests[0].headers.authorization, `Bearer ${TOKEN}`);
        assert.ok(h.requests[0].url.startsWith(`${base}/v1.0/`));
      }
      const plain = harness([{ method: 'GET', path: '/v1.0/drives/d/items/i', reply: json(200, ITEM) }], {
        base: 'http://127.0.0.1:8080',
      });
      await plain.graph.getItem({ driveId: 'd', itemId: 'i' }, ctx(plain));
      assert.equal(plain.requests[0].headers.authorization, undefined);
    });

    it('keeps the token and the link password out of the log lines', async () => {
      const h = harness([
        {
          method: 'POST',
          path: '/v1.0/drives/d/items/i/createLink',
          reply: [graphError(429, 'tooManyRequests', 'x', { 'retry-after': '1' }), json(201, PERMISSION)],
        },
        { method: 'GET', path: '/v1.0/drives/d/items/i', reply: graphError(403, 'accessDenied', 'no') },
        { method: 'GET', path: '/v1.0/drives/d/items/h', reply: drop('ECONNRESET') },
      ]);
      await h.graph.createLink(
        { driveId: 'd', itemId: 'i' },
        { type: 'view', scope: 'anonymous', password: 'S3cret-Pass!' },
        ctx(h),
      );
      await shareError(h.graph.getItem({ driveId: 'd', itemId: 'i' }, ctx(h)));
      await shareError(h.graph.getItem({ driveId: 'd', itemId: 'h' }, ctx(h)));
      const text = h.logs.text();
      assert.ok(text.length > 0);
      for (const secret of [TOKEN, 'delegated-graph-token-7f3a', 'Bearer', 'S3cret-Pass!'])
        assert.ok(!text.includes(secret), `log contains ${secret}`);
      const calls = h.logs.lines().filter((l) => l.msg === 'http call');
      assert.deepEqual(
        calls.map((l) => [l.operation, l.status]),
        [
          ['graph.createLink', 429],
          ['graph.createLink', 201],
          ['graph.getItem', 403],
        ],
      );
      assert.equal(calls[1].path, '/v1.0/drives/d/items/i/createLink');
      assert.equal(calls[1].host, 'graph.test.local');
    });
  });
});
