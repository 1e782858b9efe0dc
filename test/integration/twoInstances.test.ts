import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { productionEnvFor } from '../../sandbox/appEnv';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { SANDBOX_IDENTITIES } from '../../sandbox/identities';
import { startAppProcess, type AppProcess } from '../helpers/appProcess';
import { requireRedisServer, startTestRedis, type TestRedis } from '../helpers/redisServer';
import { startRoundRobin, type RoundRobin } from '../helpers/roundRobin';
import { cardText, invokeActivity, plainFetch, USERS } from './harness';
import { searchValue } from './journeys';

/** An invoke's answer as the tests read it: any field may be there. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Reply = { status: number; body: any };

/**
 * Two app instances (real processes, production auth mode) against the sandbox, behind a round-robin balancer,
 * sharing their hot state in a real redis-server: idempotency, token caches, rate limit; Redis killed mid-load.
 */
describe('two instances behind a round-robin balancer, state shared in Redis', function () {
  this.timeout(120_000);
  let redis: TestRedis;
  let sandbox: Sandbox;
  let a: AppProcess;
  let b: AppProcess;
  let lb: RoundRobin;
  let tmp: string;
  /** Every SSO token the tests handed out: none may be in Redis. */
  const secrets = new Set<string>([SANDBOX_IDENTITIES.app.clientSecret]);
  const RATE_LIMIT = 8;

  before(async function () {
    requireRedisServer(this);
    redis = await startTestRedis();
    sandbox = await startSandbox({ dataDir: path.resolve('.sandbox-data'), port: 0 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-two-'));
    // One share log for both, as Azure Table Storage is in production (SQLite in WAL mode takes several processes).
    const env = productionEnvFor(sandbox.url, {
      SHARE_LOG_PATH: path.join(tmp, 'share-log.sqlite'),
      DATA_DIR: tmp,
      REDIS_URL: redis.url,
      REDIS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // Generous for a loaded 2-core CI machine; production's default is 50 ms.
      REDIS_TIMEOUT_MS: '250',
      SHARE_RATE_LIMIT: String(RATE_LIMIT),
      LOG_LEVEL: 'info',
    });
    // The working directory is the temp dir, so no env/ file of the checkout adds settings.
    [a, b] = await Promise.all([startAppProcess(env, tmp), startAppProcess(env, tmp)]);
    lb = await startRoundRobin([a.url, b.url]);
  });

  after(async () => {
    await lb?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await sandbox?.close();
    await redis?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function post(url: string, activity: object): Promise<Reply> {
    const authorization = await sandbox.signActivity(activity as { serviceUrl?: string });
    const res = await plainFetch()(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    let body: Reply['body'];
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body };
  }

  async function readyz(url: string) {
    const res = await plainFetch()(`${url}/readyz`);
    return { status: res.status, body: (await res.json()) as { status: string } };
  }

  function submit(upn: string, itemId: string, driveId: string, message: string) {
    const user = sandbox.user(upn);
    const megan = sandbox.user(USERS.megan);
    return invokeActivity(user, 'composeExtension/submitAction', {
      commandId: 'shareLink',
      commandContext: 'compose',
      data: {
        action: 'create',
        driveId,
        itemId,
        timeZone: 'Europe/Berlin',
        useOrganizationDefault: 'false',
        type: 'view',
        scope: 'users',
        recipients: upn === USERS.megan ? sandbox.user(USERS.lee).id : megan.id,
        sendNotification: 'true',
        message,
      },
    });
  }

  const isLinkCard = (r: Reply) => r.status === 200 && r.body?.composeExtension?.type === 'result';
  const permissionOf = (r: Reply) => JSON.stringify(r.body.composeExtension.attachments[0].content.refresh.action.data);

  async function assertNothingInClear() {
    const dump = await redis.dump();
    assert.ok(dump.length > 0, 'Redis holds shared state');
    const users = [USERS.adele, USERS.megan, USERS.lee, USERS.alex].map((u) => sandbox.user(u));
    const forbidden = [
      ...secrets,
      ...users.flatMap((u) => [u.id, u.userPrincipalName, u.teamsId]),
      SANDBOX_IDENTITIES.homeTenantId,
      'access_token',
      'secret',
      'Bearer',
      'https://',
    ].filter((s) => s.length >= 3);
    for (const { key, value } of dump) {
      // A JWT (two dot-separated base64url segments); sealed values are base64 after "v1." and hold no dot.
      assert.doesNotMatch(`${key} ${value}`, /eyJ[\w-]+\.eyJ[\w-]+/, `a JWT in ${key}`);
      for (const f of forbidden) {
        assert.ok(!key.includes(f), `"${f.slice(0, 20)}…" in the key ${key}`);
        assert.ok(!value.includes(f), `"${f.slice(0, 20)}…" in the value of ${key}: ${value.slice(0, 60)}`);
      }
    }
    return dump;
  }

  it('the same submit sent to both at once, then retried: one createLink, one notification e-mail', async () => {
    sandbox.signIn(USERS.adele);
    const links = sandbox.count('graph.createLink');
    const mails = sandbox.outbox().length;
    const activity = submit(USERS.adele, '01ADELE_BUDGET_XLSX', 'b!adele-onedrive', 'Numbers for both');
    const both = await Promise.all([post(a.url, activity), post(b.url, { ...activity })]);
    const retry = await post(lb.url, { ...activity });
    for (const r of [...both, retry]) assert.ok(isLinkCard(r), JSON.stringify(r.body).slice(0, 300));
    assert.equal(new Set([...both, retry].map(permissionOf)).size, 1, 'the same link on both instances');
    assert.equal(sandbox.count('graph.createLink') - links, 1, 'one createLink');
    assert.equal(sandbox.outbox().length - mails, 1, 'one notification e-mail');
  });

  it("a person's SSO search on A, then on B: one OBO request; msal's shared partition alone also spares it", async () => {
    const sso = await sandbox.ssoToken(USERS.megan);
    secrets.add(sso);
    const megan = sandbox.user(USERS.megan);
    const query = () => invokeActivity(megan, 'composeExtension/query', searchValue(sso));
    const obo = sandbox.count('entra.token.obo');
    const onA = await post(a.url, query());
    const onB = await post(b.url, query());
    for (const r of [onA, onB]) assert.equal(r.body?.composeExtension?.type, 'result', JSON.stringify(r.body));
    assert.equal(sandbox.count('entra.token.obo') - obo, 1, 'one OBO for both instances');

    // Without the broker's shared Graph-token cache, msal's token cache (one encrypted partition per person in
    // Redis, loaded through its cache plugin) still has the OBO result for this SSO token.
    const client = (await import('ioredis')).Redis;
    const r = new client(redis.url);
    const keys = await r.keys('sharelink:graph-token:*');
    assert.ok(keys.length >= 1 && (await r.keys('sharelink:msal:*')).length >= 1);
    await r.del(...keys);
    await r.quit();
    const again = await post(b.url, query());
    assert.equal(again.body?.composeExtension?.type, 'result');
    assert.equal(sandbox.count('entra.token.obo') - obo, 1, 'msal found the OBO result another instance stored');
  });

  it('the per-person share limit holds across both instances, with a clear card', async () => {
    sandbox.signIn(USERS.alex);
    const answers = [];
    for (let i = 0; i < RATE_LIMIT; i++) {
      answers.push(await post(lb.url, submit(USERS.alex, '01ALEX_PLAN_DOCX', 'b!alex-onedrive', `take ${i}`)));
    }
    for (const r of answers) assert.ok(isLinkCard(r), JSON.stringify(r.body).slice(0, 300));
    const over = await post(lb.url, submit(USERS.alex, '01ALEX_PLAN_DOCX', 'b!alex-onedrive', 'one too many'));
    assert.equal(over.status, 200);
    assert.equal(over.body?.task?.type, 'continue', JSON.stringify(over.body).slice(0, 300));
    const text = cardText(over.body.task.value.card.content);
    assert.match(text, /more than Share Link allows for one person/);
    assert.match(text, /Try again in \d+ seconds/);
    assert.ok(lb.counts[0] >= RATE_LIMIT / 2 && lb.counts[1] >= RATE_LIMIT / 2, `${lb.counts}`);
  });

  it('after these runs, no token, secret, person or link is in Redis in clear (every key and value scanned)', async () => {
    const dump = await assertNothingInClear();
    assert.ok(dump.some((e) => e.key.includes(':msal:')) && dump.some((e) => e.key.includes(':idem:')));
  });

  it('Redis killed in the middle of a load run: no 5xx, nothing lost or duplicated per instance; back without a restart', async () => {
    for (const u of [USERS.adele, USERS.megan, USERS.lee]) sandbox.signIn(u);
    sandbox.faults.latencyProfile = { createLink: 60, itemLookup: 20 };
    const links = sandbox.count('graph.createLink');
    const mails = sandbox.outbox().length;
    const people = [
      { upn: USERS.adele, drive: 'b!adele-onedrive', item: '01ADELE_PLAN_DOCX' },
      { upn: USERS.megan, drive: 'b!megan-onedrive', item: '01MEGAN_PLAN_DOCX' },
      { upn: USERS.lee, drive: 'b!lee-onedrive', item: '01LEE_PLAN_DOCX' },
    ];
    const PER_PERSON = 6;
    const total = people.length * PER_PERSON;
    const answers: Reply[] = [];
    let done = 0;
    const degradedSeen: string[] = [];
    const chaos = (async () => {
      while (done < total / 3) await new Promise((r) => setTimeout(r, 10));
      await redis.kill();
      // While Redis is down both instances keep serving and say so.
      for (const [name, app] of [['A', a] as const, ['B', b] as const]) {
        for (let i = 0; i < 50; i++) {
          const r = await readyz(app.url);
          if (r.body.status === 'degraded') {
            assert.equal(r.status, 200);
            degradedSeen.push(name);
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      while (done < (2 * total) / 3) await new Promise((r) => setTimeout(r, 10));
      await redis.restart();
    })();
    await Promise.all(
      people.map(async (p, w) => {
        for (let i = 0; i < PER_PERSON; i++) {
          // Each share, then its retry on the same instance (Teams retries an invoke it got no answer to in time).
          const target = (i + w) % 2 === 0 ? a : b;
          const activity = submit(p.upn, p.item, p.drive, `load ${w}-${i}`);
          const first = await post(target.url, activity);
          const retry = await post(target.url, { ...activity });
          answers.push(first, retry);
          assert.ok(isLinkCard(first) && isLinkCard(retry), JSON.stringify([first.body, retry.body]).slice(0, 400));
          assert.equal(permissionOf(first), permissionOf(retry));
          done++;
        }
      }),
    );
    await chaos;
    sandbox.faults.latencyProfile = {};
    assert.deepEqual(degradedSeen.sort(), ['A', 'B'], '/readyz said "degraded" on both while Redis was down');
    assert.ok(answers.every((r) => r.status < 500));
    assert.equal(sandbox.count('graph.createLink') - links, total, 'each share created once: none lost, none twice');
    assert.equal(sandbox.outbox().length - mails, total, 'one e-mail per share');

    // Redis is back: both instances see it again by themselves, and cross-instance idempotency works again.
    for (const [name, app] of [['A', a] as const, ['B', b] as const]) {
      let status = '';
      for (let i = 0; i < 100 && status !== 'ready'; i++) {
        status = (await readyz(app.url)).body.status;
        if (status !== 'ready') await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 'ready', `${name} uses Redis again`);
    }
    const again = submit(USERS.megan, '01MEGAN_BUDGET_XLSX', 'b!megan-onedrive', 'after the outage');
    const before = sandbox.count('graph.createLink');
    const both = await Promise.all([post(a.url, again), post(b.url, { ...again })]);
    for (const r of both) assert.ok(isLinkCard(r));
    assert.equal(sandbox.count('graph.createLink') - before, 1, 'shared again: one createLink for both');
    for (const [name, app] of [['A', a] as const, ['B', b] as const]) {
      const outages = app.lines.filter((l) =>
        l.includes('Redis unavailable: serving with per-process state until'),
      ).length;
      assert.ok(outages >= 1 && outages <= 2, `${name} logged the outage once (${outages})`);
      assert.ok(app.lines.some((l) => l.includes('Redis is back')));
      assert.ok(!app.lines.some((l) => l.includes(redis.url)), 'the Redis URL is never logged');
    }
    await assertNothingInClear();
  });
});
