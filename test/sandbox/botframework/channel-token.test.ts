import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigurationBotFrameworkAuthentication, TeamsActivityHandler, type TurnContext } from 'botbuilder';
import type { MessagingExtensionQuery, MessagingExtensionResponse } from 'botbuilder';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/log';
import { createApp, listen, type RunningServer } from '../../../src/server';
import { createCloudAdapter } from '../../../bot/adapter';
import type { Sandbox } from '../../../sandbox/server';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import type { SigningKey } from '../../../sandbox/keys';
import { productionEnvFor, startTestSandbox } from '../helpers';

const APP = SANDBOX_IDENTITIES.app;
const SERVICE_URL = 'https://smba.trafficmanager.net/amer/';

class RecordingBot extends TeamsActivityHandler {
  turns = 0;
  /** The per-turn clients botbuilder put on each turn's state. */
  clients: Array<{ connector: unknown; userToken: unknown }> = [];
  protected override async handleTeamsMessagingExtensionQuery(
    ctx: TurnContext,
    _q: MessagingExtensionQuery,
  ): Promise<MessagingExtensionResponse> {
    this.turns += 1;
    const adapter = ctx.adapter as unknown as { ConnectorClientKey: symbol; UserTokenClientKey: symbol };
    this.clients.push({
      connector: ctx.turnState.get(adapter.ConnectorClientKey),
      userToken: ctx.turnState.get(adapter.UserTokenClientKey),
    });
    return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [] } };
  }
}

function queryActivity(overrides: Record<string, unknown> = {}) {
  return {
    type: 'invoke',
    name: 'composeExtension/query',
    id: 'activity-1',
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    from: { id: '29:1adele', aadObjectId: '0a1d0000-0000-4000-8000-0000000ade1e' },
    recipient: { id: `28:${APP.clientId}` },
    conversation: { id: 'a:conversation', tenantId: SANDBOX_IDENTITIES.homeTenantId },
    channelData: { tenant: { id: SANDBOX_IDENTITIES.homeTenantId } },
    value: { commandId: 'searchFiles', parameters: [{ name: 'query', value: 'budget' }] },
    ...overrides,
  };
}

describe('sandbox Bot Framework channel', () => {
  let sandbox: Sandbox;
  let running: RunningServer;
  const bot = new RecordingBot();

  before(async () => {
    sandbox = await startTestSandbox();
    const config = loadConfig(productionEnvFor(sandbox));
    assert.equal(config.mode, 'production');
    running = await listen(
      createApp({ log: createLogger('silent'), adapter: createCloudAdapter(config), bot }),
      '127.0.0.1',
      0,
    );
  });
  after(async () => {
    await running.close();
    await sandbox.close();
  });

  const send = (activity: Record<string, unknown>, authorization?: string) =>
    fetch(`${running.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(activity),
    });

  it('publishes metadata and a key endorsed for msteams', async () => {
    const meta = (await (await fetch(sandbox.endpoints.botFrameworkOpenIdMetadata)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    assert.equal(meta.issuer, 'https://api.botframework.com');
    const { keys } = (await (await fetch(meta.jwks_uri)).json()) as {
      keys: Array<{ kid: string; endorsements: string[] }>;
    };
    assert.equal(keys[0].kid, sandbox.keys.botframework.kid);
    assert.deepEqual(keys[0].endorsements, ['msteams']);
  });

  it('a correctly signed activity reaches the handler (200)', async () => {
    const activity = queryActivity();
    const before = bot.turns;
    const res = await send(activity, await sandbox.signActivity(activity));
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as MessagingExtensionResponse).composeExtension?.type, 'result');
    assert.equal(bot.turns, before + 1);
  });

  it('reuses the connector and Token Service clients across turns (one per service URL), not one per turn', async () => {
    const from = bot.clients.length;
    for (const serviceUrl of [SERVICE_URL, SERVICE_URL, 'https://smba.trafficmanager.net/emea/']) {
      const activity = queryActivity({ serviceUrl });
      const res = await send(activity, await sandbox.signActivity(activity));
      assert.equal(res.status, 200);
    }
    const [a, b, c] = bot.clients.slice(from);
    assert.ok(a.connector && a.userToken);
    assert.equal(b.connector, a.connector);
    assert.equal(b.userToken, a.userToken);
    assert.notEqual(c.connector, a.connector, 'another service URL gets its own connector');
    assert.equal((c.connector as { baseUri?: string }).baseUri, 'https://smba.trafficmanager.net/emea/');
    assert.equal(c.userToken, a.userToken);
  });

  it('checks a token once per channel and service URL until it expires; anything else is checked in full', async () => {
    const proto = ConfigurationBotFrameworkAuthentication.prototype;
    const original = proto.authenticateRequest;
    let checks = 0;
    proto.authenticateRequest = function (this: ConfigurationBotFrameworkAuthentication, ...args) {
      checks++;
      return original.apply(this, args);
    };
    try {
      const now = Math.floor(Date.now() / 1000);
      const token = `Bearer ${await sandbox.channelToken({ serviceUrl: SERVICE_URL, nowSeconds: now - 3599, lifetimeSeconds: 3601 })}`;
      for (let i = 0; i < 3; i++) assert.equal((await send(queryActivity(), token)).status, 200);
      assert.equal(checks, 1, 'the same token for the same channel and service URL is checked once');
      // The same token for another service URL: checked again, and refused (its serviceurl claim differs).
      const elsewhere = await send(queryActivity({ serviceUrl: 'https://smba.trafficmanager.net/emea/' }), token);
      assert.equal(elsewhere.status, 401);
      assert.equal(checks, 2);
      // Past its expiry it is checked again in full (botbuilder allows five minutes of clock skew, so it passes).
      await new Promise((r) => setTimeout(r, 2100));
      assert.equal((await send(queryActivity(), token)).status, 200);
      assert.equal(checks, 3);
    } finally {
      proto.authenticateRequest = original;
    }
  });

  it('refuses forged or mismatched tokens with 401, never 500', async () => {
    const activity = queryActivity();
    const now = Math.floor(Date.now() / 1000);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forgedKey: SigningKey = { kid: sandbox.keys.botframework.kid, privateKey, publicKey, publicJwk: {} };
    const cases: Array<[string, string | undefined, Record<string, unknown>?]> = [
      ['no token', undefined],
      [
        'expired beyond the 5-minute skew',
        `Bearer ${await sandbox.channelToken({ serviceUrl: SERVICE_URL, nowSeconds: now - 7200, lifetimeSeconds: 3600 })}`,
      ],
      [
        'wrong audience',
        `Bearer ${await sandbox.channelToken({ serviceUrl: SERVICE_URL, audience: '11111111-2222-4333-8444-555555555555' })}`,
      ],
      [
        'serviceurl claim differs from the activity',
        `Bearer ${await sandbox.channelToken({ serviceUrl: 'https://evil.example/' })}`,
      ],
      [
        'signed by another key carrying the real kid',
        `Bearer ${await sandbox.channelToken({ serviceUrl: SERVICE_URL, key: forgedKey })}`,
      ],
      [
        'wrong issuer',
        `Bearer ${await sandbox.channelToken({ serviceUrl: SERVICE_URL, issuer: 'https://evil.example' })}`,
      ],
      [
        'channel the key is not endorsed for',
        `Bearer ${await sandbox.channelToken({ serviceUrl: SERVICE_URL })}`,
        { channelId: 'webchat' },
      ],
    ];
    const before = bot.turns;
    for (const [name, auth, overrides] of cases) {
      const res = await send({ ...activity, ...overrides }, auth);
      assert.equal(res.status, 401, `${name}: got ${res.status}`);
    }
    assert.equal(bot.turns, before, 'no forged activity reached the handler');
  });
});
