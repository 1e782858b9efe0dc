import { strict as assert } from 'node:assert';
import { assertSensible } from '../helpers/sensibleOutput';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SigningKey } from '../../sandbox/keys';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import { CONTOSO, FABRIKAM, SERVICE_URL, USERS, invokeActivity, startHarness, type Harness } from './harness';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'test', 'contracts', 'examples');

/** Issue 5 (6) and (7): channel authentication, tenant allow-list, malformed payloads, recorded Teams payloads. */
describe('integration: inbound security and recorded payloads', function () {
  this.timeout(20_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele, USERS.noah] } });
  });
  after(async () => {
    await h?.close();
  });

  const fetchTask = () =>
    invokeActivity(h.user(USERS.adele), 'composeExtension/fetchTask', {
      commandId: 'shareLink',
      commandContext: 'compose',
    });

  describe('(6) channel JWTs', () => {
    it('accepts a correctly signed activity (the baseline the negative cases differ from)', async () => {
      const reply = await h.send(fetchTask());
      assert.equal(reply.status, 200);
      assert.equal(reply.body.task.type, 'continue');
    });

    it('answers 401 (not 500) to a missing, forged, expired or foreign-audience token, and never runs the bot', async () => {
      const now = Math.floor(Date.now() / 1000);
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forged: SigningKey = { kid: h.sandbox.keys.botframework.kid, privateKey, publicKey, publicJwk: {} };
      const cases: Array<[string, string | null]> = [
        ['no Authorization header', null],
        [
          'signed with another key under the real kid',
          `Bearer ${await h.sandbox.channelToken({ serviceUrl: SERVICE_URL, key: forged })}`,
        ],
        [
          'expired an hour ago',
          `Bearer ${await h.sandbox.channelToken({ serviceUrl: SERVICE_URL, nowSeconds: now - 7200, lifetimeSeconds: 3600 })}`,
        ],
        [
          'for another bot',
          `Bearer ${await h.sandbox.channelToken({ serviceUrl: SERVICE_URL, audience: '11111111-2222-4333-8444-555555555555' })}`,
        ],
        ['not a JWT at all', 'Bearer not-a-jwt'],
      ];
      h.sandbox.resetStats();
      for (const [what, authorization] of cases) {
        const reply = await h.send(fetchTask(), { authorization });
        assert.equal(reply.status, 401, `${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      assert.equal(h.sandbox.count('tokenservice.'), 0, 'no token lookup for unauthenticated activities');
      assert.equal(h.sandbox.count('graph.'), 0);
    });

    it('the app calls the Bot Connector only at the serviceUrl the channel signed: a swapped serviceUrl is refused (401) first', async () => {
      const signedFor = h.sandbox.endpoints.connectorServiceUrl;
      const channelInvoke = (serviceUrl: string) =>
        invokeActivity(
          h.user(USERS.adele),
          'composeExtension/submitAction',
          {
            commandId: 'shareLink',
            commandContext: 'compose',
            data: { action: 'pick', driveId: GRAPH_SEED.drives.adele, itemId: GRAPH_SEED.items.adelePlanDocx },
          },
          { conversationType: 'channel', teamId: '19:team@thread.skype', serviceUrl },
        );
      const authorization = await h.sandbox.signActivity({ serviceUrl: signedFor });
      h.sandbox.resetStats();
      for (const hostile of [
        'https://attacker.example/amer/',
        `${signedFor}../evil/`,
        signedFor.replace('https', 'http'),
      ]) {
        const reply = await h.send(channelInvoke(hostile), { authorization });
        assert.equal(reply.status, 401, `${hostile}: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      assert.equal(h.sandbox.count('botframework.connector'), 0, 'no roster call, so no bot token sent anywhere');
      assert.equal(h.sandbox.count('tokenservice.'), 0);
      // The baseline: the same token with the serviceUrl it was signed for reaches the connector.
      const ok = await h.send(channelInvoke(signedFor), { authorization });
      assert.equal(ok.status, 200);
      assert.equal(h.sandbox.count('botframework.connector'), 1);
    });
  });

  describe('(6) tenants and payloads', () => {
    it('refuses an activity from a tenant that is not on the allow-list (Fabrikam), without touching Graph', async () => {
      h.sandbox.resetStats();
      const noah = h.user(USERS.noah);
      assert.equal(noah.tenantId, FABRIKAM);
      const reply = await h.send(
        invokeActivity(noah, 'composeExtension/fetchTask', { commandId: 'shareLink', commandContext: 'compose' }),
      );
      assert.equal(reply.status, 403);
      assert.equal(reply.body.error.code, 'TenantNotAllowed');
      const query = await h.send(
        invokeActivity(noah, 'composeExtension/query', {
          commandId: 'findFile',
          parameters: [{ name: 'query', value: 'plan' }],
          authentication: { token: await h.sandbox.ssoToken(USERS.noah) },
        }),
      );
      assert.equal(query.status, 403);
      // Invokes that need no Graph token (a card refresh) are refused all the same.
      const refresh = await h.send(
        invokeActivity(noah, 'adaptiveCard/action', {
          action: {
            type: 'Action.Execute',
            verb: 'refreshLinkCard',
            data: { permissionId: 'p', driveId: 'd', itemId: 'i' },
          },
          trigger: 'automatic',
        }),
      );
      // Universal Actions answer in their own envelope (HTTP 200); 403 is not in its table, so a 400 error.
      assert.equal(refresh.status, 200);
      assert.deepEqual(
        [refresh.body.statusCode, refresh.body.type, refresh.body.value.code],
        [400, 'application/vnd.microsoft.error', 'TenantNotAllowed'],
      );
      assert.equal(h.sandbox.count('graph.'), 0);
      assert.equal(h.sandbox.count('entra.token.obo'), 0);
    });

    it("refuses an activity claiming an allowed tenant for a Fabrikam user's SSO token", async () => {
      const noah = h.user(USERS.noah);
      const reply = await h.send(
        invokeActivity(
          noah,
          'composeExtension/query',
          {
            commandId: 'findFile',
            parameters: [{ name: 'query', value: 'plan' }],
            authentication: { token: await h.sandbox.ssoToken(USERS.noah) },
          },
          { tenantId: CONTOSO },
        ),
      );
      assert.ok(reply.status === 401 || reply.status === 403, `${reply.status} ${JSON.stringify(reply.body)}`);
    });

    const adele = () => h.user(USERS.adele);
    const malformed: Array<[string, () => object]> = [
      [
        'fetchTask without commandId',
        () => invokeActivity(adele(), 'composeExtension/fetchTask', { commandContext: 'compose' }),
      ],
      [
        'query whose commandId is a number',
        () => invokeActivity(adele(), 'composeExtension/query', { commandId: 42, parameters: 'plan' }),
      ],
      [
        'submitAction whose value is a string',
        () => invokeActivity(adele(), 'composeExtension/submitAction', 'garbage'),
      ],
      [
        'submitAction with an unknown action',
        () =>
          invokeActivity(adele(), 'composeExtension/submitAction', {
            commandId: 'shareLink',
            data: { action: 'format-disk' },
          }),
      ],
      [
        'submitAction create with a driveId that is an object',
        () =>
          invokeActivity(adele(), 'composeExtension/submitAction', {
            commandId: 'shareLink',
            data: { action: 'create', driveId: { $ne: 1 }, itemId: 'x' },
          }),
      ],
      [
        'selectItem without ids',
        () => invokeActivity(adele(), 'composeExtension/selectItem', { action: 'selectItem' }),
      ],
      ['queryLink with a non-URL', () => invokeActivity(adele(), 'composeExtension/queryLink', { url: 'not a link' })],
      [
        'card action with an unknown verb',
        () =>
          invokeActivity(adele(), 'adaptiveCard/action', {
            action: {
              type: 'Action.Execute',
              verb: 'deleteEverything',
              data: { permissionId: 'p', driveId: 'd', itemId: 'i' },
            },
          }),
      ],
      [
        'card action without data',
        () =>
          invokeActivity(adele(), 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'revokeLink' } }),
      ],
      [
        'an invoke without from.aadObjectId',
        () => invokeActivity(adele(), 'composeExtension/fetchTask', { commandId: 'shareLink' }, { aadObjectId: null }),
      ],
      ['value null', () => invokeActivity(adele(), 'composeExtension/query', null)],
    ];
    for (const [what, build] of malformed) {
      it(`${what} → a 400-class answer and a log line, never a 5xx`, async () => {
        const before = h.logs.length;
        const reply = await h.send(build());
        const cardError = reply.body?.type === 'application/vnd.microsoft.error' ? reply.body.statusCode : undefined;
        const status = cardError ?? reply.status;
        assert.ok(status >= 400 && status < 500, `${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
        const lines = h.logs.slice(before).map((l) => JSON.parse(l) as { level: number; msg: string });
        assert.ok(
          lines.some((l) => l.level >= 40),
          `${what}: a warning was logged (${lines.map((l) => l.msg).join(' | ')})`,
        );
        assert.ok(
          !lines.some((l) => l.msg === 'invoke failed' || l.msg === 'unhandled turn error'),
          'not an unexpected failure',
        );
      });
    }

    it('keeps serving after all that', async () => {
      const reply = await h.send(fetchTask());
      assert.equal(reply.status, 200);
    });
  });

  describe('(7) recorded Teams payloads (tenant, user and ids adapted, then signed)', () => {
    const files = fs.readdirSync(EXAMPLES).filter((f) => /^teams-invoke-.*\.json$/.test(f));

    it('the examples are all there', () => {
      assert.ok(files.length >= 7, files.join());
    });

    for (const file of fs.readdirSync(EXAMPLES).filter((f) => /^teams-invoke-.*\.json$/.test(f))) {
      it(`${file} is answered without a 5xx`, async () => {
        const recorded = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        const user = h.user(USERS.adele);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const activity: Record<string, any> = {
          ...recorded,
          channelId: 'msteams',
          serviceUrl: SERVICE_URL,
          from: { ...(recorded.from ?? {}), id: user.teamsId, aadObjectId: user.id, name: user.displayName },
          conversation: {
            ...(recorded.conversation ?? { id: 'conversationId', conversationType: 'personal' }),
            tenantId: CONTOSO,
          },
          channelData: { ...(recorded.channelData ?? {}), tenant: { id: CONTOSO } },
        };
        // A pasted link the sandbox knows, so unfurling exercises the real lookup.
        if (activity.name === 'composeExtension/queryLink')
          activity.value = {
            ...activity.value,
            url: 'https://contoso-my.sharepoint.example/personal/adele_contoso_example/Documents/Plan.docx',
          };
        const before = h.logs.length;
        const reply = await h.send(activity);
        assert.ok(reply.status < 500, `${file}: ${reply.status} ${JSON.stringify(reply.body)}`);
        // Issue 10 replay: what the person sees holds no "undefined", "null" or year-1 date.
        assertSensible(reply.body, file);
        const errors = h.logs
          .slice(before)
          .map((l) => JSON.parse(l) as { level: number; msg: string })
          .filter((l) => l.level >= 50);
        assert.deepEqual(
          errors.map((l) => l.msg),
          [],
          'no error-level log line',
        );
        if (activity.name === 'composeExtension/queryLink') {
          assert.equal(reply.body.composeExtension.type, 'result');
          assert.equal(
            reply.body.composeExtension.attachments[0].preview.content.tap.value.itemId,
            GRAPH_SEED.items.adelePlanDocx,
          );
        }
      });
    }
  });
});
