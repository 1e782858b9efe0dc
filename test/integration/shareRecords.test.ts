import { strict as assert } from 'node:assert';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import { CONTOSO, USERS, cardText, startHarness, type Harness } from './harness';
import { createData, execute, linkCardOf, revokeButtons, submit } from './journeys';

const D = GRAPH_SEED.drives;
const I = GRAPH_SEED.items;

/** Issue 9, defects 3 and 4: what the share log and the idempotency window remember about a link. */
describe('integration: share records and remembered results', function () {
  this.timeout(20_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele, USERS.megan] } });
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.sandbox.faults.clear();
    h.clearCalls();
  });

  const createLinkCalls = () => h.calls.filter((c) => /\/createLink$/.test(c.path.split('?')[0]));

  it('defect 3: create, revoke from the card, create the same again within the window → a new link and a true card', async () => {
    const options = createData({ itemId: I.adeleKickoffPptx, type: 'edit', scope: 'organization' });
    const first = linkCardOf((await submit(h, USERS.adele, options)).body);
    assert.equal(createLinkCalls().length, 1);

    const revoked = await execute(h, USERS.adele, 'revokeLink', first.data);
    assert.equal(revoked.body.statusCode, 200, JSON.stringify(revoked.body));
    const perms = await h.permissionsOf(USERS.adele, D.adele, I.adeleKickoffPptx);
    assert.ok(!perms.some((p) => p.id === first.data.permissionId), 'the first link is gone from Graph');

    const again = await submit(h, USERS.adele, options);
    const second = linkCardOf(again.body);
    assert.equal(createLinkCalls().length, 2, 'the revoked result was not served: Graph was asked again');
    assert.notEqual(second.data.permissionId, first.data.permissionId);
    const now = await h.permissionsOf(USERS.adele, D.adele, I.adeleKickoffPptx);
    const link = now.find((p) => p.id === second.data.permissionId);
    assert.ok(link, 'the card names a permission that exists');
    assert.equal(link.link.webUrl, second.linkUrl);
    assert.match(cardText(second.card), /New sharing link/);
    assert.equal(revokeButtons(second.card).length, 0, 'everyone view; the sharer gets the button on refresh');

    // A third identical submit inside the window is the retry case again: no new call, the same card.
    const retry = linkCardOf((await submit(h, USERS.adele, options)).body);
    assert.equal(createLinkCalls().length, 2);
    assert.equal(retry.data.permissionId, second.data.permissionId);
  });

  it('defect 3: Graph answering 404 for a remembered permission stops it being served', async () => {
    const options = createData({ itemId: I.adeleNotesTxt, type: 'view', scope: 'organization' });
    const first = linkCardOf((await submit(h, USERS.adele, options)).body);
    // Removed outside the app (e.g. in OneDrive): the card's revoke meets a 404.
    const token = await h.sandbox.graphToken(USERS.adele);
    const gone = await fetch(
      `${h.sandbox.url}/v1.0/drives/${encodeURIComponent(D.adele)}/items/${I.adeleNotesTxt}/permissions/${encodeURIComponent(first.data.permissionId)}`,
      { method: 'DELETE', headers: { authorization: `Bearer ${token}` } },
    );
    assert.equal(gone.status, 204);
    await execute(h, USERS.adele, 'revokeLink', first.data);
    h.clearCalls();
    const again = linkCardOf((await submit(h, USERS.adele, options)).body);
    assert.equal(createLinkCalls().length, 1, 'asked Graph again');
    assert.notEqual(again.data.permissionId, first.data.permissionId);
  });

  it('defect 4: Adele then Megan share the same group-drive link; each keeps her record and may revoke it', async () => {
    const options = createData({
      driveId: D.projectFalcon,
      itemId: I.falconSpecDocx,
      type: 'edit',
      scope: 'organization',
    });
    const adele = linkCardOf((await submit(h, USERS.adele, options)).body);
    const megan = linkCardOf((await submit(h, USERS.megan, options)).body);
    assert.equal(megan.data.permissionId, adele.data.permissionId, 'Graph returned the same permission to both');

    const adeleId = h.user(USERS.adele).id;
    const meganId = h.user(USERS.megan).id;
    const log = h.services.shareLog;
    assert.equal((await log.get(CONTOSO, adele.data.permissionId, adeleId))?.userObjectId, adeleId);
    assert.equal((await log.get(CONTOSO, adele.data.permissionId, meganId))?.userObjectId, meganId);
    assert.ok((await log.listByUser(CONTOSO, adeleId, 200)).some((r) => r.permissionId === adele.data.permissionId));

    // Both see the revoke button on their card; someone who did not share it does not.
    for (const upn of [USERS.adele, USERS.megan]) {
      const refreshed = await execute(h, upn, 'refreshLinkCard', adele.data);
      assert.equal(refreshed.body.statusCode, 200, JSON.stringify(refreshed.body));
      assert.equal(revokeButtons(refreshed.body.value).length, 1, `${upn} may revoke`);
    }
    h.sandbox.signIn(USERS.alex);
    const alex = await execute(h, USERS.alex, 'revokeLink', adele.data);
    // Universal Action envelope: HTTP 200 with a message, never 403 (issue 16, finding 5).
    assert.equal(alex.body.statusCode, 200);
    assert.equal(alex.body.type, 'application/vnd.microsoft.activity.message', JSON.stringify(alex.body));

    // Adele revokes (she owns the group): gone in Graph and in both records.
    const revoked = await execute(h, USERS.adele, 'revokeLink', adele.data);
    assert.equal(revoked.body.statusCode, 200, JSON.stringify(revoked.body));
    const perms = await h.permissionsOf(USERS.adele, D.projectFalcon, I.falconSpecDocx);
    assert.ok(!perms.some((p) => p.id === adele.data.permissionId));
    for (const who of [adeleId, meganId])
      assert.ok((await log.get(CONTOSO, adele.data.permissionId, who))?.revokedAt, 'revoked in every record');
    const meganView = await execute(h, USERS.megan, 'refreshLinkCard', adele.data);
    assert.equal(revokeButtons(meganView.body.value).length, 0);
    assert.match(cardText(meganView.body.value), /revoked/i);
  });

  it('defect 4: the second sharer may revoke too, as far as Graph lets her (here it does not: member, not owner)', async () => {
    const options = createData({
      driveId: D.projectFalcon,
      itemId: I.falconSpecDocx,
      type: 'view',
      scope: 'organization',
    });
    const adele = linkCardOf((await submit(h, USERS.adele, options)).body);
    const megan = linkCardOf((await submit(h, USERS.megan, options)).body);
    assert.equal(megan.data.permissionId, adele.data.permissionId);
    h.clearCalls();
    const refused = await execute(h, USERS.megan, 'revokeLink', megan.data);
    const deletes = h.calls.filter((c) => c.method === 'DELETE');
    assert.equal(deletes.length, 1, 'the app let Megan try: Graph decides');
    assert.equal(deletes[0].status, 403);
    assert.equal(refused.body.type, 'application/vnd.microsoft.activity.message', JSON.stringify(refused.body));
    assert.match(String(refused.body.value), /permission/i, 'Graph refused her: the message says so');
    const perms = await h.permissionsOf(USERS.adele, D.projectFalcon, I.falconSpecDocx);
    assert.ok(
      perms.some((p) => p.id === adele.data.permissionId),
      'the link stays',
    );
    const adeleView = await execute(h, USERS.adele, 'refreshLinkCard', adele.data);
    assert.equal(revokeButtons(adeleView.body.value).length, 1, "Adele's card still offers revoke");
  });
});
