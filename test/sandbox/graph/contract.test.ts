import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GRAPH_SEED as S } from '../../../sandbox/graph/seedIds';
import { validateCreateLinkRequest, validateGraphResponse, type GraphVersion } from '../../helpers/graphContract';
import { startGraphHarness, type GraphHarness, type UserKey } from './harness';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'contracts', 'examples');
const example = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));

/** Every key path of a JSON value ("link.application.id", "value[].roles"). */
function keyPaths(v: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(v)) {
    for (const el of v) for (const k of keyPaths(el, `${prefix}[]`)) out.add(k);
  } else if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.add(p);
      for (const c of keyPaths(child, p)) out.add(c);
    }
  }
  return out;
}

function assertSameKeys(recorded: unknown, actual: unknown, what: string): void {
  const have = keyPaths(actual);
  const missing = [...keyPaths(recorded)].filter((k) => !have.has(k));
  assert.deepEqual(missing, [], `${what}: keys of the recorded example missing from the sandbox answer`);
}

describe('sandbox Graph against the vendored contracts', () => {
  let h: GraphHarness;
  before(async () => {
    h = await startGraphHarness({ tweak: (d) => (d.tenants[0].policy.passwordOnBusinessLinks = true) });
  });
  after(() => h.close());
  beforeEach(() => h.graph.reset());

  describe('test/helpers/graphContract', () => {
    for (const version of ['v1.0', 'beta'] as GraphVersion[]) {
      it(`${version}: accepts the recorded createLink bodies and rejects unknown or mistyped ones`, () => {
        for (const f of fs.readdirSync(EXAMPLES).filter((n) => /^graph-.*createLink.*\.request\.json$/.test(n))) {
          assert.deepEqual(validateCreateLinkRequest(version, example(f)).errors, [], f);
        }
        assert.equal(validateCreateLinkRequest(version, { type: 'view', requireSignIn: true }).valid, false);
        assert.equal(validateCreateLinkRequest(version, { sendNotification: 'yes' }).valid, false);
        assert.equal(validateCreateLinkRequest(version, { expirationDateTime: '2026-01-01' }).valid, false);
        assert.equal(
          validateCreateLinkRequest(version, {
            recipients: [{ email: 'a@b.example' }],
            message: 'hi',
            retainInheritedPermissions: false,
          }).valid,
          true,
        );
      });
      it(`${version}: validates the recorded responses and rejects wrong types`, () => {
        const cases: Array<[string, string]> = [
          ['graph-v1.0-createLink-anonymous-view.response.json', 'permission'],
          ['graph-v1.0-createLink-embed.response.json', 'permission'],
          ['graph-beta-createLink-recipients-sendNotification.response.json', 'permission'],
          ['graph-v1.0-permission-get.response.json', 'permission'],
          ['graph-v1.0-permissions-list.response.json', 'permissionCollectionResponse'],
          ['graph-v1.0-shares-driveItem.response.json', 'driveItem'],
          ['graph-v1.0-search-root.response.json', 'searchResponse'],
        ];
        for (const [f, schema] of cases)
          assert.deepEqual(validateGraphResponse(version, schema, example(f)).errors, [], f);
        assert.equal(validateGraphResponse(version, 'permission', { id: 'x', roles: 'read' }).valid, false);
        assert.equal(
          validateGraphResponse(version, 'ODataErrors.ODataError', { error: { message: 'no code' } }).valid,
          false,
        );
        assert.throws(() => validateGraphResponse(version, 'noSuchThing', {}), /noSuchThing/);
      });
    }
  });

  describe('the sandbox reproduces the recorded examples (same keys) for equivalent calls, valid in v1.0 and beta', () => {
    const createLinkCases: Array<[string, UserKey, string, string]> = [
      ['graph-v1.0-createLink-anonymous-view', 'adele', `/me/drive/items/${S.items.adelePlanDocx}/createLink`, 'v1.0'],
      [
        'graph-v1.0-createLink-organization-edit',
        'adele',
        `/me/drive/items/${S.items.adelePlanDocx}/createLink`,
        'v1.0',
      ],
      ['graph-v1.0-createLink-embed', 'pat', `/me/drive/items/${S.items.patBeachPng}/createLink`, 'v1.0'],
    ];
    for (const [name, as, url, version] of createLinkCases) {
      it(name, async () => {
        const r = await h.call('POST', `/${version}${url}`, { as, body: example(`${name}.request.json`) });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assertSameKeys(example(`${name}.response.json`), r.body, name);
        for (const v of ['v1.0', 'beta'] as const)
          assert.deepEqual(validateGraphResponse(v, 'permission', r.body).errors, []);
      });
    }
    it('graph-beta-createLink-recipients-sendNotification (with a resolvable recipient)', async () => {
      const body = {
        ...(example('graph-beta-createLink-recipients-sendNotification.request.json') as object),
        recipients: [{ email: 'megan@contoso.example' }],
      };
      const r = await h.call('POST', `/beta/me/drive/items/${S.items.adelePlanDocx}/createLink`, { body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assertSameKeys(
        example('graph-beta-createLink-recipients-sendNotification.response.json'),
        r.body,
        'beta createLink',
      );
      assert.equal(r.body.hasPassword, true);
      assert.equal(h.graph.outbox().length, 1);
    });
    it('graph-v1.0-permissions-list and graph-v1.0-permission-get', async () => {
      await h.call('POST', `/v1.0/me/drive/items/${S.items.adeleBriefDocx}/createLink`, {
        body: { type: 'edit', scope: 'organization' },
      });
      const list = await h.call('GET', `/v1.0/me/drive/items/${S.items.adeleBriefDocx}/permissions`);
      assertSameKeys(example('graph-v1.0-permissions-list.response.json'), list.body, 'permissions list');
      const grant = list.body.value.find((p: { grantedTo?: unknown }) => p.grantedTo);
      const one = await h.call('GET', `/v1.0/me/drive/items/${S.items.adeleBriefDocx}/permissions/${grant.id}`);
      assertSameKeys(example('graph-v1.0-permission-get.response.json'), one.body, 'permission get');
      for (const v of ['v1.0', 'beta'] as const) {
        assert.deepEqual(validateGraphResponse(v, 'permissionCollectionResponse', list.body).errors, []);
        assert.deepEqual(validateGraphResponse(v, 'permission', one.body).errors, []);
      }
    });
    it('graph-v1.0-shares-driveItem and …-expand-children', async () => {
      const link = (
        await h.call('POST', `/v1.0/me/drive/items/${S.items.adeleProjectsFolder}/createLink`, {
          body: { type: 'view', scope: 'organization' },
        })
      ).body;
      const file = (
        await h.call('POST', `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`, {
          body: { type: 'view', scope: 'organization' },
        })
      ).body;
      const item = await h.call('GET', `/v1.0/shares/${file.shareId}/driveItem`, { as: 'megan' });
      assertSameKeys(example('graph-v1.0-shares-driveItem.response.json'), item.body, 'shares');
      const expanded = await h.call('GET', `/v1.0/shares/${link.shareId}/driveItem?$expand=children`, { as: 'megan' });
      assertSameKeys(
        example('graph-v1.0-shares-driveItem-expand-children.response.json'),
        expanded.body,
        'shares expand',
      );
      for (const v of ['v1.0', 'beta'] as const) {
        assert.deepEqual(validateGraphResponse(v, 'driveItem', item.body).errors, []);
        assert.deepEqual(validateGraphResponse(v, 'driveItem', expanded.body).errors, []);
      }
    });
    it('graph-v1.0-search-root', async () => {
      // Everything below Projects (two files, a folder, its file), three per page: folders and a nextLink, like the example.
      const r = await h.call('GET', `/v1.0/me/drive/items/${S.items.adeleProjectsFolder}/search(q='')?$top=3`);
      assert.equal(r.body.value.length, 3);
      assertSameKeys(example('graph-v1.0-search-root.response.json'), r.body, 'search');
      for (const v of ['v1.0', 'beta'] as const)
        assert.deepEqual(validateGraphResponse(v, 'searchResponse', r.body).errors, []);
    });
    it('errors validate as ODataErrors.ODataError in both versions', async () => {
      const answers = [
        await h.call('GET', '/v1.0/me/drive/items/nope'),
        await h.call('GET', '/v1.0/me/drive/items/nope', { token: null }),
        await h.call('POST', `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`, { body: { foo: 1 } }),
        await h.call('GET', `/v1.0/drives/${S.drives.adele}/items/${S.items.adelePlanDocx}`, { as: 'megan' }),
      ];
      for (const r of answers)
        for (const v of ['v1.0', 'beta'] as const)
          assert.deepEqual(validateGraphResponse(v, 'ODataErrors.ODataError', r.body).errors, []);
    });
  });
});
