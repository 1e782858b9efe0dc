import { strict as assert } from 'node:assert';
import type { Sandbox } from '../../sandbox/server';
import { SANDBOX_IDENTITIES } from '../../sandbox/identities';
import { startTestSandbox } from './helpers';

const META = `/${SANDBOX_IDENTITIES.homeTenantId}/v2.0/.well-known/openid-configuration`;

describe('sandbox faults, latency, stats and admin API', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startTestSandbox({ latencyProfile: { metadata: 30 } });
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  const get = (path: string) => fetch(`${sandbox.url}${path}`);
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${sandbox.url}/admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('adds profile latency and reports it in x-sandbox-elapsed-ms and the stats', async () => {
    const res = await get(META);
    assert.equal(res.status, 200);
    assert.ok(Number(res.headers.get('x-sandbox-elapsed-ms')) >= 30);
    const stats = sandbox.stats();
    assert.equal(stats.byKind['entra.metadata']?.count, 1);
    assert.ok(stats.byKind['entra.metadata']!.injectedMs >= 30);
    assert.ok(stats.total.totalMs >= 30);
  });

  it('Graph faults look like real Graph answers: request-id, echoed client-request-id, Graph error body', async () => {
    const token = await sandbox.graphToken('adele@contoso.example');
    const createLink = `/v1.0/me/drive/items/01ADELE_PLAN_DOCX/createLink`;
    const cases: Array<[401 | 429 | 503 | 504, string, string]> = [
      [429, createLink, 'accessDenied'],
      [429, '/v1.0/me/drive/items/01ADELE_PLAN_DOCX', 'TooManyRequests'],
      [503, createLink, 'serviceNotAvailable'],
      [504, createLink, 'gatewayTimeout'],
      [401, createLink, 'InvalidAuthenticationToken'],
    ];
    for (const [status, path, code] of cases) {
      sandbox.faults.set([
        { path: path.replace(/[.]/g, '\\.') + '$', status, retryAfter: status === 429 ? 3 : undefined },
      ]);
      const clientRequestId = `c0ffee00-0000-4000-8000-00000000${String(status).padStart(4, '0')}`;
      const res = await fetch(`${sandbox.url}${path}`, {
        method: path.endsWith('createLink') ? 'POST' : 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          'client-request-id': clientRequestId,
          'content-type': 'application/json',
        },
        body: path.endsWith('createLink') ? '{}' : undefined,
      });
      assert.equal(res.status, status);
      const requestId = res.headers.get('request-id') ?? '';
      assert.match(requestId, /^[0-9a-f-]{36}$/, `${status}: request-id header`);
      assert.equal(res.headers.get('client-request-id'), clientRequestId, `${status}: client-request-id echoed`);
      if (status === 429) assert.equal(res.headers.get('retry-after'), '3');
      if (status === 401) assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
      const body = (await res.json()) as {
        error: { code: string; message: string; innerError: Record<string, string> };
      };
      assert.equal(body.error.code, code);
      assert.ok(body.error.message);
      assert.equal(body.error.innerError['request-id'], requestId);
      assert.equal(body.error.innerError['client-request-id'], clientRequestId);
      assert.match(body.error.innerError.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      if (code === 'accessDenied') assert.equal(body.error.innerError.code, 'throttledRequest');
    }
  });

  it('answers 429 with Retry-After in seconds, a given number of times, then expires', async () => {
    const created = await admin('POST', '/faults', {
      path: 'openid-configuration$',
      status: 429,
      retryAfter: 2,
      times: 2,
    });
    assert.equal(created.status, 201);
    for (let i = 0; i < 2; i++) {
      const res = await get(META);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '2');
      assert.equal(((await res.json()) as { error: string }).error, 'temporarily_unavailable');
    }
    assert.equal((await get(META)).status, 200);
    assert.deepEqual(((await (await admin('GET', '/faults')).json()) as { rules: unknown[] }).rules, []);
  });

  it('answers 503 with an HTTP-date Retry-After in the shape of the service hit', async () => {
    const date = new Date(Date.now() + 5000).toUTCString();
    sandbox.faults.add({ method: 'GET', path: '^/v1\\.0/', status: 503, retryAfter: date });
    const res = await get('/v1.0/me/drive');
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), date);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'serviceNotAvailable');
  });

  it('targets the OBO grant alone by route kind, and counts it', async () => {
    sandbox.faults.add({ kind: 'entra.token.obo', status: 504, times: 1 });
    const form = (grant: string) =>
      fetch(`${sandbox.url}/botframework.com/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: grant,
          client_id: SANDBOX_IDENTITIES.app.clientId,
          client_secret: 'x',
          scope: 'x',
        }).toString(),
      });
    assert.equal((await form('client_credentials')).status, 401, 'not affected: wrong secret answered by Entra');
    assert.equal((await form('urn:ietf:params:oauth:grant-type:jwt-bearer')).status, 504);
    assert.equal(sandbox.count('entra.token.obo'), 1);
    assert.equal(sandbox.count('entra.token'), 2);
  });

  it('drops the connection', async () => {
    sandbox.faults.add({ path: 'openid-configuration$', drop: true, times: 1 });
    await assert.rejects(get(META));
    assert.equal((await get(META)).status, 200);
    assert.equal(sandbox.stats().byKind['entra.metadata']?.statuses.dropped, 1);
  });

  it('refuses rules that cannot work, with a clear message', async () => {
    const res = await admin('POST', '/faults', { path: '(', status: 429 });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /regular expression/);
    assert.equal((await admin('POST', '/faults', { status: 500 })).status, 400);
    assert.equal((await admin('POST', '/faults', { path: 'x' })).status, 400);
  });

  it('DELETE /admin/faults clears, POST /admin/reset resets faults, stats and sign-ins; GET /admin/stats reports', async () => {
    sandbox.faults.add({ path: 'x', latencyMs: 5 });
    assert.equal((await admin('DELETE', '/faults')).status, 204);
    assert.equal(sandbox.faults.list().length, 0);
    sandbox.faults.add({ path: 'x', latencyMs: 5 });
    sandbox.signIn('adele@contoso.example');
    await get(META);
    assert.equal((await admin('POST', '/reset')).status, 204);
    assert.equal(sandbox.faults.list().length, 0);
    const stats = (await (await admin('GET', '/stats')).json()) as { total: { count: number } };
    assert.equal(stats.total.count, 0, 'admin calls are not counted');
  });

  it('hands out SSO tokens and users over HTTP for the local harness', async () => {
    const users = (await (await admin('GET', '/users')).json()) as {
      value: Array<{ userPrincipalName: string; teamsId: string }>;
    };
    assert.ok(users.value.some((u) => u.teamsId === '29:1adele'));
    const res = await admin('POST', '/sso-token', { user: '29:1adele' });
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as { token: string }).token.split('.').length === 3);
    assert.equal((await admin('POST', '/sso-token', { user: 'nobody@contoso.example' })).status, 400);
  });
});
