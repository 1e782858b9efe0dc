import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { ConnectorClient, MsalAppCredentials } from 'botframework-connector';
import type { Sandbox } from '../../../sandbox/server';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import { mintAppToken } from '../../../sandbox/tokens';
import { signJwt } from '../../../sandbox/jwt';
import { effectivePageSize } from '../../../sandbox/botframework/connector';
import { botToken as botTokenOf, startTestSandbox } from '../helpers';

const APP = SANDBOX_IDENTITIES.app;
const FALCON_TEAM = '19:team@thread.skype';
const FALCON_CHANNEL = '19:9d3c71104f8c49128368b23a5eaeb86d@thread.skype';
const FALCON_PRIVATE = '19:falcon-legal-private@thread.tacv2';
const FALCON_SHARED = '19:falcon-partners-shared@thread.tacv2';
const FALCON_PRIVATE_NO_APP = '19:falcon-hr-private@thread.tacv2';
const NO_APP_TEAM = '19:contoso-sales@thread.tacv2';
const EVERYONE_TEAM = '19:contoso-everyone@thread.tacv2';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/**
 * The sandbox's Bot Connector (`{serviceUrl}v3/conversations/{id}/pagedmembers`): bot-token check, the Teams
 * roster's page sizes and continuation, TeamsChannelAccount shapes, and the errors botbuilder sees.
 */
describe('sandbox Bot Connector: conversation paged members', () => {
  let sandbox: Sandbox;
  let connector: ConnectorClient;

  before(async () => {
    sandbox = await startTestSandbox();
    const cca = new ConfidentialClientApplication({
      auth: { clientId: APP.clientId, clientSecret: APP.clientSecret, ...sandbox.msalAuthority('botframework.com') },
    });
    // The client botbuilder's CloudAdapter builds for a turn: the activity's serviceUrl, the bot's app token.
    connector = new ConnectorClient(
      new MsalAppCredentials(
        cca as never,
        APP.clientId,
        sandbox.endpoints.botFrameworkLoginUrl,
        'https://api.botframework.com',
      ),
      { baseUri: sandbox.endpoints.connectorServiceUrl },
    );
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  /** One page through botbuilder's client (its typings want both options; TeamsInfo passes an undefined token). */
  const paged = (conversationId: string, pageSize: number, continuationToken?: string) =>
    connector.conversations.getConversationPagedMembers(conversationId, {
      pageSize,
      continuationToken: continuationToken as string,
    });

  const botToken = () => botTokenOf(sandbox);

  const pagedUrl = (conversationId: string, query: Record<string, string> = {}) => {
    const qs = new URLSearchParams(query).toString();
    return `${sandbox.endpoints.connectorServiceUrl}v3/conversations/${encodeURIComponent(conversationId)}/pagedmembers${qs ? `?${qs}` : ''}`;
  };
  const get = async (url: string, authorization?: string) => {
    const res = await fetch(url, authorization ? { headers: { authorization } } : {});
    return { status: res.status, body: (await res.json()) as Json };
  };

  it("serves the team roster to botbuilder's ConnectorClient as TeamsChannelAccounts (a B2B guest too)", async () => {
    const page = await paged(FALCON_TEAM, 51);
    assert.equal(page.continuationToken, undefined, 'one page holds the whole team');
    const members = page.members as Json[];
    assert.deepEqual(
      members.map((m) => m.name),
      ['Adele Vance', 'Megan Bowen', 'Alex Wilber', 'Lee Gu', 'Diego Siciliani', 'Riley Chen'],
    );
    assert.deepEqual(members[1], {
      id: '29:1megan',
      name: 'Megan Bowen',
      aadObjectId: '0a1d0000-0000-4000-8000-000000000e9a',
      givenName: 'Megan',
      surname: 'Bowen',
      email: 'megan@contoso.example',
      userPrincipalName: 'megan@contoso.example',
      tenantId: SANDBOX_IDENTITIES.homeTenantId,
      userRole: 'user',
    });
    const riley = members[5];
    assert.equal(riley.userRole, 'guest');
    assert.equal(riley.userPrincipalName, 'riley_northwind.example#EXT#@contoso.example');
    assert.equal(riley.email, 'riley@northwind.example');
    assert.equal(riley.tenantId, SANDBOX_IDENTITIES.homeTenantId, 'the guest account lives in the host tenant');
    assert.ok(members.every((m) => /^29:/.test(m.id)));
  });

  it("a standard channel of the team answers with the team's roster", async () => {
    const byChannel = await paged(FALCON_CHANNEL, 60);
    assert.equal(byChannel.members?.length, 6);
  });

  it("a private channel answers with its own members, a strict subset of the team's; the team id still with the team's", async () => {
    const names = async (id: string) => ((await paged(id, 60)).members as Json[]).map((m) => m.name);
    assert.deepEqual(await names(FALCON_PRIVATE), ['Adele Vance', 'Megan Bowen', 'Diego Siciliani']);
    assert.deepEqual(
      await names(`${FALCON_PRIVATE};messageid=1700000000000`),
      ['Adele Vance', 'Megan Bowen', 'Diego Siciliani'],
      'a reply chain of the channel is the channel',
    );
    assert.equal((await names(FALCON_TEAM)).length, 6);
  });

  it('a shared channel answers with its direct members, one of another organization with their home tenant', async () => {
    const members = (await paged(FALCON_SHARED, 60)).members as Json[];
    assert.deepEqual(
      members.map((m) => [m.name, m.tenantId]),
      [
        ['Adele Vance', 'a1b2c3d4-0000-4000-8000-00000000c0de'],
        ['Alex Wilber', 'a1b2c3d4-0000-4000-8000-00000000c0de'],
        ['Noah Fabrikam', 'f0f0f0f0-0000-4000-8000-0000000fab01'],
      ],
    );
  });

  it('a private channel Share Link was not added to (though the team has it): 403 BotNotInConversationRoster', async () => {
    await assert.rejects(paged(FALCON_PRIVATE_NO_APP, 51), (err: Json) => err.statusCode === 403);
    assert.equal((await paged(FALCON_TEAM, 51)).members?.length, 6);
  });

  it("a continuation token of the team's roster is refused for one of its private channels", async () => {
    sandbox.setRosterPageSize(4);
    const page = await paged(FALCON_TEAM, 51);
    const raw = await get(
      pagedUrl(FALCON_PRIVATE, { continuationToken: page.continuationToken as string }),
      `Bearer ${await botToken()}`,
    );
    assert.equal(raw.status, 400);
  });

  it('page sizes as documented: default 200, below 50 → 50, above 500 → 500; the continuation token walks the rest', async () => {
    assert.equal(effectivePageSize(undefined), 200);
    assert.equal(effectivePageSize('10'), 50);
    assert.equal(effectivePageSize('100'), 100);
    assert.equal(effectivePageSize('9000'), 500);
    assert.equal(effectivePageSize('51', 4), 4, 'a smaller served size wins');

    const auth = `Bearer ${await botToken()}`;
    const first = await get(pagedUrl(EVERYONE_TEAM, { pageSize: '10' }), auth);
    assert.equal(first.status, 200);
    assert.equal(first.body.members.length, 50, 'asked for 10, served 50');
    assert.ok(first.body.continuationToken);
    const second = await get(
      pagedUrl(EVERYONE_TEAM, { pageSize: '10', continuationToken: first.body.continuationToken }),
      auth,
    );
    assert.equal(second.body.members.length, 22, '72 people in all');
    assert.equal(second.body.continuationToken, undefined, 'the last page has no token');
    const ids = new Set([...first.body.members, ...second.body.members].map((m: Json) => m.aadObjectId));
    assert.equal(ids.size, 72, 'nobody twice, nobody missing');
    const whole = await get(pagedUrl(EVERYONE_TEAM), auth);
    assert.equal(whole.body.members.length, 72, 'default page size 200');
  });

  it('the served page size can be made smaller than asked (sandbox control), as the docs leave it to the service', async () => {
    sandbox.setRosterPageSize(4);
    const page = await paged(FALCON_TEAM, 51);
    assert.equal(page.members?.length, 4);
    const rest = await paged(FALCON_TEAM, 51, page.continuationToken);
    assert.equal(rest.members?.length, 2);
    assert.equal(rest.continuationToken, undefined);
    assert.throws(() => sandbox.setRosterPageSize(0), /positive whole number/);
  });

  it('a team the bot is not in: 403 BotNotInConversationRoster, which botbuilder throws as a RestError with statusCode 403', async () => {
    await assert.rejects(paged(NO_APP_TEAM, 51), (err: Json) => {
      assert.equal(err.statusCode, 403);
      assert.equal(err.code, 'BotNotInConversationRoster');
      assert.equal(err.message, 'The bot is not part of the conversation roster.');
      return true;
    });
    const raw = await get(pagedUrl(NO_APP_TEAM), `Bearer ${await botToken()}`);
    assert.deepEqual(raw, {
      status: 403,
      body: {
        error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' },
      },
    });
  });

  it('an unknown conversation: 404 ConversationNotFound; a bad continuation token: 400', async () => {
    const auth = `Bearer ${await botToken()}`;
    assert.deepEqual(await get(pagedUrl('19:nobody@thread.tacv2'), auth), {
      status: 404,
      body: { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } },
    });
    const bad = await get(pagedUrl(FALCON_TEAM, { continuationToken: 'not-a-token' }), auth);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'BadArgument');
  });

  it('refuses calls without a valid bot token (missing, forged, for Graph, for another app) with 401', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await signJwt(
      { kid: sandbox.keys.entra.kid, privateKey, publicKey, publicJwk: {} },
      {
        aud: 'https://api.botframework.com',
        iss: `${sandbox.url}/botframework.com/v2.0`,
        tid: 'botframework.com',
        appid: APP.clientId,
      },
    );
    const appToken = (audience: string, clientAppId: string) =>
      mintAppToken(sandbox.keys.entra, sandbox.url, {
        tenantId: 'botframework.com',
        audience,
        clientAppId,
        servicePrincipalId: '00000000-0000-4000-8000-000000000001',
      });
    const cases: Array<[string, string | undefined]> = [
      ['no Authorization header', undefined],
      ['forged under the real kid', `Bearer ${forged}`],
      ['a Graph token', `Bearer ${await appToken('https://graph.microsoft.com', APP.clientId)}`],
      [
        'another app',
        `Bearer ${await appToken('https://api.botframework.com', '11111111-2222-4333-8444-555555555555')}`,
      ],
    ];
    for (const [what, authorization] of cases) {
      const res = await get(pagedUrl(FALCON_TEAM), authorization);
      assert.deepEqual(
        res,
        { status: 401, body: { message: 'Authorization has been denied for this request.' } },
        what,
      );
    }
    assert.equal((await get(pagedUrl(FALCON_TEAM), `Bearer ${await botToken()}`)).status, 200, 'the real one works');
  });

  it('fidelity rosterObjectIdField: members carry `objectId` instead of `aadObjectId`, and botbuilder keeps it', async () => {
    sandbox.setFidelity({ rosterObjectIdField: true });
    const page = await paged(FALCON_TEAM, 51);
    const megan = (page.members as Json[])[1];
    assert.equal(megan.objectId, '0a1d0000-0000-4000-8000-000000000e9a');
    assert.equal(megan.aadObjectId, undefined);
  });
});
