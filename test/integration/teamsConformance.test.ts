import { strict as assert } from 'node:assert';
import { SANDBOX_TEAMS_APP_ID } from '../../src/config';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import { newerThan, parserIssues, schemaErrors } from '../src/cards/checks';
import { CONTOSO, USERS, cardText, findAll, invokeActivity, plainFetch, startHarness, type Harness } from './harness';

const D = GRAPH_SEED.drives;
const I = GRAPH_SEED.items;
const PLAN_URL = 'https://contoso-my.sharepoint.example/personal/adele_contoso_example/Documents/Plan.docx';
const MANAGE_URL = `https://teams.microsoft.com/l/entity/${SANDBOX_TEAMS_APP_ID}/mySharedLinks?tenantId=${CONTOSO}`;

/** Status codes and types of the Universal Action Model's response table (Learn "Universal Action Model"). */
const UNIVERSAL_ANSWERS: Record<string, number[]> = {
  'application/vnd.microsoft.card.adaptive': [200],
  'application/vnd.microsoft.activity.message': [200],
  'application/vnd.microsoft.activity.loginRequest': [401],
  'application/vnd.microsoft.error.preconditionFailed': [412],
  'application/vnd.microsoft.error': [400, 500],
};

/** Issue 16: what real Teams accepts per surface, over HTTP with channel JWTs signed by the sandbox. */
describe('integration: Teams protocol conformance (issue 16)', function () {
  this.timeout(20_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele, USERS.megan] } });
  });
  after(async () => {
    await h?.close();
  });

  const as = (upn: string, name: string, value: unknown, opts?: Parameters<typeof invokeActivity>[3]) =>
    h.send(invokeActivity(h.user(upn), name, value, opts));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const assertUniversalEnvelope = (reply: { status: number; body: any }, what: string) => {
    assert.equal(reply.status, 200, `${what}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
    const allowed = UNIVERSAL_ANSWERS[reply.body?.type as string];
    assert.ok(allowed, `${what}: type ${reply.body?.type}`);
    assert.ok(allowed.includes(reply.body.statusCode), `${what}: statusCode ${reply.body.statusCode}`);
    assert.ok(reply.body.value !== undefined && reply.body.value !== null && reply.body.value !== '', what);
    assert.equal(reply.body.error, undefined, `${what}: no bare {error}`);
  };
  async function shareOne(itemId: string) {
    const reply = await as(USERS.adele, 'composeExtension/submitAction', {
      commandId: 'shareLink',
      commandContext: 'compose',
      data: {
        action: 'create',
        driveId: D.adele,
        itemId,
        timeZone: 'Europe/Berlin',
        useOrganizationDefault: 'false',
        type: 'view',
        scope: 'organization',
        sendNotification: 'false',
      },
    });
    assert.equal(reply.body?.composeExtension?.type, 'result', JSON.stringify(reply.body).slice(0, 400));
    return reply.body.composeExtension.attachments[0].content;
  }

  describe('(1) link unfurling answers a card of version 1.3', () => {
    it('queryLink → an Adaptive Card 1.3 that the 1.3 parser and the schema accept, with a preview', async () => {
      const reply = await as(USERS.adele, 'composeExtension/queryLink', { url: PLAN_URL });
      assert.equal(reply.status, 200);
      const [att] = reply.body.composeExtension.attachments;
      assert.equal(att.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.equal(att.content.version, '1.3');
      assert.deepEqual(newerThan(att.content, '1.3'), []);
      assert.deepEqual(schemaErrors(att.content), []);
      assert.deepEqual(parserIssues(att.content, '1.3'), []);
      assert.ok(att.preview?.content?.title, 'unfurling needs a preview (msteams-docs#7286)');
    });

    it('the search command keeps 1.4 for the same file', async () => {
      const reply = await as(USERS.adele, 'composeExtension/query', {
        commandId: 'findFile',
        parameters: [{ name: 'q', value: 'plan' }],
        authentication: { token: await h.sandbox.ssoToken(USERS.adele) },
      });
      const versions = new Set(
        (reply.body.composeExtension.attachments as Array<{ content: { version: string } }>).map(
          (a) => a.content.version,
        ),
      );
      assert.deepEqual([...versions], ['1.4']);
    });
  });

  describe('(3, 6) the link card: a way to revoke on any host, refresh only for the sharer', () => {
    let card: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    before(async () => {
      card = await shareOne(I.adeleContractPdf);
    });
    const refresh = (upn: string, data: unknown, tenantId?: string) =>
      as(
        upn,
        'adaptiveCard/action',
        { action: { type: 'Action.Execute', verb: 'refreshLinkCard', data }, trigger: 'automatic' },
        tenantId ? { tenantId } : undefined,
      );

    it('every card carries an Action.OpenUrl deep link to the "My shared links" tab', () => {
      const links = findAll(card, (o) => o.type === 'Action.OpenUrl').map((o) => o.url);
      assert.ok(links.includes(MANAGE_URL), links.join(' | '));
    });

    it("refresh.userIds hold the sharer's ids in the documented formats only (29:…, 8:orgid:…)", () => {
      const adele = h.user(USERS.adele);
      assert.deepEqual(card.refresh.userIds, [adele.teamsId, `8:orgid:${adele.id}`]);
      for (const id of card.refresh.userIds as string[]) assert.match(id, /^(29:|8:orgid:)/);
    });

    it('a refresh by someone else names the sharer, never the person who refreshed', async () => {
      const reply = await refresh(USERS.megan, card.refresh.action.data);
      assertUniversalEnvelope(reply, 'refresh by megan');
      const megan = h.user(USERS.megan);
      const userIds = reply.body.value.refresh.userIds as string[];
      assert.deepEqual(userIds, [`8:orgid:${h.user(USERS.adele).id}`]);
      assert.ok(!userIds.includes(megan.teamsId) && !userIds.some((id) => id.includes(megan.id)));
      assert.equal(findAll(reply.body.value, (o) => o.verb === 'revokeLink').length, 0);
    });

    it('a refresh whose record is gone answers the plain card from the card itself, never an error', async () => {
      const data = { ...card.refresh.action.data, permissionId: 'NOT-IN-THE-LOG' };
      const reply = await refresh(USERS.adele, data);
      assertUniversalEnvelope(reply, 'refresh without record');
      assert.equal(reply.body.type, 'application/vnd.microsoft.card.adaptive');
      const plain = reply.body.value;
      assert.equal(plain.refresh, undefined, 'no further refresh');
      assert.equal(findAll(plain, (o) => o.type === 'Action.Execute').length, 0, 'no revoke without a record');
      const urls = findAll(plain, (o) => o.type === 'Action.OpenUrl').map((o) => o.url);
      assert.deepEqual(urls, [data.shown.linkUrl, MANAGE_URL]);
      assert.match(cardText(plain), /Contract/);
      assert.deepEqual(schemaErrors(plain), []);
    });

    it('the same when the record names another item, and with no usable card data: a note and the deep link', async () => {
      const moved = await refresh(USERS.adele, { ...card.refresh.action.data, itemId: I.adelePlanDocx });
      assertUniversalEnvelope(moved, 'refresh for another item');
      assert.equal(findAll(moved.body.value, (o) => o.verb === 'revokeLink').length, 0);
      for (const shown of [undefined, { linkUrl: 'javascript:alert(1)' }, 'x'.repeat(10)]) {
        const reply = await refresh(USERS.adele, { permissionId: 'GONE', driveId: D.adele, itemId: 'x', shown });
        assertUniversalEnvelope(reply, `refresh with shown=${JSON.stringify(shown)}`);
        assert.equal(reply.body.type, 'application/vnd.microsoft.card.adaptive');
        assert.match(cardText(reply.body.value), /no longer has the details of this link/);
        const urls = findAll(reply.body.value, (o) => o.type === 'Action.OpenUrl').map((o) => o.url);
        assert.deepEqual(urls, [MANAGE_URL]);
      }
    });
  });

  describe('(4) first sign-in from an action command: a dialog card, chosen per surface', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const dialogCard = (body: any) => {
      assert.equal(body?.task?.type, 'continue', JSON.stringify(body).slice(0, 400));
      return body.task.value.card.content as Record<string, unknown>;
    };
    const isSignInDialog = (card: unknown) => findAll(card, (o) => o.id === 'signInCode').length === 1;
    const submit = (upn: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      as(upn, 'composeExtension/submitAction', { commandId: 'shareLink', commandContext: 'compose', data, ...extra });

    it('selectItem (the search pick, no dialog open) keeps the documented `auth` answer', async () => {
      const reply = await as(USERS.alex, 'composeExtension/selectItem', { driveId: D.adele, itemId: I.adelePlanDocx });
      assert.equal(reply.body.composeExtension.type, 'auth');
      assert.equal(reply.body.composeExtension.suggestedActions.actions[0].type, 'openUrl');
    });

    it('fetchTask → a sign-in dialog: Sign in (OpenUrl), a code box and Continue, valid Adaptive Card 1.5', async () => {
      const reply = await as(USERS.alex, 'composeExtension/fetchTask', {
        commandId: 'shareLink',
        commandContext: 'compose',
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.composeExtension, undefined, 'not the `auth` answer (#928)');
      const card = dialogCard(reply.body);
      assert.ok(isSignInDialog(card));
      const open = findAll(card, (o) => o.type === 'Action.OpenUrl');
      assert.equal(open.length, 1);
      assert.match(open[0]!.url, /\/tokenservice\/api\/oauth\/signin\?signin=/);
      const submitButtons = findAll(card, (o) => o.type === 'Action.Submit');
      assert.deepEqual(
        submitButtons.map((b) => b.data),
        [{ action: 'signedIn' }],
      );
      assert.equal(card.version, '1.5');
      assert.deepEqual(schemaErrors(card), []);
      assert.deepEqual(parserIssues(card, '1.5'), []);
    });

    it('Continue before signing in → the same dialog saying so; nothing else happens', async () => {
      h.sandbox.resetStats();
      const reply = await submit(USERS.alex, { action: 'signedIn', signInCode: '' });
      const card = dialogCard(reply.body);
      assert.ok(isSignInDialog(card));
      assert.match(cardText(card), /not signed in yet/);
      assert.equal(h.sandbox.count('graph.'), 0);
    });

    /** Opens the sign-in link as the person would, picks their account, and reads the magic code the page shows. */
    async function magicCodeFrom(link: string, upn: string): Promise<string> {
      const html = await (await plainFetch()(link)).text();
      const signin = /name="signin" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const done = await plainFetch()(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ signin, user: upn }).toString(),
      });
      const code = /id="magic-code">(\d{6})</.exec(await done.text())?.[1];
      assert.ok(code, 'the sign-in page shows a magic code');
      h.secrets.add(code);
      return code;
    }
    const signInLinkOf = (card: unknown) => findAll(card, (o) => o.type === 'Action.OpenUrl')[0]!.url as string;

    it("Continue when the Token Service already holds the token (Teams' own sign-in window, no code) → the finder", async () => {
      const reply = await submit(USERS.megan, { action: 'signedIn' });
      const card = dialogCard(reply.body);
      assert.ok(!isSignInDialog(card));
      assert.ok(findAll(card, (o) => o.id === 'q').length === 1, 'the finder');
    });

    it('from a message: the code typed into the dialog signs in and the dialog goes on with the message', async () => {
      const fromMessage = {
        commandId: 'shareFromMessage',
        commandContext: 'message',
        messagePayload: { id: 'm1', attachments: [] },
      };
      const first = await as(USERS.lee, 'composeExtension/fetchTask', fromMessage);
      const signIn = dialogCard(first.body);
      assert.ok(isSignInDialog(signIn));
      const code = await magicCodeFrom(signInLinkOf(signIn), USERS.lee);
      const reply = await as(USERS.lee, 'composeExtension/submitAction', {
        ...fromMessage,
        data: { action: 'signedIn', signInCode: code },
      });
      const card = dialogCard(reply.body);
      assert.ok(!isSignInDialog(card));
      assert.match(cardText(card), /This message has no OneDrive or SharePoint file/);
    });

    it('the documented `auth` round trip still works: an invoke re-sent with the magic code in `state`', async () => {
      const fetchTask = { commandId: 'shareLink', commandContext: 'compose' };
      const first = await as(USERS.alex, 'composeExtension/fetchTask', fetchTask);
      const link = signInLinkOf(dialogCard(first.body));
      const wrong = await as(USERS.alex, 'composeExtension/fetchTask', { ...fetchTask, state: '000000' });
      assert.ok(isSignInDialog(dialogCard(wrong.body)), 'a wrong code signs nobody in');
      const code = await magicCodeFrom(link, USERS.alex);
      const again = await as(USERS.alex, 'composeExtension/fetchTask', { ...fetchTask, state: code });
      assert.ok(findAll(dialogCard(again.body), (o) => o.id === 'q').length === 1, 'the finder');
    });
  });

  describe('(5) every adaptiveCard/action answer uses the Universal Action envelope', () => {
    let data: Record<string, unknown>;
    before(async () => {
      data = (await shareOne(I.adeleBudgetXlsx)).refresh.action.data;
    });
    const adele = () => h.user(USERS.adele);
    const cases: Array<[string, () => object, number?]> = [
      ['value is a string', () => invokeActivity(adele(), 'adaptiveCard/action', 'garbage'), 400],
      ['value is null', () => invokeActivity(adele(), 'adaptiveCard/action', null), 400],
      [
        'Action.Submit instead of Action.Execute',
        () => invokeActivity(adele(), 'adaptiveCard/action', { action: { type: 'Action.Submit', verb: 'revokeLink' } }),
        400,
      ],
      [
        'unknown verb',
        () => invokeActivity(adele(), 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'x', data } }),
        400,
      ],
      [
        'no data',
        () =>
          invokeActivity(adele(), 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'revokeLink' } }),
        400,
      ],
      [
        'no from.aadObjectId',
        () =>
          invokeActivity(
            adele(),
            'adaptiveCard/action',
            { action: { type: 'Action.Execute', verb: 'refreshLinkCard', data } },
            { aadObjectId: null },
          ),
        400,
      ],
      [
        'a tenant that is not allowed (Fabrikam)',
        () =>
          invokeActivity(h.user(USERS.noah), 'adaptiveCard/action', {
            action: { type: 'Action.Execute', verb: 'revokeLink', data },
          }),
        400,
      ],
      [
        'revoke of a link the log does not know',
        () =>
          invokeActivity(adele(), 'adaptiveCard/action', {
            action: { type: 'Action.Execute', verb: 'revokeLink', data: { ...data, permissionId: 'UNKNOWN' } },
          }),
        200,
      ],
      [
        'revoke by someone who did not share it',
        () =>
          invokeActivity(h.user(USERS.megan), 'adaptiveCard/action', {
            action: { type: 'Action.Execute', verb: 'revokeLink', data },
          }),
        200,
      ],
      [
        'refresh by someone who never signed in',
        () =>
          invokeActivity(h.user(USERS.alex), 'adaptiveCard/action', {
            action: { type: 'Action.Execute', verb: 'refreshLinkCard', data },
          }),
        200,
      ],
      [
        'revoke with an SSO token that is not valid',
        () =>
          invokeActivity(adele(), 'adaptiveCard/action', {
            action: { type: 'Action.Execute', verb: 'revokeLink', data },
            authentication: { token: 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.' },
          }),
        412,
      ],
    ];
    for (const [what, build, statusCode] of cases) {
      it(`${what} → HTTP 200 with {statusCode, type, value}${statusCode ? ` (${statusCode})` : ''}`, async () => {
        const reply = await h.send(build());
        assertUniversalEnvelope(reply, what);
        if (statusCode) assert.equal(reply.body.statusCode, statusCode, JSON.stringify(reply.body));
      });
    }

    it('Graph throttling on revoke → a 500 error envelope that says when to try again', async () => {
      h.sandbox.faults.add({ method: 'DELETE', path: '/permissions/', status: 429, retryAfter: 30, times: 5 });
      try {
        const reply = await as(USERS.adele, 'adaptiveCard/action', {
          action: { type: 'Action.Execute', verb: 'revokeLink', data },
        });
        assertUniversalEnvelope(reply, 'throttled revoke');
        assert.equal(reply.body.statusCode, 500);
        assert.equal(reply.body.value.code, 'throttled');
      } finally {
        h.sandbox.faults.clear();
      }
    });

    it('after all that, the sharer can still revoke', async () => {
      const reply = await as(USERS.adele, 'adaptiveCard/action', {
        action: { type: 'Action.Execute', verb: 'revokeLink', data },
      });
      assertUniversalEnvelope(reply, 'revoke');
      assert.match(cardText(reply.body.value), /Link revoked by/);
    });
  });
});
