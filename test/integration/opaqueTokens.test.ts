import { strict as assert } from 'node:assert';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import {
  USERS,
  assertNoSecretsLogged,
  cardText,
  findAll,
  inputById,
  invokeActivity,
  plainFetch,
  startHarness,
  type Harness,
} from './harness';
import { createData, searchValue } from './journeys';

const I = GRAPH_SEED.items;

/**
 * Issue 10: the key journeys with the sandbox switched to what a real tenant may answer — opaque (non-JWT) Graph
 * access tokens from OBO and the Token Service, and DateTime.MinValue expirations on createLink — so the app is shown
 * never to read a Graph token and to read MinValue as "never expires" end to end. The whole integration suite runs
 * this way with `npm run test:variants`.
 */
describe('integration: opaque Graph tokens + MinValue expirations (real-tenant variants)', function () {
  this.timeout(30_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({
      sandbox: { fidelity: { opaqueGraphTokens: true, createLinkMinValueExpiration: true } },
    });
  });
  after(async () => {
    await h?.close();
  });

  const as = (upn: string, name: string, value: unknown) => h.send(invokeActivity(h.user(upn), name, value));
  const graphBearers = () =>
    h.calls
      .filter((c) => /^\/(v1\.0|beta)\//.test(c.path) && c.authorization)
      .map((c) => c.authorization!.replace(/^Bearer\s+/i, ''));

  it('search with SSO (OBO answers an opaque token) → select → link card that never expires', async () => {
    const sso = await h.sandbox.ssoToken(USERS.megan);
    h.secrets.add(sso);
    const results = await as(USERS.megan, 'composeExtension/query', searchValue(sso));
    assert.equal(results.body.composeExtension?.type, 'result', JSON.stringify(results.body).slice(0, 300));
    const tap = (
      results.body.composeExtension.attachments as Array<{
        preview: { content: { tap: { value: Record<string, string> } } };
      }>
    )
      .map((a) => a.preview.content.tap.value)
      .find((v) => v.itemId === '01MEGAN_PLAN_DOCX');
    assert.ok(tap);
    const selected = await as(USERS.megan, 'composeExtension/selectItem', tap);
    const card = selected.body.composeExtension.attachments[0].content;
    const lines = cardText(card).split('\n');
    assert.equal(lines[lines.indexOf('Expires') + 1], 'Never');
    assert.doesNotMatch(cardText(card), /policy|0001/);
    const bearers = graphBearers();
    assert.ok(bearers.length >= 2, 'Graph was called');
    for (const t of bearers) assert.ok(!t.includes('.'), 'every Graph token the app sent is opaque, as issued');
    for (const t of bearers) h.secrets.add(t);
  });

  it('action command through the Token Service (opaque token, no stated expiry read from it) → create → revoke', async () => {
    h.sandbox.signIn(USERS.adele);
    const fetchTask = await as(USERS.adele, 'composeExtension/fetchTask', {
      commandId: 'shareLink',
      commandContext: 'compose',
      context: { theme: 'default' },
    });
    assert.ok(inputById(fetchTask.body.task.value.card.content, 'q'), 'the finder');
    const created = await as(USERS.adele, 'composeExtension/submitAction', {
      commandId: 'shareLink',
      commandContext: 'compose',
      context: { theme: 'default' },
      data: createData({ itemId: I.adeleBudgetXlsx, type: 'edit' }),
    });
    const card = created.body.composeExtension.attachments[0].content;
    const data = card.refresh.action.data as { permissionId: string; driveId: string; itemId: string };
    const revoked = await as(USERS.adele, 'adaptiveCard/action', {
      action: { type: 'Action.Execute', verb: 'revokeLink', data },
      trigger: 'manual',
    });
    assert.equal(revoked.body.statusCode, 200, JSON.stringify(revoked.body).slice(0, 300));
    assert.equal(findAll(revoked.body.value, (o) => o.verb === 'revokeLink').length, 0);
    for (const t of graphBearers()) {
      assert.ok(!t.includes('.'), 'opaque');
      h.secrets.add(t);
    }
  });

  it('tab: list shows Never/active; revoke works with an opaque OBO token', async () => {
    const sso = await h.sandbox.ssoToken(USERS.megan);
    const list = await plainFetch()(`${h.server.url}/api/shares`, { headers: { authorization: `Bearer ${sso}` } });
    const { shares } = (await list.json()) as { shares: Array<Record<string, unknown>> };
    assert.ok(shares.length >= 1);
    for (const s of shares) {
      assert.equal(s.expirationDateTime, undefined);
      assert.equal(s.status, 'active');
    }
    const res = await plainFetch()(`${h.server.url}/api/shares/${String(shares[0].permissionId)}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sso}` },
    });
    assert.equal(res.status, 200, await res.clone().text());
  });

  describe('(security) logs', () => {
    it('hold no token, opaque or not', () => assertNoSecretsLogged(h));
  });
});
