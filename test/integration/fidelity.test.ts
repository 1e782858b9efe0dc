import { strict as assert } from 'node:assert';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import { USERS, cardText, findAll, invokeActivity, plainFetch, startHarness, type Harness } from './harness';

const D = GRAPH_SEED.drives;
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
  const createData = (extra: Record<string, unknown> = {}) => ({
    action: 'create',
    driveId: D.adele,
    itemId: I.adelePlanDocx,
    timeZone: 'Europe/Berlin',
    useOrganizationDefault: 'false',
    type: 'view',
    scope: 'organization',
    expirationDate: '',
    password: '',
    recipients: '',
    externalRecipients: '',
    message: '',
    sendNotification: 'false',
    retainInheritedPermissions: 'true',
    ...extra,
  });
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

      const record = await h.services.shareLog.get(h.user(USERS.adele).tenantId, data.permissionId);
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
      const record = await h.services.shareLog.get(tenantId, data.permissionId);
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
});
