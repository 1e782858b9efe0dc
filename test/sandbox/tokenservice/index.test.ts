import { strict as assert } from 'node:assert';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { MsalAppCredentials, MsalServiceClientCredentialsFactory, type UserTokenClient } from 'botframework-connector';
import { UserTokenClientImpl } from 'botframework-connector/lib/auth/userTokenClientImpl';
import {
  TeamsActivityHandler,
  type TurnContext,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
} from 'botbuilder';
import { decodeJwt } from 'jose';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/log';
import { createApp, listen } from '../../../src/server';
import { createCloudAdapter } from '../../../bot/adapter';
import type { Sandbox } from '../../../sandbox/server';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import { defaultConnections } from '../../../sandbox/tokenservice';
import { botToken, productionEnvFor, startTestSandbox } from '../helpers';

const APP = SANDBOX_IDENTITIES.app;
const CONNECTION = APP.oauthConnectionName;

function activityFor(teamsUserId: string) {
  return {
    type: 'invoke',
    name: 'composeExtension/fetchTask',
    id: 'a-1',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    from: { id: teamsUserId },
    recipient: { id: `28:${APP.clientId}` },
    conversation: { id: 'a:conv', tenantId: SANDBOX_IDENTITIES.homeTenantId },
  };
}

/** Completes the local sign-in page as a person would: open the link, pick an account, read the code. */
async function signInThroughPage(
  signInLink: string,
  upn: string,
): Promise<{ code: string; html: string; response: Response }> {
  const pickerRes = await fetch(signInLink);
  assert.equal(pickerRes.status, 200);
  const picker = await pickerRes.text();
  assert.match(picker, new RegExp(upn.replace('.', '\\.')));
  const signin = /name="signin" value="([^"]+)"/.exec(picker)![1];
  const response = await fetch(signInLink, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ signin, user: upn }).toString(),
    redirect: 'manual',
  });
  const html = response.status === 200 ? await response.text() : '';
  const code =
    /id="magic-code">(\d{6})</.exec(html)?.[1] ??
    new URL(response.headers.get('location') ?? 'x:').searchParams.get('code') ??
    '';
  return { code, html, response };
}

describe('sandbox Bot Framework Token Service', () => {
  let sandbox: Sandbox;
  let client: UserTokenClient;

  before(async () => {
    // These tests read the sandbox's own JWTs: pin the JWT form even when SANDBOX_FIDELITY asks for opaque tokens.
    sandbox = await startTestSandbox({
      signedInUsers: ['megan@contoso.example'],
      fidelity: { opaqueGraphTokens: false },
    });
    const cca = new ConfidentialClientApplication({
      auth: { clientId: APP.clientId, clientSecret: APP.clientSecret, ...sandbox.msalAuthority('botframework.com') },
    });
    client = new UserTokenClientImpl(
      APP.clientId,
      new MsalAppCredentials(
        cca as never,
        APP.clientId,
        sandbox.endpoints.botFrameworkLoginUrl,
        'https://api.botframework.com',
      ),
      sandbox.endpoints.tokenService,
      {},
    );
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  it('sign-in resource → sign-in page → magic code → token; then silent; then sign-out', async () => {
    const user = sandbox.user('adele@contoso.example');
    assert.equal(await client.getUserToken(user.teamsId, CONNECTION, 'msteams', ''), undefined);
    const resource = (await client.getSignInResource(CONNECTION, activityFor(user.teamsId) as never, '')) as {
      signInLink: string;
      tokenExchangeResource?: { id?: string; uri?: string };
    };
    assert.ok(resource.signInLink.startsWith(`${sandbox.url}/tokenservice/`));
    assert.equal(resource.tokenExchangeResource?.uri, APP.applicationIdUri);
    assert.ok(resource.tokenExchangeResource?.id);

    const { code, html } = await signInThroughPage(resource.signInLink!, user.userPrincipalName);
    assert.match(code, /^\d{6}$/);
    assert.match(html, /Adele Vance/);

    assert.equal(
      await client.getUserToken(user.teamsId, CONNECTION, 'msteams', '000000' === code ? '111111' : '000000'),
      undefined,
      'a wrong code gives nothing',
    );
    const token = await client.getUserToken(user.teamsId, CONNECTION, 'msteams', code);
    assert.ok(token?.token);
    assert.equal(token.connectionName, CONNECTION);
    const claims = decodeJwt(token.token);
    assert.equal(claims.oid, user.id);
    assert.equal(claims.aud, 'https://graph.microsoft.com');
    assert.match(String(claims.scp), /Files\.ReadWrite\.All/);
    assert.ok(Date.parse(token.expiration!) > Date.now());

    const again = await client.getUserToken(user.teamsId, CONNECTION, 'msteams', '');
    assert.equal(again?.token, token.token, 'later turns get the stored token silently');
    assert.equal(
      await client.getUserToken(user.teamsId, CONNECTION, 'msteams', code).then((t) => t?.token),
      token.token,
    );

    const status = await client.getTokenStatus(user.teamsId, 'msteams', '');
    assert.deepEqual(
      status.map((s) => [s.connectionName, s.hasToken]),
      [[CONNECTION, true]],
    );

    await client.signOutUser(user.teamsId, CONNECTION, 'msteams');
    assert.equal(await client.getUserToken(user.teamsId, CONNECTION, 'msteams', ''), undefined);
    assert.ok(sandbox.count('entra.token.client_credentials') >= 1, 'the client authenticated with its own app token');
  });

  it('a magic code belongs to the Teams user the sign-in was started for', async () => {
    const resource = await client.getSignInResource(CONNECTION, activityFor('29:1adele') as never, '');
    const { code } = await signInThroughPage(resource.signInLink!, 'adele@contoso.example');
    assert.equal(await client.getUserToken('29:1alex', CONNECTION, 'msteams', code), undefined);
  });

  it('redirects to finalRedirect with the code when one was given', async () => {
    const resource = await client.getSignInResource(
      CONNECTION,
      activityFor('29:1adele') as never,
      'https://share.example.com/auth-end',
    );
    const { response, code } = await signInThroughPage(resource.signInLink!, 'adele@contoso.example');
    assert.equal(response.status, 302);
    assert.ok(response.headers.get('location')!.startsWith('https://share.example.com/auth-end?code='));
    assert.ok(await client.getUserToken('29:1adele', CONNECTION, 'msteams', code));
  });

  it('signing in on the page grants consent for a user who had not consented', async () => {
    const resource = await client.getSignInResource(CONNECTION, activityFor('29:1lee') as never, '');
    const page = await (await fetch(resource.signInLink!)).text();
    assert.match(page, /Has not consented yet/);
    const { code } = await signInThroughPage(resource.signInLink!, 'lee@contoso.example');
    assert.ok(await client.getUserToken('29:1lee', CONNECTION, 'msteams', code));
    const obo = await fetch(`${sandbox.url}/${SANDBOX_IDENTITIES.homeTenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        requested_token_use: 'on_behalf_of',
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
        assertion: await sandbox.ssoToken('lee@contoso.example'),
        scope: 'https://graph.microsoft.com/Files.ReadWrite.All',
      }).toString(),
    });
    assert.equal(obo.status, 200);
  });

  it('exchanges a Teams SSO token into a stored Graph token', async () => {
    const sso = await sandbox.ssoToken('alex@contoso.example');
    const res = await client.exchangeToken('29:1alex', CONNECTION, 'msteams', { token: sso });
    assert.ok(res?.token);
    assert.equal(decodeJwt(res.token).oid, sandbox.user('alex@contoso.example').id);
    assert.equal((await client.getUserToken('29:1alex', CONNECTION, 'msteams', ''))?.token, res.token);
  });

  it('exchange without consent fails so the bot can fall back to sign-in', async () => {
    const sso = await sandbox.ssoToken('lee@contoso.example');
    let outcome: unknown;
    try {
      outcome = await client.exchangeToken('29:1lee', CONNECTION, 'msteams', { token: sso });
    } catch (err) {
      outcome = err;
    }
    assert.ok(!(outcome as { token?: string } | undefined)?.token, 'no token');
    assert.equal(await client.getUserToken('29:1lee', CONNECTION, 'msteams', ''), undefined);
    // The raw answer carries Entra's reason.
    const raw = await fetch(
      `${sandbox.endpoints.tokenService}/api/usertoken/exchange?userId=29:1lee&connectionName=${CONNECTION}&channelId=msteams`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await botToken(sandbox)}` },
        body: JSON.stringify({ token: sso }),
      },
    );
    assert.equal(raw.status, 400);
    assert.match(((await raw.json()) as { error: { message: string } }).error.message, /AADSTS65001/);
  });

  it('refuses callers without a valid bot token', async () => {
    const url = `${sandbox.endpoints.tokenService}/api/usertoken/GetToken?userId=29:1megan&connectionName=${CONNECTION}&channelId=msteams`;
    assert.equal((await fetch(url)).status, 401);
    const userToken = await sandbox.graphToken('megan@contoso.example');
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${userToken}` } })).status, 401);
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${await botToken(sandbox)}` } })).status, 200);
  });

  it('signs users in up front (signedInUsers option and signIn())', async () => {
    assert.ok((await client.getUserToken('29:1megan', CONNECTION, 'msteams', ''))?.token);
    sandbox.signIn('pat@outlook.example');
    assert.equal(
      decodeJwt((await client.getUserToken('29:1pat', CONNECTION, 'msteams', ''))!.token!).tid,
      SANDBOX_IDENTITIES.consumerTenantId,
    );
  });

  it("signed in up front: the connection's scopes whether or not the person consented before; only scopes they declined earlier are missing", async () => {
    // Lee never consented to the app (OBO and the exchange refuse him), but a completed sign-in includes the consent
    // prompt: his token carries what the connection asks for, and Graph serves his files with it.
    sandbox.signIn('lee@contoso.example');
    const lee = decodeJwt((await client.getUserToken('29:1lee', CONNECTION, 'msteams', ''))!.token!);
    assert.deepEqual(String(lee.scp).split(' ').sort(), [...defaultConnections()[0].scopes].sort());
    // Diego consented before the app asked for Chat.ReadBasic: the token he holds from then lacks only that scope.
    sandbox.signIn('diego@contoso.example');
    const diego = decodeJwt((await client.getUserToken('29:1diego', CONNECTION, 'msteams', ''))!.token!);
    const diegoScopes = String(diego.scp).split(' ');
    assert.ok(!diegoScopes.includes('Chat.ReadBasic'), diego.scp as string);
    assert.ok(diegoScopes.includes('Files.ReadWrite.All'), diego.scp as string);
  });

  it('serves the UserTokenClient that CloudAdapter builds from a production AppConfig', async () => {
    const config = loadConfig(productionEnvFor(sandbox));
    const cca = new ConfidentialClientApplication({
      auth: { clientId: APP.clientId, clientSecret: APP.clientSecret, ...sandbox.msalAuthority('botframework.com') },
    });
    let seen: string | undefined;
    class Bot extends TeamsActivityHandler {
      protected override async handleTeamsMessagingExtensionQuery(
        ctx: TurnContext,
        _q: MessagingExtensionQuery,
      ): Promise<MessagingExtensionResponse> {
        const utc = ctx.turnState.get<UserTokenClient>(
          (ctx.adapter as unknown as { UserTokenClientKey: symbol }).UserTokenClientKey,
        );
        seen = (
          await utc.getUserToken(ctx.activity.from.id, config.bot.oauthConnectionName, ctx.activity.channelId, '')
        )?.token;
        return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [] } };
      }
    }
    const adapter = createCloudAdapter(config, new MsalServiceClientCredentialsFactory(APP.clientId, cca as never));
    const running = await listen(createApp({ log: createLogger('silent'), adapter, bot: new Bot() }), '127.0.0.1', 0);
    try {
      const activity = {
        ...activityFor('29:1megan'),
        name: 'composeExtension/query',
        value: { commandId: 'search', parameters: [] },
      };
      const res = await fetch(`${running.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: await sandbox.signActivity(activity) },
        body: JSON.stringify(activity),
      });
      assert.equal(res.status, 200);
      assert.equal(decodeJwt(seen!).oid, sandbox.user('megan@contoso.example').id);
    } finally {
      await running.close();
    }
  });
});
