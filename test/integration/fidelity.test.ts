import { strict as assert } from 'node:assert';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import {
  APP,
  USERS,
  cardText,
  findAll,
  invokeActivity,
  plainFetch,
  signInOnPage,
  startHarness,
  type Harness,
} from './harness';
import { createData as journeyCreateData } from './journeys';

const I = GRAPH_SEED.items;

/**
 * Issue 10: the app against the answers real tenants give where they differ from the createLink page (each variant
 * is a sandbox fidelity switch, cited in sandbox/FIDELITY.md).
 */
describe('integration: real-tenant answer variants (sandbox fidelity switches)', function () {
  this.timeout(20_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele] } });
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.sandbox.reset();
  });

  const as = (upn: string, name: string, value: unknown) => h.send(invokeActivity(h.user(upn), name, value));
  const submit = (upn: string, data: Record<string, unknown>) =>
    as(upn, 'composeExtension/submitAction', {
      commandId: 'shareLink',
      commandContext: 'compose',
      context: { theme: 'default' },
      data,
    });
  const createData = journeyCreateData;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function linkCardOf(body: any) {
    assert.equal(body?.composeExtension?.type, 'result', JSON.stringify(body).slice(0, 800));
    const card = body.composeExtension.attachments[0].content;
    const data = card.refresh?.action?.data as { permissionId: string; driveId: string; itemId: string };
    return { card, data };
  }
  /** The value next to a fact label on the link card ("Expires" → "Never"). */
  function fact(card: unknown, label: string): string | undefined {
    const lines = cardText(card).split('\n');
    const i = lines.indexOf(label);
    return i >= 0 ? lines[i + 1] : undefined;
  }
  async function tabShares(upn: string): Promise<Array<Record<string, unknown>>> {
    const sso = await h.sandbox.ssoToken(upn);
    const res = await plainFetch()(`${h.server.url}/api/shares`, { headers: { authorization: `Bearer ${sso}` } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { shares: Array<Record<string, unknown>> }).shares;
  }

  describe('DateTime.MinValue expiration (0001-01-01T00:00:00Z) reads as "never expires"', () => {
    it('createLink answering MinValue: card, share log, refresh and tab all say Never, no policy notice', async () => {
      h.sandbox.setFidelity({ createLinkMinValueExpiration: true });
      const reply = await submit(USERS.adele, createData({ itemId: I.adeleNotesTxt }));
      const { card, data } = linkCardOf(reply.body);
      const createCall = h.calls.filter((c) => c.path.endsWith('/createLink')).pop();
      assert.ok(createCall, 'the app called createLink');
      assert.equal(fact(card, 'Expires'), 'Never');
      const text = cardText(card);
      assert.doesNotMatch(text, /policy|shortened|0001|\b1 Jan 1\b|year 1/i);

      const record = await h.services.shareLog.get(
        h.user(USERS.adele).tenantId,
        data.permissionId,
        h.user(USERS.adele).id,
      );
      assert.ok(record, 'the share log holds the link');
      assert.equal(record.expirationDateTime, undefined, 'the log keeps "no expiration", not year 1');

      const refresh = await as(USERS.adele, 'adaptiveCard/action', {
        action: { type: 'Action.Execute', verb: 'refreshLinkCard', data },
        trigger: 'automatic',
      });
      assert.equal(refresh.body.statusCode, 200, JSON.stringify(refresh.body).slice(0, 500));
      assert.equal(fact(refresh.body.value, 'Expires'), 'Never');

      const row = (await tabShares(USERS.adele)).find((s) => s.permissionId === data.permissionId);
      assert.ok(row, 'the tab lists the link');
      assert.equal(row.status, 'active');
      assert.equal(row.expirationDateTime, undefined);
    });

    it('a record holding MinValue (written before the fix) refreshes as Never and lists as active', async () => {
      const reply = await submit(USERS.adele, createData({ itemId: I.adeleKickoffPptx }));
      const { data } = linkCardOf(reply.body);
      const tenantId = h.user(USERS.adele).tenantId;
      const record = await h.services.shareLog.get(tenantId, data.permissionId, h.user(USERS.adele).id);
      assert.ok(record);
      await h.services.shareLog.put({ ...record, expirationDateTime: '0001-01-01T00:00:00Z' });
      const refresh = await as(USERS.adele, 'adaptiveCard/action', {
        action: { type: 'Action.Execute', verb: 'refreshLinkCard', data },
        trigger: 'automatic',
      });
      assert.equal(fact(refresh.body.value, 'Expires'), 'Never');
      assert.equal(findAll(refresh.body.value, (o) => o.verb === 'revokeLink' && !o.$when).length, 1);
      const row = (await tabShares(USERS.adele)).find((s) => s.permissionId === data.permissionId);
      assert.equal(row?.status, 'active');
    });
  });
  describe('recipients, sendNotification and message on v1.0 (sources disagree)', () => {
    const specificPeople = (itemId: string) =>
      createData({
        itemId,
        scope: 'users',
        recipients: h.user(USERS.megan).id,
        message: 'For the review',
        sendNotification: 'true',
      });
    const createCalls = () => h.calls.filter((c) => c.path.endsWith('/createLink'));

    it('v1.0 accepts them (OpenAPI/CSDL): one call, one e-mail per recipient', async () => {
      h.clearCalls();
      const reply = await submit(USERS.adele, specificPeople(I.adeleNotesTxt));
      linkCardOf(reply.body);
      assert.deepEqual(
        createCalls().map((c) => [c.path.split('/')[1], c.status]),
        [['v1.0', 201]],
      );
      assert.equal(h.sandbox.outbox().length, 1);
    });

    it('v1.0 refusing them (Q&A report): the same share succeeds through beta, mailing each person once', async () => {
      h.sandbox.setFidelity({ v1RefusesRecipients: true });
      h.clearCalls();
      const reply = await submit(USERS.adele, specificPeople(I.adeleContractPdf));
      const { card } = linkCardOf(reply.body);
      assert.match(cardText(card), /Megan Bowen|megan@contoso\.example/);
      const first = createCalls().map((c) => [c.path.split('/')[1], c.status]);
      assert.deepEqual(first.slice(-2), [
        ['v1.0', 400],
        ['beta', 201],
      ]);
      const mails = h.sandbox.outbox() as Array<{ to: string }>;
      assert.deepEqual(
        mails.map((m) => m.to),
        ['megan@contoso.example'],
        'notified exactly once',
      );
      // Learned: the next share with those properties goes to beta directly; one without them stays on v1.0.
      h.clearCalls();
      linkCardOf((await submit(USERS.adele, specificPeople(I.adeleKickoffPptx))).body);
      linkCardOf((await submit(USERS.adele, createData({ itemId: I.adeleDiagramPng }))).body);
      assert.deepEqual(
        createCalls().map((c) => [c.path.split('/')[1], c.status]),
        [
          ['beta', 201],
          ['v1.0', 201],
        ],
      );
      assert.equal(h.sandbox.outbox().length, 2);
    });
  });
  describe('Conditional Access: interaction_required (AADSTS50076/50079 with a claims challenge) per user', () => {
    /** Completes the Token Service sign-in page as `upn` (an interactive sign-in, so MFA is done); the magic code. */
    const signInThrough = (link: string, upn: string) => signInOnPage(h, link, upn);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const authLink = (body: any) => {
      // Action commands ask with a sign-in dialog card (issue 16): its "Sign in" button is the same link.
      if (body?.task?.type === 'continue') {
        const open = findAll(body.task.value.card.content, (o) => o.type === 'Action.OpenUrl')[0];
        assert.ok(open, JSON.stringify(body).slice(0, 300));
        return open.url as string;
      }
      assert.equal(body?.composeExtension?.type, 'auth', JSON.stringify(body).slice(0, 300));
      const action = body.composeExtension.suggestedActions.actions[0];
      assert.equal(action.type, 'openUrl');
      return action.value as string;
    };

    it('search with an SSO token: a sign-in link (not 412 or silentAuth, which would loop), then results', async () => {
      h.sandbox.requireInteraction(USERS.megan, 'mfa');
      const query = (extra: Record<string, unknown>) =>
        as(USERS.megan, 'composeExtension/query', {
          commandId: 'findFile',
          parameters: [{ name: 'query', value: 'plan' }],
          queryOptions: { skip: 0, count: 10 },
          ...extra,
        });
      const sso = await h.sandbox.ssoToken(USERS.megan);
      h.secrets.add(sso);
      const first = await query({ authentication: { token: sso } });
      assert.equal(first.status, 200, 'not 412: consent is not the problem');
      const code = await signInThrough(authLink(first.body), USERS.megan);
      const second = await query({ authentication: { token: sso }, state: code });
      assert.equal(second.body.composeExtension?.type, 'result', JSON.stringify(second.body).slice(0, 300));
    });

    it('action dialog and card action: the sign-in link, and the interactive sign-in satisfies it', async () => {
      h.sandbox.requireInteraction(USERS.alex, 'mfaRegistration');
      const fetchTask = { commandId: 'shareLink', commandContext: 'compose', context: { theme: 'default' } };
      const first = await as(USERS.alex, 'composeExtension/fetchTask', fetchTask);
      const code = await signInThrough(authLink(first.body), USERS.alex);
      const second = await as(USERS.alex, 'composeExtension/fetchTask', { ...fetchTask, state: code });
      assert.equal(second.body?.task?.type, 'continue', 'the finder after the sign-in');

      // Card action (revoke) by the sharer when Conditional Access wants her sign-in renewed: a login request
      // (Teams shows the sign-in), not an error card.
      h.sandbox.signIn(USERS.megan);
      const created = await submit(
        USERS.megan,
        createData({ driveId: GRAPH_SEED.drives.megan, itemId: '01MEGAN_PLAN_DOCX' }),
      );
      const { data } = linkCardOf(created.body);
      h.sandbox.reset(); // the Token Service forgets her token
      h.sandbox.requireInteraction(USERS.megan, 'mfa');
      const megan = h.user(USERS.megan);
      h.services.auth.broker.forget(megan.tenantId, megan.id);
      const revoke = await as(USERS.megan, 'adaptiveCard/action', {
        action: { type: 'Action.Execute', verb: 'revokeLink', data },
        trigger: 'manual',
      });
      assert.equal(revoke.status, 200);
      assert.equal(revoke.body.statusCode, 401, JSON.stringify(revoke.body).slice(0, 300));
      assert.equal(revoke.body.type, 'application/vnd.microsoft.activity.loginRequest');
      assert.ok(revoke.body.value?.buttons?.[0]?.value, 'a sign-in link to follow');
    });

    it('OBO answers interaction_required with AADSTS50076 and a claims challenge until the sign-in', async () => {
      h.sandbox.requireInteraction(USERS.megan, 'mfa');
      const sso = await h.sandbox.ssoToken(USERS.megan);
      const res = await plainFetch()(`${h.sandbox.url}/${h.user(USERS.megan).tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          requested_token_use: 'on_behalf_of',
          client_id: APP.clientId,
          client_secret: APP.clientSecret,
          assertion: sso,
          scope: 'https://graph.microsoft.com/Files.ReadWrite.All',
        }).toString(),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: string; error_codes: number[]; claims: string };
      assert.equal(body.error, 'interaction_required');
      assert.deepEqual(body.error_codes, [50076]);
      assert.ok(JSON.parse(body.claims).access_token, 'a claims challenge');
    });
  });
  describe('personal Microsoft accounts under a registration that admits them (AzureADandPersonalMicrosoftAccount)', () => {
    let personal: Harness;
    before(async () => {
      personal = await startHarness({ sandbox: { signInAudience: 'AzureADandPersonalMicrosoftAccount' } });
    });
    after(async () => {
      await personal?.close();
    });
    const asPat = (name: string, value: unknown) =>
      personal.send(invokeActivity(personal.user(USERS.pat), name, value));

    it('search: Microsoft Search refuses personal accounts (400), the app falls back to drive search; then a link', async () => {
      const sso = await personal.sandbox.ssoToken(USERS.pat);
      personal.secrets.add(sso);
      personal.clearCalls();
      const results = await asPat('composeExtension/query', {
        commandId: 'findFile',
        parameters: [{ name: 'query', value: 'recipes' }],
        queryOptions: { skip: 0, count: 10 },
        authentication: { token: sso },
      });
      assert.equal(results.body.composeExtension?.type, 'result', JSON.stringify(results.body).slice(0, 300));
      const searches = personal.calls
        .filter((c) => c.path.includes('/search'))
        .map((c) => [c.path.replace(/\?.*$/, ''), c.status]);
      assert.deepEqual(searches[0], ['/v1.0/search/query', 400], 'Microsoft Search first, refused');
      assert.match(String(searches[1]?.[0]), /^\/v1\.0\/me\/drive\/root\/search\(q=/, 'then the drive search');
      const tap = (
        results.body.composeExtension.attachments as Array<{
          preview: { content: { tap: { value: Record<string, string> } } };
        }>
      )
        .map((a) => a.preview.content.tap.value)
        .find((v) => v.itemId === I.patRecipesDocx);
      assert.ok(tap, 'the personal file is found');
      const selected = await asPat('composeExtension/selectItem', tap);
      const card = selected.body.composeExtension.attachments[0].content;
      assert.match(cardText(card), /Recipes/);
      await personal.services.auth.broker.drain();
    });
  });
});
