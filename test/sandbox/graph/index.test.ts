import { strict as assert } from 'node:assert';
import { GRAPH_SEED as S } from '../../../sandbox/graph/seedIds';
import { loadTenantData } from '../../../sandbox/tenant-data';
import { mintGraphToken } from '../../../sandbox/tokens';
import { assertGraphResponse } from '../../helpers/graphContract';
import { encodeShareUrl, startGraphHarness, type GraphHarness } from './harness';

describe('sandbox Graph drives surface', () => {
  let h: GraphHarness;
  before(async () => {
    h = await startGraphHarness();
  });
  after(() => h.close());
  beforeEach(() => h.graph.reset());

  describe('authentication and errors', () => {
    const url = `/v1.0/me/drive/items/${S.items.adelePlanDocx}`;
    it('401 InvalidAuthenticationToken without a token, in Graph error shape with request ids', async () => {
      const r = await h.call('GET', url, { token: null, headers: { 'client-request-id': 'my-correlation-1' } });
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'InvalidAuthenticationToken');
      assert.equal(r.headers.get('client-request-id'), 'my-correlation-1');
      assert.match(r.headers.get('request-id') ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(r.body.error.innerError['client-request-id'], 'my-correlation-1');
      assert.equal(r.body.error.innerError['request-id'], r.headers.get('request-id'));
      assert.match(r.body.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer /);
      for (const v of ['v1.0', 'beta'] as const) assertGraphResponse(v, 'ODataErrors.ODataError', r.body);
    });
    it('401 for a token signed by another key, an expired token, and a token of another issuer', async () => {
      const adele = loadTenantData().users.find((u) => u.id === S.users.adele)!;
      const forged = await mintGraphToken(h.otherKey, h.base, adele, ['Files.ReadWrite.All']);
      const expired = await h.token('adele', ['Files.ReadWrite.All'], undefined, -300);
      const wrongIssuer = await mintGraphToken(h.key, 'https://login.elsewhere.example', adele, [
        'Files.ReadWrite.All',
      ]);
      for (const token of [forged, expired, wrongIssuer, 'not-a-jwt']) {
        const r = await h.call('GET', url, { token });
        assert.equal(r.status, 401);
        assert.equal(r.body.error.code, 'InvalidAuthenticationToken');
      }
    });
    it('403 accessDenied for a token without file scopes', async () => {
      const r = await h.call('GET', url, { token: await h.token('adele', ['User.Read']) });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'accessDenied');
    });
    it('generates a client-request-id when the client sends none', async () => {
      const r = await h.call('GET', url);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('client-request-id') ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(r.headers.get('request-id'));
    });
    it('404 itemNotFound, 400 BadRequest for an unknown segment, 405 for a wrong method', async () => {
      const nf = await h.call('GET', '/v1.0/me/drive/items/01ADELE_MISSING');
      assert.equal(nf.status, 404);
      assert.equal(nf.body.error.code, 'itemNotFound');
      const seg = await h.call('GET', `/v1.0/me/drive/items/${S.items.adelePlanDocx}/thumbnailz`);
      assert.equal(seg.status, 400);
      const m = await h.call('DELETE', `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`);
      assert.equal(m.status, 405);
      for (const r of [nf, seg, m]) assertGraphResponse('v1.0', 'ODataErrors.ODataError', r.body);
    });
    it('passes paths it does not own to the next handler', async () => {
      const r = await h.call('GET', '/v1.0/me/messages');
      assert.equal(r.status, 404);
      assert.equal(r.headers.get('request-id'), null);
    });
  });

  describe('items and drives', () => {
    for (const version of ['v1.0', 'beta'] as const) {
      it(`${version}: GET by id, by /me, by path and the root, all valid driveItems`, async () => {
        const byId = await h.call('GET', `/${version}/drives/${S.drives.adele}/items/${S.items.adelePlanDocx}`);
        const byMe = await h.call('GET', `/${version}/me/drive/items/${S.items.adelePlanDocx}`);
        const byPath = await h.call('GET', `/${version}/me/drive/root:/plan.DOCX`);
        for (const r of [byId, byMe, byPath]) {
          assert.equal(r.status, 200);
          assertGraphResponse(version, 'driveItem', r.body);
          assert.equal(r.body.id, S.items.adelePlanDocx);
          assert.equal(
            r.body.webUrl,
            'https://contoso-my.sharepoint.example/personal/adele_contoso_example/Documents/Plan.docx',
          );
          assert.deepEqual(r.body.parentReference, {
            driveType: 'business',
            driveId: S.drives.adele,
            id: S.items.adeleRoot,
            name: 'OneDrive',
            path: `/drives/${S.drives.adele}/root:`,
          });
          assert.equal(r.body.file.mimeType, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
          assert.equal(r.body.createdBy.user.displayName, 'Adele Vance');
        }
        const nested = await h.call('GET', `/${version}/me/drive/root:/Projects/Archive%202024/Retrospective.pdf`);
        assert.equal(nested.status, 200);
        assert.equal(nested.body.parentReference.path, `/drives/${S.drives.adele}/root:/Projects/Archive%202024`);
        const root = await h.call('GET', `/${version}/drives/${S.drives.adele}/root`);
        assert.equal(root.status, 200);
        assert.deepEqual(root.body.root, {});
        assert.equal(root.body.folder.childCount, 10);
        assertGraphResponse(version, 'driveItem', root.body);
        const drive = await h.call('GET', `/${version}/me/drive`);
        assert.equal(drive.status, 200);
        assert.equal(drive.body.driveType, 'business');
        assertGraphResponse(version, 'drive', drive.body);
      });
    }
    it('serves the site library, the group drive and the personal drive with their drive types', async () => {
      const site = await h.call('GET', `/v1.0/sites/${S.siteMarketing}/drive/items/${S.items.marketingBrandPptx}`, {
        as: 'lee',
      });
      assert.equal(site.status, 200);
      assert.equal(site.body.parentReference.driveType, 'documentLibrary');
      assert.equal(site.body.parentReference.siteId, S.siteMarketing);
      assert.equal(
        site.body.webUrl,
        'https://contoso.sharepoint.example/sites/Marketing/Shared%20Documents/Brand%20guidelines.pptx',
      );
      const group = await h.call('GET', `/v1.0/groups/${S.groupProjectFalcon}/drive`, { as: 'megan' });
      assert.equal(group.body.driveType, 'documentLibrary');
      assert.equal(group.body.owner.group.displayName, 'Project Falcon');
      const pat = await h.call('GET', `/v1.0/me/drive/items/${S.items.patBeachPng}`, { as: 'pat' });
      assert.equal(pat.body.parentReference.driveType, 'personal');
      assert.equal(pat.body.file.mimeType, 'image/png');
      assert.ok(pat.body.file.hashes.sha1Hash);
    });
    it('seeds every kind of file, a nested folder, an empty folder and a very long name in each Contoso OneDrive', async () => {
      for (const user of ['adele', 'megan', 'lee', 'alex'] as const) {
        const kids = await h.call('GET', '/v1.0/me/drive/root/children', { as: user });
        assert.equal(kids.status, 200);
        const names: string[] = kids.body.value.map((i: { name: string }) => i.name);
        for (const ext of ['docx', 'xlsx', 'pptx', 'pdf', 'png', 'mp4', 'txt'])
          assert.ok(
            names.some((n) => n.endsWith(`.${ext}`)),
            `${user} has a .${ext}`,
          );
        assert.ok(
          names.some((n) => n.length > 200),
          'a very long name',
        );
        assert.ok(
          kids.body.value.some((i: { folder?: { childCount: number } }) => i.folder?.childCount === 0),
          'an empty folder',
        );
      }
      const projects = await h.call('GET', `/v1.0/me/drive/items/${S.items.adeleProjectsFolder}?$expand=children`);
      assert.equal(projects.body.children.length, 3);
      assert.ok(
        projects.body.children.some(
          (c: { id: string; folder?: unknown }) => c.id === S.items.adeleArchiveFolder && c.folder,
        ),
      );
      assert.equal(projects.body.size, 35120 + 20480 + 402113);
    });
    it('enforces access: another user, another tenant, a folder shared with a colleague', async () => {
      assert.equal(
        (await h.call('GET', `/v1.0/drives/${S.drives.adele}/items/${S.items.adelePlanDocx}`, { as: 'megan' })).status,
        403,
      );
      assert.equal(
        (await h.call('GET', `/v1.0/drives/${S.drives.adele}/items/${S.items.adelePlanDocx}`, { as: 'noah' })).status,
        403,
      );
      assert.equal(
        (await h.call('GET', `/v1.0/drives/${S.drives.adele}/items/${S.items.adeleBriefDocx}`, { as: 'megan' })).status,
        200,
      );
      assert.equal(
        (
          await h.call('GET', `/v1.0/groups/${S.groupProjectFalcon}/drive/items/${S.items.falconSpecDocx}`, {
            as: 'lee',
          })
        ).status,
        403,
      );
    });
    it('pages children with $top and @odata.nextLink', async () => {
      const first = await h.call('GET', '/v1.0/me/drive/root/children?$top=4');
      assert.equal(first.body.value.length, 4);
      const next = new URL(first.body['@odata.nextLink']);
      const second = await h.call('GET', next.pathname + next.search);
      assert.equal(second.body.value.length, 4);
      assert.notEqual(second.body.value[0].id, first.body.value[0].id);
    });
  });

  describe('/shares/{shareId}/driveItem', () => {
    it("resolves an item's own webUrl (u! + unpadded base64url), also padded", async () => {
      const item = (await h.call('GET', `/v1.0/me/drive/items/${S.items.adeleBriefDocx}`)).body;
      const id = encodeShareUrl(item.webUrl);
      assert.equal(id.includes('='), false);
      const r = await h.call('GET', `/v1.0/shares/${id}/driveItem`);
      assert.equal(r.status, 200);
      assert.equal(r.body.id, S.items.adeleBriefDocx);
      assertGraphResponse('v1.0', 'driveItem', r.body);
      const padded = 'u!' + Buffer.from(item.webUrl).toString('base64');
      assert.equal((await h.call('GET', `/beta/shares/${encodeURIComponent(padded)}/driveItem`)).status, 200);
      assert.equal(
        (await h.call('GET', `/v1.0/shares/${id}/driveItem`, { as: 'megan' })).status,
        200,
        'Megan has inherited read',
      );
      assert.equal((await h.call('GET', `/v1.0/shares/${id}/driveItem`, { as: 'lee' })).status, 403);
    });
    it('resolves created links by URL and by shareId, honouring their scope', async () => {
      const org = (
        await h.call('POST', `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`, {
          body: { type: 'view', scope: 'organization' },
        })
      ).body;
      const anon = (
        await h.call('POST', `/v1.0/me/drive/items/${S.items.adeleNotesTxt}/createLink`, {
          body: { type: 'view', scope: 'anonymous' },
        })
      ).body;
      const viaUrl = await h.call('GET', `/v1.0/shares/${encodeShareUrl(org.link.webUrl)}/driveItem`, { as: 'lee' });
      assert.equal(viaUrl.status, 200, 'anyone in the organization');
      assert.equal(viaUrl.body.id, S.items.adelePlanDocx);
      assert.equal((await h.call('GET', `/v1.0/shares/${org.shareId}/driveItem`, { as: 'megan' })).status, 200);
      assert.equal(
        (await h.call('GET', `/v1.0/shares/${encodeShareUrl(org.link.webUrl)}/driveItem`, { as: 'noah' })).status,
        403,
        'not other tenants',
      );
      assert.equal(
        (await h.call('GET', `/v1.0/shares/${encodeShareUrl(anon.link.webUrl)}/driveItem`, { as: 'noah' })).status,
        200,
        'anyone',
      );
      const token = anon.link.webUrl.split('/').pop();
      assert.equal(
        (await h.call('GET', `/v1.0/shares/${token}/driveItem`, { as: 'pat' })).status,
        200,
        'plain share token',
      );
      const embed = (
        await h.call('POST', `/v1.0/me/drive/items/${S.items.patBeachPng}/createLink`, {
          as: 'pat',
          body: { type: 'embed' },
        })
      ).body;
      assert.equal(
        (await h.call('GET', `/v1.0/shares/${encodeShareUrl(embed.link.webUrl)}/driveItem`, { as: 'adele' })).body.id,
        S.items.patBeachPng,
      );
    });
    it('expands children of a shared folder and answers 404 for unknown links', async () => {
      const folder = (
        await h.call('POST', `/v1.0/me/drive/items/${S.items.adeleProjectsFolder}/createLink`, {
          body: { type: 'view', scope: 'organization' },
        })
      ).body;
      const r = await h.call('GET', `/v1.0/shares/${folder.shareId}/driveItem?$expand=children`, { as: 'lee' });
      assert.equal(r.status, 200);
      assert.equal(r.body.children.length, 3);
      const missing = await h.call(
        'GET',
        `/v1.0/shares/${encodeShareUrl('https://contoso.sharepoint.example/:w:/s/Marketing/Enope')}/driveItem`,
      );
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'itemNotFound');
    });
  });

  describe('search', () => {
    it("root/search(q='…') matches names case-insensitively with $top paging", async () => {
      const r = await h.call('GET', `/v1.0/me/drive/root/search(q='${encodeURIComponent('FALCON')}')`);
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.body.value.map((i: { name: string }) => i.name),
        ['Falcon brief.docx'],
      );
      assertGraphResponse('v1.0', 'searchResponse', r.body);
      assertGraphResponse('beta', 'searchResponse', r.body);
      const all = await h.call('GET', `/v1.0/me/drive/root/search(q='.docx')`);
      assert.equal(all.body.value.length, 3);
      const paged = await h.call('GET', `/v1.0/me/drive/root/search(q='.docx')?$top=1`);
      assert.equal(paged.body.value.length, 1);
      assert.ok(paged.body['@odata.nextLink']);
      const encodedParens = await h.call('GET', `/v1.0/me/drive/root/search%28q=%27plan%27%29`);
      assert.equal(encodedParens.body.value[0].name, 'Plan.docx');
      const drive = await h.call('GET', `/beta/me/drive/microsoft.graph.search(q='notes')`);
      assert.equal(drive.body.value[0].name, 'notes.txt');
      const none = await h.call('GET', `/v1.0/me/drive/root/search(q='it''s nothing')`);
      assert.deepEqual(none.body.value, []);
      const bad = await h.call('GET', `/v1.0/me/drive/root/search(q=plan)`);
      assert.equal(bad.status, 400);
    });
    it('POST /search/query finds driveItems the caller can read across drives, with from/size paging', async () => {
      const body = (from: number, size: number) => ({
        requests: [{ entityTypes: ['driveItem'], query: { queryString: 'falcon' }, from, size }],
      });
      const r = await h.call('POST', '/v1.0/search/query', { body: body(0, 25) });
      assert.equal(r.status, 200);
      const c = r.body.value[0].hitsContainers[0];
      const names = c.hits.map((x: { resource: { name: string } }) => x.resource.name).sort();
      // Adele's own brief, Alex's brief (his Projects folder grants her write) and the group's spec.
      assert.deepEqual(names, ['Falcon brief.docx', 'Falcon brief.docx', 'Falcon spec.docx']);
      assert.equal(c.total, 3);
      assert.equal(c.moreResultsAvailable, false);
      for (const hit of c.hits) {
        assert.equal(hit.resource['@odata.type'], '#microsoft.graph.driveItem');
        assert.match(hit.summary, /<c0>Falcon<\/c0>/);
        assertGraphResponse('v1.0', 'driveItem', hit.resource);
        // Only what documented and reported hits carry (FIDELITY.md): no size, facets, driveType or path.
        for (const absent of ['size', 'file', 'folder', 'eTag', 'cTag'])
          assert.equal(absent in hit.resource, false, `${absent} is not in a search hit`);
        assert.deepEqual(
          Object.keys(hit.resource.parentReference).sort(),
          ['driveId', 'id', 'siteId'].filter((k) => k in hit.resource.parentReference).sort(),
        );
        assert.equal('driveType' in hit.resource.parentReference, false);
        assert.ok(
          hit.resource.id && hit.resource.parentReference.driveId,
          'id and driveId: enough to address the item',
        );
      }
      h.fidelity.richSearchHits = true;
      try {
        const rich = await h.call('POST', '/v1.0/search/query', { body: body(0, 25) });
        for (const hit of rich.body.value[0].hitsContainers[0].hits) {
          assert.equal(typeof hit.resource.size, 'number');
          assert.ok(hit.resource.file, 'richSearchHits adds the file facet');
          assert.equal(typeof hit.resource.parentReference.driveType, 'string');
        }
      } finally {
        h.fidelity.richSearchHits = false;
      }
      const p1 = await h.call('POST', '/beta/search/query', { body: body(0, 1) });
      assert.equal(p1.body.value[0].hitsContainers[0].hits.length, 1);
      assert.equal(p1.body.value[0].hitsContainers[0].moreResultsAvailable, true);
      const p2 = await h.call('POST', '/beta/search/query', { body: body(1, 1) });
      assert.notEqual(
        p2.body.value[0].hitsContainers[0].hits[0].hitId,
        p1.body.value[0].hitsContainers[0].hits[0].hitId,
      );
      const lee = await h.call('POST', '/v1.0/search/query', { as: 'lee', body: body(0, 25) });
      const leeHits = lee.body.value[0].hitsContainers[0].hits;
      assert.deepEqual(
        leeHits.map((x: { resource: { parentReference: { driveId: string } } }) => x.resource.parentReference.driveId),
        [S.drives.lee],
        'only his own copy: not in Project Falcon, no access to Adele’s folder',
      );
      const filetype = await h.call('POST', '/v1.0/search/query', {
        body: { requests: [{ entityTypes: ['driveItem'], query: { queryString: 'filetype:pdf' } }] },
      });
      assert.ok(
        filetype.body.value[0].hitsContainers[0].hits.every((x: { resource: { name: string } }) =>
          x.resource.name.endsWith('.pdf'),
        ),
      );
      for (const badBody of [
        {},
        { requests: [{ entityTypes: ['message'], query: { queryString: 'x' } }] },
        { requests: [{ entityTypes: ['driveItem'], query: {} }] },
        { requests: [{ entityTypes: ['driveItem'], query: { queryString: 'x' }, size: 0 }] },
      ]) {
        const bad = await h.call('POST', '/v1.0/search/query', { body: badBody });
        assert.equal(bad.status, 400, JSON.stringify(badBody));
      }
    });
  });

  describe('permissions', () => {
    it('lists own and inherited permissions as a valid collection; GET one', async () => {
      const link = (
        await h.call('POST', `/v1.0/me/drive/items/${S.items.adeleBriefDocx}/createLink`, {
          body: { type: 'edit', scope: 'organization' },
        })
      ).body;
      for (const version of ['v1.0', 'beta'] as const) {
        const r = await h.call('GET', `/${version}/me/drive/items/${S.items.adeleBriefDocx}/permissions`);
        assert.equal(r.status, 200);
        assertGraphResponse(version, 'permissionCollectionResponse', r.body);
        const ids = r.body.value.map((p: { id: string }) => p.id);
        assert.ok(ids.includes(link.id));
        const inherited = r.body.value.find(
          (p: { inheritedFrom?: { id: string } }) => p.inheritedFrom?.id === S.items.adeleProjectsFolder,
        );
        assert.ok(inherited, 'Megan’s grant inherited from Projects');
      }
      const one = await h.call('GET', `/v1.0/me/drive/items/${S.items.adeleBriefDocx}/permissions/${link.id}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.link.webUrl, link.link.webUrl);
      assertGraphResponse('v1.0', 'permission', one.body);
    });
    it('DELETE: only owners (OneDrive owner, site owners) may remove a link; 204 then gone', async () => {
      const lib = `/v1.0/sites/${S.siteMarketing}/drive/items/${S.items.marketingBrandPptx}`;
      const link = (
        await h.call('POST', `${lib}/createLink`, { as: 'alex', body: { type: 'view', scope: 'organization' } })
      ).body;
      const byMember = await h.call('DELETE', `${lib}/permissions/${link.id}`, { as: 'alex' });
      assert.equal(byMember.status, 403);
      const byOwner = await h.call('DELETE', `${lib}/permissions/${link.id}`, { as: 'megan' });
      assert.equal(byOwner.status, 204);
      assert.equal(byOwner.body, undefined);
      assert.equal((await h.call('DELETE', `${lib}/permissions/${link.id}`, { as: 'megan' })).status, 404);
      assert.equal(
        (await h.call('GET', `/v1.0/shares/${link.shareId}/driveItem`, { as: 'lee' })).status,
        404,
        'the link no longer resolves',
      );
      assert.equal((await h.call('GET', lib, { as: 'lee' })).status, 200, 'Lee still reads as a visitor');
      const again = await h.call('POST', `${lib}/createLink`, {
        as: 'alex',
        body: { type: 'view', scope: 'organization' },
      });
      assert.equal(again.status, 201, 'a deleted link is not reused');
    });
    it('"no expiration" is DateTime.MinValue on lists and gets; createLink leaves it out unless switched on', async () => {
      const item = `/v1.0/me/drive/items/${S.items.adelePlanDocx}`;
      const created = await h.call('POST', `${item}/createLink`, { body: { type: 'view', scope: 'organization' } });
      assert.equal(created.status, 201);
      assert.equal('expirationDateTime' in created.body, false, 'createLink page examples omit it');
      const soon = new Date(Math.floor(Date.now() / 1000) * 1000 + 5 * 86_400_000).toISOString().replace('.000Z', 'Z');
      const dated = await h.call('POST', `${item}/createLink`, {
        body: { type: 'edit', scope: 'organization', expirationDateTime: soon },
      });
      const list = (await h.call('GET', `${item}/permissions`)).body.value as Array<Record<string, unknown>>;
      for (const p of list) assert.equal(typeof p.expirationDateTime, 'string', `permission ${String(p.id)}`);
      assert.equal(list.find((p) => p.id === created.body.id)!.expirationDateTime, '0001-01-01T00:00:00Z');
      assert.equal(list.find((p) => p.id === dated.body.id)!.expirationDateTime, soon);
      const one = await h.call('GET', `${item}/permissions/${created.body.id}`);
      assert.equal(one.body.expirationDateTime, '0001-01-01T00:00:00Z');
      assertGraphResponse('v1.0', 'permission', one.body);

      h.fidelity.createLinkMinValueExpiration = true;
      try {
        const again = await h.call('POST', `/beta/me/drive/items/${S.items.adeleBudgetXlsx}/createLink`, {
          body: { type: 'edit', scope: 'organization' },
        });
        assert.equal(again.status, 201);
        assert.equal(again.body.expirationDateTime, '0001-01-01T00:00:00Z');
        assertGraphResponse('beta', 'permission', again.body);
      } finally {
        h.fidelity.createLinkMinValueExpiration = false;
      }
    });
    it('refuses to delete inherited permissions', async () => {
      const list = (await h.call('GET', `/v1.0/me/drive/items/${S.items.adeleBriefDocx}/permissions`)).body;
      const inherited = list.value.find(
        (p: { inheritedFrom?: unknown; roles: string[] }) => p.inheritedFrom && !p.roles.includes('owner'),
      );
      const r = await h.call('DELETE', `/v1.0/me/drive/items/${S.items.adeleBriefDocx}/permissions/${inherited.id}`);
      assert.equal(r.status, 400);
    });
  });

  describe('fidelity switch v1RefusesRecipients', () => {
    it('v1.0 answers 400 to recipients, sendNotification and message; beta and v1.0 without them are served', async () => {
      const item = `/me/drive/items/${S.items.adeleBriefDocx}/createLink`;
      const people = {
        type: 'view',
        scope: 'users',
        recipients: [{ email: 'megan@contoso.example' }],
        sendNotification: true,
        message: 'Hi',
      };
      h.fidelity.v1RefusesRecipients = true;
      try {
        for (const [prop, value] of [
          ['recipients', [{ email: 'megan@contoso.example' }]],
          ['sendNotification', false],
          ['message', 'Hi'],
        ] as const) {
          const r = await h.call('POST', `/v1.0${item}`, {
            body: { type: 'view', scope: 'organization', [prop]: value },
          });
          assert.equal(r.status, 400, prop);
          assert.equal(r.body.error.code, 'invalidRequest');
          assert.match(r.body.error.message, new RegExp(`'${prop}'`));
          assert.ok(r.body.error.innerError['request-id'], 'a real error body');
        }
        assert.equal(h.graph.outbox().length, 0, 'a refused request mails nobody');
        const beta = await h.call('POST', `/beta${item}`, { body: people });
        assert.equal(beta.status, 201);
        assert.equal(h.graph.outbox().length, 1);
        const plain = await h.call('POST', `/v1.0${item}`, { body: { type: 'edit', scope: 'organization' } });
        assert.equal(plain.status, 201);
      } finally {
        h.fidelity.v1RefusesRecipients = false;
      }
      const accepted = await h.call('POST', `/v1.0${item}`, { body: { ...people, type: 'edit' } });
      assert.equal(accepted.status, 201, 'default: v1.0 takes all eight (OpenAPI/CSDL)');
    });
  });

  describe('seed', () => {
    it('every id in GRAPH_SEED exists in sandbox/data/tenant.json', () => {
      const data = loadTenantData();
      for (const id of Object.values(S.users))
        assert.ok(
          data.users.some((u) => u.id === id),
          id,
        );
      for (const id of Object.values(S.drives))
        assert.ok(
          data.drives.some((d) => d.id === id),
          id,
        );
      assert.ok(data.sites.some((s) => s.id === S.siteMarketing));
      assert.ok(data.groups.some((g) => g.id === S.groupProjectFalcon));
      const items = new Set(data.drives.flatMap((d) => d.items.map((i) => i.id)));
      for (const id of Object.values(S.items)) assert.ok(items.has(id), id);
      assert.ok(data.drives.filter((d) => d.driveType === 'business').length >= 5);
    });
  });
});
