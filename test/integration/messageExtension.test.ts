import { strict as assert } from 'node:assert';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import {
  USERS,
  assertNoSecretsLogged,
  cardText,
  errorNextTo,
  findAll,
  inputById,
  invokeActivity,
  plainFetch,
  startHarness,
  type ActivityOptions,
  type Harness,
} from './harness';
import { createData as journeyCreateData } from './journeys';

const D = GRAPH_SEED.drives;
const I = GRAPH_SEED.items;
const PLAN_URL = 'https://contoso-my.sharepoint.example/personal/adele_contoso_example/Documents/Plan.docx';
const BUDGET_URL = 'https://contoso-my.sharepoint.example/personal/adele_contoso_example/Documents/Budget%202025.xlsx';
const MEGAN_PLAN_URL = 'https://contoso-my.sharepoint.example/personal/megan_contoso_example/Documents/Plan.docx';

/** Issue 5: the message extension over HTTP, with channel JWTs signed by the sandbox and the production auth path. */
describe('integration: message extension journeys over HTTP', function () {
  this.timeout(20_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele] } });
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => h.sandbox.faults.clear());

  const as = (upn: string, name: string, value: unknown, opts?: ActivityOptions) =>
    h.send(invokeActivity(h.user(upn), name, value, opts));
  const submit = (upn: string, data: Record<string, unknown>, opts?: ActivityOptions) =>
    as(
      upn,
      'composeExtension/submitAction',
      { commandId: 'shareLink', commandContext: 'compose', context: { theme: 'default' }, data },
      opts,
    );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const dialogCard = (body: any) => {
    assert.equal(body?.task?.type, 'continue', JSON.stringify(body).slice(0, 500));
    assert.equal(body.task.value.card.contentType, 'application/vnd.microsoft.card.adaptive');
    return body.task.value.card.content;
  };
  /** Distinct items the dialog lets the person pick (a result has a select action and a button). */
  const pickActions = (card: unknown) => {
    const picks = findAll(card, (o) => o.data?.action === 'pick').map(
      (o) => o.data as { driveId: string; itemId: string },
    );
    return picks.filter((p, i) => picks.findIndex((q) => q.driveId === p.driveId && q.itemId === p.itemId) === i);
  };
  const choiceValues = (card: unknown, id: string) =>
    ((inputById(card, id)?.choices ?? []) as Array<{ value: string }>).map((c) => c.value);
  const createData = journeyCreateData;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function linkCardOf(body: any) {
    assert.equal(body?.composeExtension?.type, 'result', JSON.stringify(body).slice(0, 800));
    const [att] = body.composeExtension.attachments;
    assert.equal(att.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(att.content.version, '1.4', 'the posted card is Adaptive Card 1.4');
    const open = findAll(att.content, (o) => o.type === 'Action.OpenUrl')[0];
    const data = att.content.refresh?.action?.data as { permissionId: string; driveId: string; itemId: string };
    return { card: att.content, linkUrl: open?.url as string, data };
  }

  describe('(1) compose box and command box: finder → options → link card', () => {
    for (const commandContext of ['compose', 'commandBox']) {
      it(`fetchTask from the ${commandContext} opens the file finder`, async () => {
        const reply = await as(USERS.adele, 'composeExtension/fetchTask', {
          commandId: 'shareLink',
          commandContext,
          context: { theme: 'default' },
        });
        assert.equal(reply.status, 200);
        const card = dialogCard(reply.body);
        assert.ok(inputById(card, 'q'), 'a search box');
      });
    }

    it('search → pick → options offering only possible types → create: a real link in the card', async () => {
      const search = await submit(USERS.adele, { action: 'search', q: 'plan' });
      const finder = dialogCard(search.body);
      const picks = pickActions(finder);
      const plan = picks.find((p) => p.itemId === I.adelePlanDocx);
      assert.ok(plan, `Plan.docx among the results: ${JSON.stringify(picks)}`);

      const pick = await submit(USERS.adele, { action: 'pick', driveId: plan.driveId, itemId: plan.itemId, q: 'plan' });
      const options = dialogCard(pick.body);
      const types = choiceValues(options, 'type');
      assert.ok(types.includes('view') && types.includes('edit') && types.includes('review'), types.join());
      assert.ok(!types.includes('embed'), 'embed is OneDrive personal only');
      assert.ok(!types.includes('createOnly'), 'createOnly is folders only');
      assert.ok(choiceValues(options, 'scope').includes('users'));

      const create = await submit(USERS.adele, createData({ type: 'edit', scope: 'organization' }));
      assert.equal(create.status, 200);
      const { card, linkUrl, data } = linkCardOf(create.body);
      assert.ok(linkUrl?.startsWith('https://'), 'the card links to the sharing link');
      const perms = await h.permissionsOf(USERS.adele, D.adele, I.adelePlanDocx);
      const perm = perms.find((p) => p.id === data.permissionId);
      assert.ok(perm, 'the permission in the card exists in Graph');
      assert.equal(perm.link.webUrl, linkUrl);
      assert.equal(perm.link.type, 'edit');
      assert.equal(perm.link.scope, 'organization');
      assert.match(cardText(card), /Plan\.docx/);
    });

    const invalid: Array<[string, Record<string, unknown>, string]> = [
      ['a password on a business drive', { password: 'S3cret-business!' }, 'password'],
      ['an expiration date in the past', { expirationDate: '2020-01-01' }, 'expirationDate'],
      ['a users link without recipients', { scope: 'users' }, 'recipients'],
      ['a made-up link type', { type: 'superEdit' }, 'type'],
    ];
    for (const [what, extra, field] of invalid) {
      it(`${what} → the same options dialog with the error next to "${field}" and the inputs kept`, async () => {
        h.clearCalls();
        const reply = await submit(USERS.adele, createData({ itemId: I.adeleKickoffPptx, message: '', ...extra }));
        assert.equal(reply.status, 200);
        const card = dialogCard(reply.body);
        assert.ok(inputById(card, 'scope'), 'the options dialog again');
        const text = errorNextTo(card, field) ?? (inputById(card, field) ? undefined : cardText(card));
        assert.ok(text && text.length > 10, `an error for ${field}: ${cardText(card).slice(0, 600)}`);
        if (field !== 'type')
          assert.equal(inputById(card, 'type')?.value, extra.type ?? 'view', 'the chosen type is kept');
        if (field !== 'recipients' && field !== 'scope')
          assert.equal(inputById(card, 'scope')?.value, extra.scope ?? 'organization');
        if (extra.password)
          assert.ok(!JSON.stringify(card).includes(String(extra.password)), 'the password is not echoed');
        assert.equal(h.calls.filter((c) => c.path.includes('/createLink')).length, 0, 'nothing was sent to Graph');
      });
    }
  });

  describe('(2) message action: the file in the message', () => {
    const fromMessage = (attachments: unknown[]) =>
      as(USERS.adele, 'composeExtension/fetchTask', {
        commandId: 'shareFromMessage',
        commandContext: 'message',
        context: { theme: 'default' },
        messagePayload: {
          id: '1700000000000',
          messageType: 'message',
          body: { contentType: 'html', content: '<p>see attached</p>' },
          attachments,
        },
      });
    const ref = (url: string, name: string) => ({ id: name, contentType: 'reference', contentUrl: url, name });

    it('one reference attachment → the options dialog for that file directly', async () => {
      const reply = await fromMessage([ref(PLAN_URL, 'Plan.docx')]);
      const card = dialogCard(reply.body);
      assert.ok(inputById(card, 'type'), 'options dialog');
      assert.match(cardText(card), /Plan\.docx/);
    });

    it('two attachments → a chooser listing both', async () => {
      const reply = await fromMessage([ref(PLAN_URL, 'Plan.docx'), ref(BUDGET_URL, 'Budget 2025.xlsx')]);
      const card = dialogCard(reply.body);
      const ids = pickActions(card)
        .map((p) => p.itemId)
        .sort();
      assert.deepEqual(ids, [I.adeleBudgetXlsx, I.adelePlanDocx].sort());
    });

    it('no file in the message → the finder with a notice', async () => {
      const reply = await fromMessage([]);
      const card = dialogCard(reply.body);
      assert.ok(inputById(card, 'q'));
      assert.match(cardText(card), /no OneDrive or SharePoint file/);
    });

    it('a file the person cannot open → the finder saying so; with another that works → chooser with a notice', async () => {
      const denied = dialogCard((await fromMessage([ref(MEGAN_PLAN_URL, 'Plan.docx')])).body);
      assert.ok(inputById(denied, 'q'));
      assert.match(cardText(denied), /could not be opened with your account/);
      const mixed = dialogCard(
        (await fromMessage([ref(MEGAN_PLAN_URL, 'Plan.docx'), ref(BUDGET_URL, 'Budget 2025.xlsx')])).body,
      );
      assert.deepEqual(
        pickActions(mixed).map((p) => p.itemId),
        [I.adeleBudgetXlsx],
      );
      assert.match(cardText(mixed), /Some files in this message could not be opened/);
    });
  });

  describe('(3) search command with SSO', () => {
    const query = (upn: string, token?: string, text = 'plan') =>
      as(upn, 'composeExtension/query', {
        commandId: 'findFile',
        parameters: [{ name: 'query', value: text }],
        queryOptions: { skip: 0, count: 10 },
        ...(token ? { authentication: { token } } : {}),
      });

    it('without a token → silentAuth; with an SSO token → previews whose tap selects the item; selectItem → default link', async () => {
      const first = await query(USERS.megan);
      assert.equal(first.status, 200);
      assert.equal(first.body.composeExtension.type, 'silentAuth');
      const sso = await h.sandbox.ssoToken(USERS.megan);
      h.secrets.add(sso);
      const results = await query(USERS.megan, sso);
      assert.equal(results.body.composeExtension.type, 'result');
      const atts = results.body.composeExtension.attachments as Array<{
        preview: { content: { tap: { value: Record<string, string> } } };
      }>;
      assert.ok(atts.length >= 1);
      const tap = atts.map((a) => a.preview.content.tap.value).find((v) => v.itemId === '01MEGAN_PLAN_DOCX');
      assert.ok(tap, JSON.stringify(atts.map((a) => a.preview.content.tap)));
      assert.equal(tap.action, 'selectItem');

      const selected = await as(USERS.megan, 'composeExtension/selectItem', tap);
      const { linkUrl, data } = linkCardOf(selected.body);
      const perm = (await h.permissionsOf(USERS.megan, tap.driveId, tap.itemId)).find(
        (p) => p.id === data.permissionId,
      );
      assert.ok(perm, 'the organization default link exists in Graph');
      assert.equal(perm.link.webUrl, linkUrl);
      assert.deepEqual([perm.link.type, perm.link.scope], ['view', 'organization'], "Contoso's default link");
      const sent = h.calls.filter((c) => c.path.endsWith(`/items/${tap.itemId}/createLink`)).at(-1);
      assert.deepEqual(JSON.parse(sent?.body ?? 'null'), {}, 'type and scope omitted: the tenant decides');
    });

    it('personal Microsoft account (Pat): the registration (AzureADMyOrg) admits none — no SSO token, sign-in refused', async () => {
      // Entra issues no token for an account the app's signInAudience excludes (AADSTS50020), so Teams' getAuthToken
      // fails and the sign-in page refuses; the personal-account journeys run under a registration that admits them
      // (test/integration/fidelity.test.ts).
      const sso = await h.sandbox.ssoToken(USERS.pat);
      h.secrets.add(sso);
      const search = await as(USERS.pat, 'composeExtension/query', {
        commandId: 'findFile',
        parameters: [{ name: 'query', value: 'recipes' }],
        queryOptions: { skip: 0, count: 10 },
        authentication: { token: sso },
      });
      assert.notEqual(search.body?.composeExtension?.type, 'result', 'Entra refuses OBO for this account');
      const fetchTask = await as(USERS.pat, 'composeExtension/fetchTask', {
        commandId: 'shareLink',
        commandContext: 'compose',
      });
      // Action commands ask for the first sign-in with a dialog card (issue 16): its "Sign in" is the link.
      const link = findAll(dialogCard(fetchTask.body), (o) => o.type === 'Action.OpenUrl')[0]?.url as string;
      const page = await plainFetch()(link);
      const signinId = /name="signin" value="([^"]+)"/.exec(await page.text())?.[1];
      assert.ok(signinId);
      const refused = await plainFetch()(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ signin: signinId, user: USERS.pat }).toString(),
      });
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), /AADSTS50020/);
    });

    it("Lee's SSO token (no consent) → HTTP 412", async () => {
      const reply = await query(USERS.lee, await h.sandbox.ssoToken(USERS.lee));
      assert.equal(reply.status, 412);
    });
  });

  describe('(4) sign-in for action commands', () => {
    it('no Token Service token → a sign-in dialog; after the sign-in page, its magic code in the dialog goes on', async () => {
      const fetchTask = { commandId: 'shareLink', commandContext: 'compose', context: { theme: 'default' } };
      const first = await as(USERS.alex, 'composeExtension/fetchTask', fetchTask);
      assert.equal(first.status, 200);
      const signInCard = dialogCard(first.body);
      const open = findAll(signInCard, (o) => o.type === 'Action.OpenUrl')[0];
      const link = new URL(open?.url);
      assert.ok(link.href.startsWith(h.sandbox.url), link.href);
      assert.ok(inputById(signInCard, 'signInCode'), 'a box for the code the sign-in page shows');

      // The person opens the link, picks their account, and the page shows the magic code.
      const page = await plainFetch()(link.href);
      assert.equal(page.status, 200);
      const html = await page.text();
      const signinId = /name="signin" value="([^"]+)"/.exec(html)?.[1];
      assert.ok(signinId, 'the account picker form');
      const done = await plainFetch()(link.href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ signin: signinId, user: USERS.alex }).toString(),
      });
      const code = /id="magic-code">(\d{6})</.exec(await done.text())?.[1];
      assert.ok(code, 'a magic code');
      h.secrets.add(code);

      const second = await submit(USERS.alex, { action: 'signedIn', signInCode: ` ${code} ` });
      assert.ok(inputById(dialogCard(second.body), 'q'), 'the finder after sign-in');
      const third = await as(USERS.alex, 'composeExtension/fetchTask', fetchTask);
      assert.ok(inputById(dialogCard(third.body), 'q'), 'silent from now on');
    });

    it('a wrong magic code does not sign anyone in (re-sent state, or typed into the dialog)', async () => {
      const reply = await as(USERS.lee, 'composeExtension/fetchTask', {
        commandId: 'shareLink',
        commandContext: 'compose',
        state: '000000',
      });
      assert.ok(inputById(dialogCard(reply.body), 'signInCode'), 'still the sign-in dialog');
      const typed = await submit(USERS.lee, { action: 'signedIn', signInCode: '000000' });
      assert.ok(inputById(dialogCard(typed.body), 'signInCode'), 'still the sign-in dialog');
      assert.match(cardText(dialogCard(typed.body)), /not signed in yet/);
    });

    it('Graph refusing the stored token (401) → signed out of the Token Service and asked to sign in again', async () => {
      h.sandbox.signIn(USERS.megan);
      const first = await as(USERS.megan, 'composeExtension/fetchTask', {
        commandId: 'shareLink',
        commandContext: 'compose',
      });
      assert.ok(inputById(dialogCard(first.body), 'q'), 'signed in: the finder opens silently');
      h.sandbox.faults.add({ path: '/createLink$', status: 401, times: 1 });
      const refused = await submit(USERS.megan, createData({ driveId: D.megan, itemId: '01MEGAN_PLAN_DOCX' }));
      assert.equal(refused.status, 200);
      const signIn = dialogCard(refused.body);
      assert.match(findAll(signIn, (o) => o.type === 'Action.OpenUrl')[0]?.url, /\/tokenservice\/api\/oauth\/signin/);
      // The stale token is gone from the broker and from the Token Service: the next action asks again.
      const next = await as(USERS.megan, 'composeExtension/fetchTask', {
        commandId: 'shareLink',
        commandContext: 'compose',
      });
      assert.ok(inputById(dialogCard(next.body), 'signInCode'), 'the sign-in dialog again');
    });

    it('a user signed in to the Token Service beforehand is silent', async () => {
      h.sandbox.signIn(USERS.megan);
      const reply = await as(USERS.megan, 'composeExtension/fetchTask', {
        commandId: 'shareLink',
        commandContext: 'compose',
      });
      assert.ok(inputById(dialogCard(reply.body), 'q'));
    });
  });

  describe('(5) Universal Actions on the posted card', () => {
    let data: { permissionId: string; driveId: string; itemId: string };
    const execute = (upn: string, verb: string) =>
      as(USERS[upn as keyof typeof USERS] ?? upn, 'adaptiveCard/action', {
        action: { type: 'Action.Execute', verb, data },
        trigger: verb === 'refreshLinkCard' ? 'automatic' : 'manual',
      });
    const revokeButtons = (card: unknown) =>
      findAll(card, (o) => o.type === 'Action.Execute' && o.verb === 'revokeLink' && !o.$when);

    before(async () => {
      const created = await submit(
        USERS.adele,
        createData({ itemId: I.adeleContractPdf, type: 'view', scope: 'organization' }),
      );
      data = linkCardOf(created.body).data;
    });

    it('refresh: the sharer gets the revoke button, someone else does not', async () => {
      const mine = await execute('adele', 'refreshLinkCard');
      assert.equal(mine.body.statusCode, 200, JSON.stringify(mine.body));
      assert.equal(mine.body.type, 'application/vnd.microsoft.card.adaptive');
      assert.equal(revokeButtons(mine.body.value).length, 1);
      h.sandbox.signIn(USERS.megan);
      const theirs = await execute('megan', 'refreshLinkCard');
      assert.equal(theirs.body.statusCode, 200);
      assert.equal(revokeButtons(theirs.body.value).length, 0);
    });

    it('revoke by someone else → a message (Universal Action 200, not 403) and the link stays', async () => {
      const reply = await execute('megan', 'revokeLink');
      assert.equal(reply.status, 200);
      assert.equal(reply.body.statusCode, 200);
      assert.equal(reply.body.type, 'application/vnd.microsoft.activity.message');
      assert.equal(reply.body.value, 'Only the person who shared this link can revoke it.');
      const perms = await h.permissionsOf(USERS.adele, data.driveId, data.itemId);
      assert.ok(perms.some((p) => p.id === data.permissionId));
    });

    it('revoke by the sharer → the revoked card and the permission gone from Graph', async () => {
      const reply = await execute('adele', 'revokeLink');
      assert.equal(reply.body.statusCode, 200, JSON.stringify(reply.body));
      const card = reply.body.value;
      assert.equal(revokeButtons(card).length, 0);
      assert.equal(card.refresh, undefined);
      assert.match(cardText(card), /Link revoked by \u2068Adele Vance\u2069 on /);
      const perms = await h.permissionsOf(USERS.adele, data.driveId, data.itemId);
      assert.ok(!perms.some((p) => p.id === data.permissionId), 'permission deleted');
    });
  });

  // A suite of its own: mocha runs a suite's own tests before its nested suites.
  describe('(security) logs', () => {
    it('hold no token, password, magic code or SSO assertion', () => {
      assertNoSecretsLogged(h, ['S3cret-business!']);
    });
  });
});
