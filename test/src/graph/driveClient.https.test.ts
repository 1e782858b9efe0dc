import { strict as assert } from 'node:assert';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { systemClock } from '../../../src/clock';
import { createDriveClient } from '../../../src/graph/driveClient';
import { createHttpClient, SHARE_LINK_USER_AGENT } from '../../../src/http/httpClient';
import { createLogger } from '../../../src/log';
import { ensureSandboxTls } from '../../../sandbox/tls';
import { processTrustsSandbox } from '../../../sandbox/trust';

/** The whole real stack (Graph SDK 3.0.7 → middleware → HTTP layer → undici → TLS) against a local https server. */
describe('graph drive client over real https', () => {
  const dataDir = process.env.SANDBOX_DATA_DIR || path.resolve('.sandbox-data');
  let server: https.Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; auth?: string; ua?: string; body: string }> = [];
  let throttleNext = true;

  before(async function () {
    if (!processTrustsSandbox(dataDir)) this.skip(); // run through scripts/with-sandbox-ca
    const tls = ensureSandboxTls(dataDir);
    server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          ua: req.headers['user-agent'],
          body,
        });
        if (throttleNext) {
          throttleNext = false;
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'tooManyRequests', message: 'slow down' } }));
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json', 'request-id': 'srv-1' });
        res.end(
          JSON.stringify({
            id: 'perm-1',
            roles: ['read'],
            link: { type: 'view', scope: 'organization', webUrl: 'https://x/y' },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the bearer token over https to the configured host and retries a 429 within the deadline', async () => {
    const log = createLogger('silent');
    const http = createHttpClient({ userAgent: SHARE_LINK_USER_AGENT, log, defaultTimeoutMs: 5000 });
    const graph = createDriveClient({ baseUrl: base, http, clock: systemClock, log });
    const res = await graph.createLink(
      { kind: 'me', itemId: '01A' },
      { type: 'view', scope: 'organization' },
      { token: 'tok-123', deadline: Date.now() + 3000 },
    );
    assert.equal(res.status, 201);
    assert.equal(res.permission.id, 'perm-1');
    assert.equal(seen.length, 2);
    for (const s of seen) {
      assert.equal(s.method, 'POST');
      assert.equal(s.url, '/v1.0/me/drive/items/01A/createLink');
      assert.equal(s.auth, 'Bearer tok-123');
      assert.equal(s.ua, SHARE_LINK_USER_AGENT);
      assert.deepEqual(JSON.parse(s.body), { type: 'view', scope: 'organization' });
    }
  });
});
