import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../src/log';
import { systemClock } from '../../../src/clock';
import {
  createHttpClient,
  ERROR_BODY_LIMIT_BYTES,
  HttpTransportError,
  SHARE_LINK_USER_AGENT,
  type FetchLike,
} from '../../../src/http/httpClient';
import { createHttpFetch } from '../../../src/http/fetchAdapter';
import { redactUrlForLog } from '../../../src/http/redact';
import { createFakeFetch, drop, HANG, json, logCapture } from './fakeFetch';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A client over the given fetch, or over the default transport (node:http/https) when none is given. */
function setup(fetchImpl: FetchLike | undefined, defaultTimeoutMs = 5000) {
  const logs = logCapture();
  const client = createHttpClient({
    userAgent: SHARE_LINK_USER_AGENT,
    log: createLogger('info', logs.stream),
    fetchImpl,
    defaultTimeoutMs,
    clock: systemClock,
  });
  return { client, logs };
}

async function rejectsWith(p: Promise<unknown>, reason: string): Promise<HttpTransportError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof HttpTransportError, `expected HttpTransportError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    return err;
  }
  assert.fail(`expected a ${reason} failure`);
}

describe('http layer', () => {
  it('decorates every call with the User-Agent and a fresh client-request-id, overriding caller values', async () => {
    const fake = createFakeFetch([{ method: 'GET', path: '/x', reply: json(200, { ok: true }) }]);
    const { client } = setup(fake.fetch);
    const a = await client.request({
      method: 'get',
      url: 'https://h.test/x',
      headers: { 'User-Agent': 'evil', accept: 'application/json' },
      operation: 't',
    });
    await client.request({ method: 'GET', url: 'https://h.test/x', operation: 't' });
    assert.equal(a.status, 200);
    assert.deepEqual(a.json(), { ok: true });
    assert.equal(fake.requests[0].headers['user-agent'], 'ISV|ShareLink|ShareLink/0.1.0');
    assert.equal(fake.requests[0].headers.accept, 'application/json');
    assert.match(fake.requests[0].headers['client-request-id'], UUID);
    assert.equal(fake.requests[0].headers['client-request-id'], a.clientRequestId);
    assert.notEqual(fake.requests[0].headers['client-request-id'], fake.requests[1].headers['client-request-id']);
    assert.equal(a.requestId, 'req-200');
  });

  it('fails at once, without sending, when the deadline has passed', async () => {
    const fake = createFakeFetch([{ method: 'GET', path: '/x', reply: json(200, {}) }]);
    const { client } = setup(fake.fetch);
    await rejectsWith(
      client.request({ method: 'GET', url: 'https://h.test/x', deadline: Date.now() - 1, operation: 't' }),
      'deadline',
    );
    assert.equal(fake.requests.length, 0);
  });

  it('reports the per-call timeout and the deadline apart (the smaller wins)', async () => {
    const fake = createFakeFetch([{ method: 'GET', path: '/hang', reply: HANG }]);
    const { client } = setup(fake.fetch, 5000);
    let started = Date.now();
    await rejectsWith(
      client.request({
        method: 'GET',
        url: 'https://h.test/hang',
        timeoutMs: 60,
        deadline: Date.now() + 5000,
        operation: 't',
      }),
      'timeout',
    );
    assert.ok(Date.now() - started < 1000);
    started = Date.now();
    await rejectsWith(
      client.request({
        method: 'GET',
        url: 'https://h.test/hang',
        timeoutMs: 5000,
        deadline: Date.now() + 60,
        operation: 't',
      }),
      'deadline',
    );
    assert.ok(Date.now() - started < 1000);
  });

  it('tells a connection that never opened from one that dropped', async () => {
    const fake = createFakeFetch([
      { method: 'GET', path: '/refused', reply: drop('ECONNREFUSED') },
      { method: 'GET', path: '/reset', reply: drop('ECONNRESET') },
    ]);
    const { client } = setup(fake.fetch);
    await rejectsWith(client.request({ method: 'GET', url: 'https://h.test/refused', operation: 't' }), 'connect');
    await rejectsWith(client.request({ method: 'GET', url: 'https://h.test/reset', operation: 't' }), 'network');
  });

  it('stops when the caller aborts', async () => {
    const fake = createFakeFetch([{ method: 'GET', path: '/hang', reply: HANG }]);
    const { client } = setup(fake.fetch);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await rejectsWith(
      client.request({ method: 'GET', url: 'https://h.test/hang', signal: controller.signal, operation: 't' }),
      'aborted',
    );
  });

  it('reads at most 64 KB of an error body and refuses oversized success bodies', async () => {
    const big = 'x'.repeat(ERROR_BODY_LIMIT_BYTES * 2);
    const fake = createFakeFetch([
      { method: 'GET', path: '/err', reply: new Response(big, { status: 500 }) },
      { method: 'GET', path: '/ok', reply: new Response(big, { status: 200 }) },
    ]);
    const logs = logCapture();
    const client = createHttpClient({
      userAgent: 'UA',
      log: createLogger('info', logs.stream),
      fetchImpl: fake.fetch,
      defaultTimeoutMs: 1000,
      maxBodyBytes: 1000,
    });
    const err = await client.request({ method: 'GET', url: 'https://h.test/err', operation: 't' });
    assert.equal(err.status, 500);
    assert.equal(err.body.length, ERROR_BODY_LIMIT_BYTES);
    assert.equal(err.truncated, true);
    await rejectsWith(client.request({ method: 'GET', url: 'https://h.test/ok', operation: 't' }), 'tooLarge');
  });

  it('logs one line per call with operation, host, path, status, ms and request id, but no query, header or body', async () => {
    const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token-value.sig';
    const fake = createFakeFetch([
      { method: 'POST', path: /\/oauth2\/token/, reply: json(200, { access_token: token }) },
      { method: 'GET', path: /search/, reply: json(200, { value: [] }) },
    ]);
    const { client, logs } = setup(fake.fetch);
    await client.request({
      method: 'POST',
      url: 'https://login.test/tenant/oauth2/token?code=abc123secret',
      headers: { authorization: `Bearer ${token}` },
      body: `assertion=${token}&client_secret=hunter2`,
      operation: 'entra.obo',
    });
    await client.request({
      method: 'GET',
      url: "https://graph.test/v1.0/me/drive/root/search(q='salary%20review')?$top=5",
      operation: 'graph.driveSearch',
    });
    const lines = logs.lines();
    assert.equal(lines.length, 2);
    assert.equal(lines[0].operation, 'entra.obo');
    assert.equal(lines[0].method, 'POST');
    assert.equal(lines[0].host, 'login.test');
    assert.equal(lines[0].path, '/tenant/oauth2/token');
    assert.equal(lines[0].status, 200);
    assert.equal(typeof lines[0].ms, 'number');
    assert.equal(lines[0].requestId, 'req-200');
    assert.equal(lines[1].path, '/v1.0/me/drive/root/search(…)');
    const text = logs.text();
    for (const secret of [token, 'secret-token-value', 'abc123secret', 'hunter2', 'salary', 'Bearer']) {
      assert.ok(!text.includes(secret), `log contains ${secret}`);
    }
  });

  it('redacts share ids and function arguments from logged paths', () => {
    assert.deepEqual(redactUrlForLog('https://graph.microsoft.com/v1.0/shares/u!aHR0cHM6Ly9/driveItem?$select=id'), {
      host: 'graph.microsoft.com',
      path: '/v1.0/shares/…/driveItem',
    });
    assert.deepEqual(redactUrlForLog('not a url'), { host: '?', path: '?' });
  });

  it('offers a fetch-compatible adapter that goes through the layer', async () => {
    const fake = createFakeFetch([
      {
        method: 'POST',
        path: '/form',
        reply: (req) => json(201, { got: req.body, type: req.headers['content-type'] }),
      },
      { method: 'DELETE', path: '/gone', reply: new Response(null, { status: 204 }) },
    ]);
    const { client, logs } = setup(fake.fetch);
    const f = createHttpFetch(client, { operation: 'lib' });
    const res = await f('https://h.test/form', {
      method: 'POST',
      body: new URLSearchParams({ a: '1', b: 'x y' }),
      operation: 'lib.form',
    });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { got: 'a=1&b=x+y', type: 'application/x-www-form-urlencoded;charset=UTF-8' });
    const gone = await f(new URL('https://h.test/gone'), { method: 'DELETE' });
    assert.equal(gone.status, 204);
    assert.equal(fake.requests[0].headers['user-agent'], SHARE_LINK_USER_AGENT);
    assert.deepEqual(
      logs.lines().map((l) => l.operation),
      ['lib.form', 'lib'],
    );
  });

  describe('with the default transport (node:http, keep-alive) against a local server', () => {
    let server: http.Server;
    let base: string;
    let connections = 0;
    before(async () => {
      server = http.createServer((req, res) => {
        if (req.url === '/hang') return; // never answers
        if (req.url === '/big' || req.url === '/big-error') {
          res.writeHead(req.url === '/big' ? 200 : 500, { 'content-type': 'text/plain' });
          res.end('x'.repeat(ERROR_BODY_LIMIT_BYTES * 3));
          return;
        }
        if (req.url === '/cut') {
          // Promises 1000 bytes, sends 10, then drops the connection.
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          res.write('{"partial"');
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        }
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          res.setHeader('content-type', 'application/json');
          res.setHeader('request-id', 'local-1');
          res.end(
            JSON.stringify({
              ua: req.headers['user-agent'],
              id: req.headers['client-request-id'],
              accept: req.headers.accept,
              length: req.headers['content-length'],
              body,
            }),
          );
        });
      });
      server.on('connection', () => connections++);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('sends the decoration headers and the body over the wire and times out a silent server', async () => {
      const { client } = setup(undefined);
      const res = await client.request({
        method: 'POST',
        url: `${base}/hello`,
        headers: { 'content-type': 'application/json' },
        body: '{"ä":1}',
        operation: 't',
      });
      const seen = res.json<{ ua: string; id: string; accept: string; length: string; body: string }>();
      assert.equal(seen.ua, SHARE_LINK_USER_AGENT);
      assert.equal(seen.id, res.clientRequestId);
      assert.equal(seen.accept, '*/*');
      assert.equal(seen.length, String(Buffer.byteLength('{"ä":1}')));
      assert.equal(seen.body, '{"ä":1}');
      assert.equal(res.requestId, 'local-1');
      assert.equal(res.headers.get('content-type'), 'application/json');
      await rejectsWith(
        client.request({ method: 'GET', url: `${base}/hang`, timeoutMs: 100, operation: 't' }),
        'timeout',
      );
    });

    it('keeps the connection alive between calls', async () => {
      const { client } = setup(undefined);
      const before = connections;
      for (let i = 0; i < 5; i++) await client.request({ method: 'GET', url: `${base}/again`, operation: 't' });
      assert.equal(connections - before, 1);
    });

    it('reads at most 64 KB of an error body, refuses an oversized success body, and reports a cut answer', async () => {
      const logs = logCapture();
      const client = createHttpClient({
        userAgent: 'UA',
        log: createLogger('info', logs.stream),
        defaultTimeoutMs: 2000,
        maxBodyBytes: 1000,
      });
      const err = await client.request({ method: 'GET', url: `${base}/big-error`, operation: 't' });
      assert.equal(err.status, 500);
      assert.equal(err.body.length, ERROR_BODY_LIMIT_BYTES);
      assert.equal(err.truncated, true);
      await rejectsWith(client.request({ method: 'GET', url: `${base}/big`, operation: 't' }), 'tooLarge');
      await rejectsWith(client.request({ method: 'GET', url: `${base}/cut`, operation: 't' }), 'network');
    });

    it('stops when the caller aborts', async () => {
      const { client } = setup(undefined);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 20);
      await rejectsWith(
        client.request({ method: 'GET', url: `${base}/hang`, signal: controller.signal, operation: 't' }),
        'aborted',
      );
    });

    it('reports a refused connection as connect', async () => {
      const { client } = setup(undefined);
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      await rejectsWith(
        client.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 2000, operation: 't' }),
        'connect',
      );
    });
  });
});
