import * as fs from 'node:fs';
import { strict as assert } from 'node:assert';
import express from 'express';
import { createTabRouter } from '../../src/tabApi';
import { SqliteShareLog } from '../../src/store/sqliteShareLog';
import { createLogger } from '../../src/log';
import { listen, type RunningServer } from '../../src/server';
import { ShareError } from '../../src/domain/errors';
import type { ShareRecord } from '../../src/store/shareLog';

const rec = (permissionId: string, userObjectId: string, over: Partial<ShareRecord> = {}): ShareRecord => ({
  permissionId,
  tenantId: 't1',
  userObjectId,
  driveId: 'd',
  itemId: 'i',
  itemName: `${permissionId}.docx`,
  itemWebUrl: 'https://contoso.example/x.docx',
  linkUrl: 'https://contoso.example/s/x',
  roles: ['read'],
  passwordProtected: false,
  recipients: [],
  notified: false,
  reused: false,
  createdAt: '2026-11-01T00:00:00.000Z',
  ...over,
});

describe('tab API', () => {
  let server: RunningServer;
  let revoked: string[] = [];
  let failRevoke: ShareError | undefined;
  const log = new SqliteShareLog(':memory:');

  before(async () => {
    await log.put(rec('mine', 'adele'));
    await log.put(rec('old', 'adele', { expirationDateTime: '2026-01-01T00:00:00Z' }));
    await log.put(rec('theirs', 'megan'));
    // DateTime.MinValue is Graph's "no expiration" (permission resource); a record may hold it.
    await log.put(rec('forever', 'adele', { expirationDateTime: '0001-01-01T00:00:00Z' }));
    const app = express();
    const base = createLogger('silent');
    app.use((req, _res, next) => {
      req.log = base;
      next();
    });
    app.use(
      createTabRouter({
        shareLog: log,
        clock: { now: () => Date.parse('2026-11-27T00:00:00Z') },
        authenticate: async (token) => {
          if (token !== 'good-adele') throw new Error('invalid');
          return { tenantId: 't1', userObjectId: 'adele' };
        },
        revoke: async (_user, record) => {
          if (failRevoke) throw failRevoke;
          revoked.push(record.permissionId);
        },
      }),
    );
    server = await listen(app, '127.0.0.1', 0);
  });
  after(() => server.close());
  beforeEach(() => {
    revoked = [];
    failRevoke = undefined;
  });

  const call = (path: string, token?: string, method = 'GET') =>
    fetch(server.url + path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('refuses requests without a valid Teams token', async () => {
    assert.equal((await call('/api/shares')).status, 401);
    assert.equal((await call('/api/shares', 'forged')).status, 401);
  });

  it("lists only the caller's links, with live status", async () => {
    const res = await call('/api/shares', 'good-adele');
    assert.equal(res.status, 200);
    const { shares } = (await res.json()) as {
      shares: Array<{ permissionId: string; status: string; expirationDateTime?: string }>;
    };
    assert.deepEqual(shares.map((s) => [s.permissionId, s.status]).sort(), [
      ['forever', 'active'],
      ['mine', 'active'],
      ['old', 'expired'],
    ]);
    const forever = shares.find((s) => s.permissionId === 'forever')!;
    assert.equal(forever.expirationDateTime, undefined, 'MinValue reaches the tab as "no expiration" (Never)');
  });

  it('revokes only links the caller shared', async () => {
    assert.equal((await call('/api/shares/theirs/revoke', 'good-adele', 'POST')).status, 404);
    assert.deepEqual(revoked, []);
    failRevoke = new ShareError('throttled', 'Try again in 20 seconds.', { retryAfterSeconds: 20 });
    const throttled = await call('/api/shares/mine/revoke', 'good-adele', 'POST');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '20');
    failRevoke = undefined;
    const ok = await call('/api/shares/mine/revoke', 'good-adele', 'POST');
    assert.equal(ok.status, 200);
    assert.deepEqual(revoked, ['mine']);
    assert.ok((await log.get('t1', 'mine', 'adele'))?.revokedAt);
  });

  it('serves the tab pages with a frame-ancestors policy limited to Microsoft 365 hosts', async () => {
    const page = await call('/tab/index.html');
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'self' https:\/\/teams\.microsoft\.com/);
    assert.doesNotMatch(csp, /frame-ancestors[^;]*\*(\s|;|$)/);
    assert.equal((await call('/tab/vendor/teams-js.js')).status, 200);
    assert.equal((await call('/tab/tab.js')).status, 200);
  });

  it('lets teams-js make its own requests (connect-src) and keeps frame-ancestors (issue 9, also noted)', async () => {
    const res = await fetch(server.url + '/tab/');
    const csp = res.headers.get('content-security-policy') ?? '';
    const connect = (/connect-src ([^;]+)/.exec(csp)?.[1] ?? '').split(/\s+/);
    const bundle = fs.readFileSync(require.resolve('@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js'), 'utf8');
    const urls = [...new Set(bundle.match(/https:\/\/res\.cdn\.office\.net\/[^"'\s]+/g) ?? [])];
    assert.ok(urls.length > 0, 'teams-js names the CDN it fetches from');
    for (const u of urls)
      assert.ok(connect.includes(new URL(u).origin), `${u} is allowed by connect-src ${connect.join(' ')}`);
    assert.match(csp, /frame-ancestors 'self' https:\/\/teams\.microsoft\.com/);
  });
});
