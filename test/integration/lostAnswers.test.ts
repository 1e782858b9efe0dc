import { strict as assert } from 'node:assert';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import { CONTOSO, USERS, startHarness, type Harness } from './harness';
import { createData, linkCardOf, submit } from './journeys';

const D = GRAPH_SEED.drives;
const I = GRAPH_SEED.items;

/**
 * Issue 9, defect 2: a createLink whose answer is lost (cut off, or an HTML page with 200) after Graph made the
 * link. The link is found among the item's permissions and recorded, and the person gets the card or a clear
 * message; never "error" while the link exists unrecorded.
 */
describe('integration: createLink answers that get lost', function () {
  this.timeout(20_000);
  let h: Harness;
  const adeleId = () => h.user(USERS.adele).id;

  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele] } });
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.sandbox.faults.clear();
    h.clearCalls();
  });

  for (const answer of ['truncated', 'html'] as const) {
    it(`${answer} createLink answer (every attempt): the link Graph made is found, carded and recorded`, async () => {
      h.sandbox.faults.add({ method: 'POST', path: '/createLink$', answer });
      const itemId = answer === 'html' ? I.adeleDiagramPng : I.adeleDemoMp4;
      const reply = await submit(h, USERS.adele, createData({ itemId, type: 'edit', scope: 'organization' }));
      assert.ok(reply.elapsedMs < 3000, `answered in ${Math.round(reply.elapsedMs)} ms`);
      assert.ok(
        h.calls.some((c) => c.path.includes('/createLink')),
        'createLink was called',
      );
      const { data, linkUrl } = linkCardOf(reply.body);
      const perms = await h.permissionsOf(USERS.adele, D.adele, itemId);
      const perm = perms.find((p) => p.id === data.permissionId);
      assert.ok(perm, 'the card names the permission Graph holds');
      assert.equal(perm.link.webUrl, linkUrl);
      const record = await h.services.shareLog.get(CONTOSO, data.permissionId, adeleId());
      assert.equal(record?.linkUrl, linkUrl, 'the share log holds it');
      assert.deepEqual(h.services.shareLog.openIntentsOf(CONTOSO, adeleId()), []);
    });
  }

  it('lost answer and no way to look now: a clear message, then reconciled the next time Adele acts', async () => {
    const itemId = I.adeleRetroPdf;
    h.sandbox.faults.add(
      { method: 'POST', path: '/createLink$', answer: 'html', times: 1 },
      { method: 'GET', path: '/permissions', status: 503 },
    );
    const reply = await submit(
      h,
      USERS.adele,
      createData({ itemId, driveId: D.adele, type: 'view', scope: 'organization' }),
    );
    assert.ok(reply.elapsedMs < 3000, `answered in ${Math.round(reply.elapsedMs)} ms`);
    h.sandbox.faults.clear();
    const text = JSON.stringify(reply.body);
    assert.match(text, /did not arrive complete/);
    assert.match(text, /My shared links/);
    const open = h.services.shareLog.openIntentsOf(CONTOSO, adeleId());
    assert.equal(open.length, 1, 'the intent stays open');
    assert.equal(open[0].intent.item.itemId, itemId);
    assert.doesNotMatch(JSON.stringify(open), /password"\s*:\s*"/, 'the intent holds no password');

    const inGraph = (await h.permissionsOf(USERS.adele, D.adele, itemId)).filter(
      (p) => p.link?.type === 'view' && p.link?.scope === 'organization',
    );
    assert.equal(inGraph.length, 1, 'Graph made the link');

    // Adele does something else with the app: her token is at hand, the intent is reconciled in the background.
    const pick = await submit(h, USERS.adele, { action: 'pick', driveId: D.adele, itemId: I.adelePlanDocx });
    assert.equal(pick.status, 200);
    await waitFor(async () => (await h.services.shareLog.get(CONTOSO, inGraph[0].id, adeleId())) !== undefined);
    assert.deepEqual(h.services.shareLog.openIntentsOf(CONTOSO, adeleId()), []);
    const listed = await h.services.shareLog.listByUser(CONTOSO, adeleId(), 200);
    assert.ok(listed.some((r) => r.permissionId === inGraph[0].id && r.itemId === itemId));
  });

  it('a refusal (403/404) settles the intent at once: nothing to reconcile', async () => {
    const reply = await submit(h, USERS.adele, createData({ driveId: D.adele, itemId: '01NO_SUCH_ITEM' }));
    assert.equal(reply.status, 200);
    assert.deepEqual(h.services.shareLog.openIntentsOf(CONTOSO, adeleId()), []);
  });
});

async function waitFor(cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
