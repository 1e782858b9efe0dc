import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { startChildApp } from './childApp';
import {
  CONTOSO,
  FABRIKAM,
  USERS,
  invokeActivity,
  plainFetch,
  startHarness,
  type CapturedCall,
  type Harness,
  type InvokeReply,
} from './harness';
import { searchValue } from './journeys';

const PEOPLE = [USERS.adele, USERS.megan, USERS.alex];
// Enough to put many misses in flight at once (160 before the fix: 52–87 fetches each), few enough that a busy
// 2-core machine still answers all within the budget: this test counts fetches; speed is the benchmark's job.
const INVOKES = 64;

/** Outbound calls grouped by path (query dropped), for "at most once per document" checks. */
function byPath(calls: CapturedCall[], pattern: RegExp): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const p = c.path.split('?')[0];
    if (pattern.test(p)) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return counts;
}

const OPENID_CONFIGURATION = /\/v2\.0\/\.well-known\/openid-configuration$/;
const ENTRA_KEYS = /\/discovery\/(v2\.0\/)?keys$/;

/** What the sandbox counted of the cold-start fetches: channel metadata/keys, Entra metadata/keys, app tokens. */
function coldFetches(h: Harness) {
  return {
    channelMetadata: h.sandbox.count('botframework.metadata'),
    channelKeys: h.sandbox.count('botframework.keys'),
    entraMetadata: h.sandbox.count('entra.metadata'),
    entraKeys: h.sandbox.count('entra.keys'),
    appTokens: h.sandbox.count('entra.token.client_credentials'),
  };
}

/** `n` invokes as Teams sends them: searches with an SSO token and action commands (Token Service), mixed. */
async function coldInvokes(h: Harness, n: number) {
  const sso = new Map<string, string>();
  for (const upn of PEOPLE) sso.set(upn, await h.sandbox.ssoToken(upn));
  const activities = Array.from({ length: n }, (_, i) => {
    const upn = PEOPLE[i % PEOPLE.length];
    return i % 2 === 0
      ? invokeActivity(h.user(upn), 'composeExtension/query', searchValue(sso.get(upn)))
      : invokeActivity(h.user(upn), 'composeExtension/fetchTask', {
          commandId: 'shareLink',
          commandContext: 'compose',
          context: { theme: 'default' },
        });
  });
  const signed = await Promise.all(activities.map((a) => h.sandbox.signActivity(a)));
  return { activities, signed };
}

/** /readyz's status and what its warm-up check says. */
async function readiness(baseUrl: string): Promise<{ status: number; warmUp?: { ok: boolean; error?: string } }> {
  const res = await plainFetch()(`${baseUrl}/readyz`);
  const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean; error?: string }> };
  return { status: res.status, warmUp: body.checks.find((c) => c.name === 'warm-up') };
}

/** Polls /readyz until it answers 200 (or `ms` have passed); resolves with the last status. */
async function untilReady(baseUrl: string, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let status = (await readiness(baseUrl)).status;
  while (status !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    status = (await readiness(baseUrl)).status;
  }
  return status;
}

/** The answer is the one a person expects: search results, or the share dialog. */
function served(activity: { name: string }, reply: InvokeReply): boolean {
  if (reply.status !== 200) return false;
  if (activity.name === 'composeExtension/query') return reply.body?.composeExtension?.type === 'result';
  return reply.body?.task?.type === 'continue';
}

/**
 * Issue 9, defect 6 (third bullet): a cold start under many concurrent invokes. Concurrent misses of the same key
 * share one request (channel OpenID metadata and keys, Entra metadata and keys, the bot's app token); what can be
 * warmed is warmed before /readyz says ready, and a failed warm-up keeps the process up and retries.
 */
describe('integration: cold start', function () {
  this.timeout(90_000);

  it(`${INVOKES} invokes at once on a fresh app: every document, key set and app token is fetched once, every answer is served`, async () => {
    // Metadata and token latency keep the first fetches in flight while the invokes arrive (as over a real network).
    const h = await startHarness({
      sandbox: { signedInUsers: PEOPLE, latencyProfile: { metadata: 300 } },
      waitForWarmUp: false,
    });
    try {
      const { activities, signed } = await coldInvokes(h, INVOKES);
      const replies = await Promise.all(activities.map((a, i) => h.send(a, { authorization: signed[i] })));
      const failed = replies
        .map((r, i) => [activities[i].name, r] as const)
        .filter(([name, r]) => !served({ name }, r));
      const slowest = Math.round(Math.max(...replies.map((r) => r.elapsedMs)));
      console.error(
        `COLD ${JSON.stringify({ ...coldFetches(h), obo: h.sandbox.count('entra.token.obo'), failed: failed.length, slowest, byPath: [...byPath(h.calls, OPENID_CONFIGURATION), ...byPath(h.calls, ENTRA_KEYS)] })}`,
      );
      assert.deepEqual(
        failed.map(([name, r]) => `${name}: ${r.status} ${String(JSON.stringify(r.body)).slice(0, 200)}`),
        [],
        `every answer is served (slowest ${slowest} ms)`,
      );
      const counts = coldFetches(h);
      const summary = JSON.stringify({ ...counts, obo: h.sandbox.count('entra.token.obo'), slowest });
      assert.ok(
        counts.channelMetadata <= 1,
        `channel OpenID metadata fetched ${counts.channelMetadata} times ${summary}`,
      );
      assert.ok(counts.channelKeys <= 1, `channel keys fetched ${counts.channelKeys} times ${summary}`);
      assert.ok(counts.appTokens <= 1, `bot app token requested ${counts.appTokens} times ${summary}`);
      for (const [doc, count] of byPath(h.calls, OPENID_CONFIGURATION))
        assert.ok(count <= 1, `Entra metadata ${doc} fetched ${count} times ${summary}`);
      for (const [doc, count] of byPath(h.calls, ENTRA_KEYS))
        assert.ok(count <= 1, `Entra keys ${doc} fetched ${count} times ${summary}`);
      assert.ok(
        h.sandbox.count('entra.token.obo') <= PEOPLE.length,
        `${h.sandbox.count('entra.token.obo')} OBO requests for ${PEOPLE.length} people`,
      );
    } finally {
      await h.close();
    }
  });

  it('/readyz is 503 naming what is still cold until warm-up is done; then the first invokes fetch nothing of it', async () => {
    const h = await startHarness({
      sandbox: { signedInUsers: PEOPLE, latencyProfile: { metadata: 1500, token: 1500 } },
      waitForWarmUp: false,
    });
    try {
      const early = await readiness(h.server.url);
      assert.equal(early.status, 503, JSON.stringify(early));
      assert.equal(early.warmUp?.ok, false, JSON.stringify(early));
      assert.match(early.warmUp?.error ?? '', /botframework-keys/);
      assert.match(early.warmUp?.error ?? '', /bot-token/);
      assert.equal(await untilReady(h.server.url, 20_000), 200, '/readyz says ready once warm-up is done');

      h.sandbox.resetStats();
      h.clearCalls();
      const { activities, signed } = await coldInvokes(h, 8);
      const replies = await Promise.all(activities.map((a, i) => h.send(a, { authorization: signed[i] })));
      replies.forEach((r, i) => assert.ok(served(activities[i], r), JSON.stringify(r.body).slice(0, 300)));
      assert.deepEqual(coldFetches(h), {
        channelMetadata: 0,
        channelKeys: 0,
        entraMetadata: 0,
        entraKeys: 0,
        appTokens: 0,
      });
    } finally {
      await h.close();
    }
  });

  describe('a warm-up that fails', () => {
    let sandbox: Sandbox;
    let cwd: string;
    before(async () => {
      sandbox = await startSandbox({ dataDir: path.resolve('.sandbox-data'), port: 0 });
      cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-cold-'));
    });
    after(async () => {
      await sandbox?.close();
      fs.rmSync(cwd, { recursive: true, force: true });
    });

    it('keeps the process up: /readyz 503 names what is not warm, and warm-up retries until it is', async () => {
      sandbox.faults.add({ kind: 'entra.metadata', status: 503 });
      sandbox.faults.add({ kind: 'botframework.metadata', status: 503 });
      const app = await startChildApp(sandbox, { SHARE_LOG_PATH: path.join(cwd, 'share-log.sqlite') }, cwd);
      try {
        await new Promise((r) => setTimeout(r, 1000));
        const cold = await readiness(app.url);
        assert.equal(cold.status, 503, JSON.stringify(cold));
        assert.equal(cold.warmUp?.ok, false, JSON.stringify(cold));
        assert.match(cold.warmUp?.error ?? '', /botframework-keys/);
        assert.match(cold.warmUp?.error ?? '', /tenant [0-9a-f-]{36} \(/);

        sandbox.faults.clear();
        assert.equal(await untilReady(app.url, 30_000), 200, 'warm once the dependencies answer again');
      } finally {
        await app.kill9();
      }
    });

    it("one allowed tenant's Entra documents failing degrades that tenant only: ready, and the others are served", async () => {
      // e.g. a tenant deleted from Entra but still listed: its metadata answers an error on every try.
      sandbox.faults.add({ path: `^/${FABRIKAM}/`, kind: 'entra.metadata', status: 503 });
      const app = await startChildApp(
        sandbox,
        { SHARE_LOG_PATH: path.join(cwd, 'share-log-tenants.sqlite'), ALLOWED_TENANT_IDS: `${CONTOSO},${FABRIKAM}` },
        cwd,
      );
      try {
        assert.equal(await untilReady(app.url, 30_000), 200, 'ready although Fabrikam cannot be warmed');
        const res = await plainFetch()(`${app.url}/readyz`);
        const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean; error?: string }> };
        const tenants = body.checks.find((c) => c.name === 'warm-up-tenants');
        assert.equal(tenants?.ok, false, JSON.stringify(body));
        assert.match(tenants?.error ?? '', new RegExp(`tenant ${FABRIKAM} \\(`));
        assert.doesNotMatch(tenants?.error ?? '', new RegExp(CONTOSO));
        const search = await app.send(
          invokeActivity(
            sandbox.user(USERS.adele),
            'composeExtension/query',
            searchValue(await sandbox.ssoToken(USERS.adele)),
          ),
        );
        assert.equal(search.status, 200);
        assert.equal(search.body?.composeExtension?.type, 'result', JSON.stringify(search.body).slice(0, 300));
      } finally {
        sandbox.faults.clear();
        await app.kill9();
      }
    });
  });
});
