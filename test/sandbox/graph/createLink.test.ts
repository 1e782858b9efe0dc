import { strict as assert } from 'node:assert';
import { GRAPH_SEED as S } from '../../../sandbox/graph/seedIds';
import { assertGraphResponse } from '../../helpers/graphContract';
import { startGraphHarness, type GraphHarness, type UserKey } from './harness';

const TYPES = ['view', 'review', 'edit', 'embed', 'blocksDownload', 'createOnly', 'addressBar', 'adminDefault'];
const SCOPES = ['anonymous', 'organization', 'users'];
type DriveKind = 'personal' | 'business' | 'documentLibrary';

/** Where each drive type × item kind is exercised, and who shares it (Adele is a member, not owner, of Marketing). */
const TARGETS: Record<DriveKind, { as: UserKey; drive: string; file: string; folder: string }> = {
  personal: { as: 'pat', drive: S.drives.pat, file: S.items.patRecipesDocx, folder: S.items.patPicturesFolder },
  business: { as: 'adele', drive: S.drives.adele, file: S.items.adelePlanDocx, folder: S.items.adeleProjectsFolder },
  documentLibrary: {
    as: 'adele',
    drive: S.drives.marketing,
    file: S.items.marketingBrandPptx,
    folder: S.items.marketingCampaignsFolder,
  },
};

/** The oracle: the seed's rules, written independently of the implementation. */
function expectedStatus(type: string, scope: string, drive: DriveKind, kind: 'file' | 'folder'): number {
  if (drive === 'personal') {
    if (!['view', 'edit', 'embed'].includes(type)) return 400;
    return scope === 'anonymous' ? 201 : 400;
  }
  if (type === 'embed') return 400;
  if ((type === 'review' || type === 'blocksDownload') && kind === 'folder') return 400;
  if (type === 'createOnly' && kind === 'file') return 400;
  return 201;
}

const FIXED_NOW = new Date('2026-03-01T12:00:00Z');
const days = (n: number): string => new Date(FIXED_NOW.getTime() + n * 86_400_000).toISOString().replace('.000Z', 'Z');

describe('sandbox Graph createLink rules', () => {
  let h: GraphHarness;
  before(async () => {
    h = await startGraphHarness({ now: () => FIXED_NOW });
  });
  after(() => h.close());
  beforeEach(() => h.graph.reset());

  describe('type × scope × drive type × item kind', () => {
    for (const version of ['v1.0', 'beta'] as const) {
      for (const drive of Object.keys(TARGETS) as DriveKind[]) {
        for (const kind of ['file', 'folder'] as const) {
          it(`${version} ${drive} ${kind}: every type and scope answers as documented`, async () => {
            const t = TARGETS[drive];
            const itemId = kind === 'file' ? t.file : t.folder;
            for (const type of TYPES) {
              for (const scope of SCOPES) {
                h.graph.reset();
                const body: Record<string, unknown> = { type, scope };
                if (scope === 'users') body.recipients = [{ email: 'megan@contoso.example' }];
                const r = await h.call('POST', `/${version}/drives/${t.drive}/items/${itemId}/createLink`, {
                  as: t.as,
                  body,
                });
                const want = expectedStatus(type, scope, drive, kind);
                assert.equal(r.status, want, `${type}/${scope} on ${drive} ${kind}: ${JSON.stringify(r.body)}`);
                if (want !== 201) {
                  assert.equal(r.body.error.code, 'invalidRequest');
                  assertGraphResponse(version, 'ODataErrors.ODataError', r.body);
                  continue;
                }
                assertGraphResponse(version, 'permission', r.body);
                const effectiveType = type === 'adminDefault' ? 'view' : type;
                assert.equal(r.body.link.type, effectiveType);
                assert.equal(r.body.link.scope, scope);
                assert.deepEqual(
                  r.body.roles,
                  effectiveType === 'edit' || effectiveType === 'createOnly' ? ['write'] : ['read'],
                );
                assert.equal(r.body.link.application.id, '5ca1ab1e-0000-4000-8000-00000000a11c');
                assert.match(
                  r.body.link.webUrl,
                  drive === 'personal'
                    ? /^https:\/\/onedrive\.live\.example\//
                    : /^https:\/\/contoso(-my)?\.sharepoint\.example\/:[a-z]:\//,
                );
                if (drive !== 'personal') assert.equal(r.body.link.preventsDownload, type === 'blocksDownload');
                if (type === 'embed')
                  assert.match(r.body.link.webHtml, /^<iframe src="https:\/\/onedrive\.live\.example\/embed\?/);
                else assert.equal(r.body.link.webHtml, undefined);
                if (scope === 'users')
                  assert.equal(r.body.grantedToIdentitiesV2[0].user.email, 'megan@contoso.example');
              }
            }
          });
        }
      }
    }
  });

  it('201 for a new link, then 200 with the same permission for the same request from the same app', async () => {
    const url = `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`;
    const first = await h.call('POST', url, { body: { type: 'edit', scope: 'organization' } });
    assert.equal(first.status, 201);
    const again = await h.call('POST', url, { body: { type: 'edit', scope: 'organization' } });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.body.link.webUrl, first.body.link.webUrl);
    const otherKind = await h.call('POST', url, { body: { type: 'view', scope: 'organization' } });
    assert.equal(otherKind.status, 201);
    const otherApp = await h.call('POST', url, {
      token: await h.token('adele', undefined, 'a9a9a9a9-0000-4000-8000-00000000a9a9'),
      body: { type: 'edit', scope: 'organization' },
    });
    assert.equal(otherApp.status, 201, 'a link is reused only for the calling application');
    assert.equal(otherApp.body.link.application.id, 'a9a9a9a9-0000-4000-8000-00000000a9a9');
  });

  it('users links are reused only for the same set of recipients (in any order)', async () => {
    const url = `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`;
    const a = await h.call('POST', url, {
      body: {
        type: 'view',
        scope: 'users',
        recipients: [{ email: 'megan@contoso.example' }, { email: 'alex@contoso.example' }],
      },
    });
    assert.equal(a.status, 201);
    const b = await h.call('POST', url, {
      body: {
        type: 'view',
        scope: 'users',
        recipients: [{ objectId: S.users.alex }, { email: 'MEGAN@contoso.example' }],
      },
    });
    assert.equal(b.status, 200);
    assert.equal(b.body.id, a.body.id);
    const c = await h.call('POST', url, {
      body: { type: 'view', scope: 'users', recipients: [{ email: 'megan@contoso.example' }] },
    });
    assert.equal(c.status, 201);
  });

  it('a link another application made is not returned to this one (seeded Contoso Intranet link)', async () => {
    const r = await h.call('POST', `/v1.0/me/drive/items/${S.items.adeleBudgetXlsx}/createLink`, {
      body: { type: 'view', scope: 'organization' },
    });
    assert.equal(r.status, 201);
    const list = await h.call('GET', `/v1.0/me/drive/items/${S.items.adeleBudgetXlsx}/permissions`);
    assert.deepEqual(
      list.body.value
        .filter((p: { link?: unknown }) => p.link)
        .map((p: { link: { application: { displayName: string } } }) => p.link.application.displayName)
        .sort(),
      ['Contoso Intranet', 'Share Link (sandbox)'],
    );
  });

  describe('type and scope omitted or given alone', () => {
    const cases: Array<[string, DriveKind, Record<string, unknown>, string, string]> = [
      ['both omitted, business: tenant default view/organization', 'business', {}, 'view', 'organization'],
      ['both omitted, personal: consumer default view/anonymous', 'personal', {}, 'view', 'anonymous'],
      ['only type on business: scope from the tenant default', 'business', { type: 'edit' }, 'edit', 'organization'],
      ['only type on personal: anonymous (the only scope)', 'personal', { type: 'embed' }, 'embed', 'anonymous'],
      ['only scope: type from the tenant default', 'business', { scope: 'anonymous' }, 'view', 'anonymous'],
      ['nulls count as omitted', 'business', { type: null, scope: null }, 'view', 'organization'],
    ];
    for (const [name, drive, body, type, scope] of cases) {
      it(name, async () => {
        const t = TARGETS[drive];
        const r = await h.call('POST', `/v1.0/drives/${t.drive}/items/${t.file}/createLink`, { as: t.as, body });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.link.type, type);
        assert.equal(r.body.link.scope, scope);
      });
    }
  });

  describe('expirationDateTime', () => {
    const url = `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`;
    it('is kept when within the tenant maximum', async () => {
      const r = await h.call('POST', url, { body: { type: 'view', scope: 'anonymous', expirationDateTime: days(10) } });
      assert.equal(r.status, 201);
      assert.equal(r.body.expirationDateTime, days(10));
    });
    it('is clamped to the tenant maximum (Contoso: 30 days) and the permission says so', async () => {
      const r = await h.call('POST', url, {
        body: { type: 'view', scope: 'organization', expirationDateTime: days(90) },
      });
      assert.equal(r.status, 201);
      assert.equal(r.body.expirationDateTime, days(30));
    });
    it('is not clamped where the tenant sets no maximum (Fabrikam)', async () => {
      const r = await h.call('POST', `/v1.0/me/drive/items/${S.items.noahPlanDocx}/createLink`, {
        as: 'noah',
        body: { type: 'view', scope: 'organization', expirationDateTime: days(400) },
      });
      assert.equal(r.status, 201);
      assert.equal(r.body.expirationDateTime, days(400));
    });
    it('accepts offsets and fractions, answering in UTC', async () => {
      const r = await h.call('POST', url, {
        body: { type: 'edit', scope: 'organization', expirationDateTime: '2026-03-05T10:00:00.250+02:00' },
      });
      assert.equal(r.status, 201);
      assert.equal(r.body.expirationDateTime, '2026-03-05T08:00:00Z');
    });
    for (const bad of ['2026-03-10', 'tomorrow', '2026-13-01T00:00:00Z', '2026-03-10 10:00:00Z', '']) {
      it(`rejects the malformed value ${JSON.stringify(bad)} with 400`, async () => {
        const r = await h.call('POST', url, { body: { type: 'view', scope: 'organization', expirationDateTime: bad } });
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, 'invalidRequest');
      });
    }
    it('rejects a date in the past with 400', async () => {
      const r = await h.call('POST', url, {
        body: { type: 'view', scope: 'organization', expirationDateTime: days(-1) },
      });
      assert.equal(r.status, 400);
      assert.match(r.body.error.message, /future/);
    });
  });

  describe('password', () => {
    it('is accepted on OneDrive personal', async () => {
      const r = await h.call('POST', `/v1.0/me/drive/items/${S.items.patRecipesDocx}/createLink`, {
        as: 'pat',
        body: { type: 'view', password: 'correct horse' },
      });
      assert.equal(r.status, 201);
      assert.equal(r.body.hasPassword, true);
      assert.equal(JSON.stringify(r.body).includes('correct horse'), false, 'the password is never echoed');
    });
    for (const drive of ['business', 'documentLibrary'] as const) {
      it(`answers 400 invalidRequest on ${drive} when the tenant does not allow it`, async () => {
        const t = TARGETS[drive];
        const r = await h.call('POST', `/v1.0/drives/${t.drive}/items/${t.file}/createLink`, {
          as: t.as,
          body: { type: 'view', scope: 'anonymous', password: 'pw' },
        });
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, 'invalidRequest');
      });
    }
    it('is accepted on business anyone links when passwordOnBusinessLinks is on, and refused on other scopes', async () => {
      const h2 = await startGraphHarness({ tweak: (d) => (d.tenants[0].policy.passwordOnBusinessLinks = true) });
      try {
        const url = `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`;
        const ok = await h2.call('POST', url, { body: { type: 'view', scope: 'anonymous', password: 'pw' } });
        assert.equal(ok.status, 201);
        assert.equal(ok.body.hasPassword, true);
        const org = await h2.call('POST', url, { body: { type: 'view', scope: 'organization', password: 'pw' } });
        assert.equal(org.status, 400);
      } finally {
        await h2.close();
      }
    });
  });

  describe('anonymous links disabled by tenant policy (Fabrikam)', () => {
    it('answers 403 accessDenied with the SharePoint header; organization links still work', async () => {
      const url = `/v1.0/me/drive/items/${S.items.noahPlanDocx}/createLink`;
      const r = await h.call('POST', url, { as: 'noah', body: { type: 'view', scope: 'anonymous' } });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'accessDenied');
      assert.match(r.body.error.message, /Sharing by link is not enabled/);
      assert.match(r.headers.get('sharepoint-createsharinglink-error') ?? '', /Sharing by link is not enabled/);
      assertGraphResponse('v1.0', 'ODataErrors.ODataError', r.body);
      const org = await h.call('POST', url, { as: 'noah', body: { type: 'edit', scope: 'organization' } });
      assert.equal(org.status, 201);
    });
  });

  describe('recipients, sendNotification and message', () => {
    const url = `/beta/me/drive/items/${S.items.adelePlanDocx}/createLink`;
    it('grants the recipients and records one notification each in the outbox', async () => {
      const r = await h.call('POST', url, {
        body: {
          type: 'edit',
          scope: 'users',
          recipients: [
            { email: 'megan@contoso.example' },
            { objectId: S.users.alex },
            { email: 'guest@partner.example' },
            { alias: 'projectfalcon' },
          ],
          sendNotification: true,
          message: 'Please review before Friday',
        },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assertGraphResponse('beta', 'permission', r.body);
      const emails = r.body.grantedToIdentitiesV2.map((g: { user: { email: string } }) => g.user.email).sort();
      assert.deepEqual(emails, [
        'alex@contoso.example',
        'guest@partner.example',
        'megan@contoso.example',
        'projectfalcon@contoso.example',
      ]);
      const out = h.graph.outbox();
      assert.equal(out.length, 4);
      for (const o of out) {
        assert.equal(o.from, 'adele@contoso.example');
        assert.equal(o.itemName, 'Plan.docx');
        assert.equal(o.webUrl, r.body.link.webUrl);
        assert.equal(o.message, 'Please review before Friday');
        assert.equal(o.at, FIXED_NOW.toISOString());
      }
      // Megan (a recipient) can now open the item; Lee cannot.
      assert.equal(
        (await h.call('GET', `/v1.0/drives/${S.drives.adele}/items/${S.items.adelePlanDocx}`, { as: 'megan' })).status,
        200,
      );
      assert.equal(
        (await h.call('GET', `/v1.0/drives/${S.drives.adele}/items/${S.items.adelePlanDocx}`, { as: 'lee' })).status,
        403,
      );
    });
    it('notifies recipients of an anonymous link without granting them', async () => {
      const r = await h.call('POST', url, {
        body: {
          type: 'view',
          scope: 'anonymous',
          recipients: [{ email: 'megan@contoso.example' }],
          sendNotification: true,
        },
      });
      assert.equal(r.status, 201);
      assert.equal(r.body.grantedToIdentitiesV2, undefined);
      assert.equal(h.graph.outbox().length, 1);
      assert.equal(h.graph.outbox()[0].message, undefined);
    });
    it('sends nothing without sendNotification', async () => {
      const r = await h.call('POST', url, {
        body: { type: 'view', scope: 'users', recipients: [{ email: 'megan@contoso.example' }], message: 'hi' },
      });
      assert.equal(r.status, 201);
      assert.equal(h.graph.outbox().length, 0);
    });
    const bad: Array<[string, string, UserKey, Record<string, unknown>]> = [
      ['users scope without recipients', url, 'adele', { type: 'view', scope: 'users' }],
      ['users scope with an empty recipients list', url, 'adele', { type: 'view', scope: 'users', recipients: [] }],
      [
        'sendNotification without recipients',
        url,
        'adele',
        { type: 'view', scope: 'organization', sendNotification: true },
      ],
      [
        'sendNotification on OneDrive personal',
        `/beta/me/drive/items/${S.items.patRecipesDocx}/createLink`,
        'pat',
        { type: 'view', recipients: [{ email: 'a@b.example' }], sendNotification: true },
      ],
      [
        'an unknown objectId',
        url,
        'adele',
        { type: 'view', scope: 'users', recipients: [{ objectId: '00000000-0000-4000-8000-000000000bad' }] },
      ],
      [
        'an objectId from another tenant',
        url,
        'adele',
        { type: 'view', scope: 'users', recipients: [{ objectId: S.users.noah }] },
      ],
      ['an unknown alias', url, 'adele', { type: 'view', scope: 'users', recipients: [{ alias: 'nobody' }] }],
      ['a malformed email', url, 'adele', { type: 'view', scope: 'users', recipients: [{ email: 'not-an-email' }] }],
      [
        'a recipient with no email, objectId or alias',
        url,
        'adele',
        { type: 'view', scope: 'users', recipients: [{ '@odata.type': 'microsoft.graph.driveRecipient' }] },
      ],
    ];
    for (const [name, u, as, body] of bad) {
      it(`answers 400 for ${name}`, async () => {
        const r = await h.call('POST', u, { as, body });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'invalidRequest');
        assert.equal(h.graph.outbox().length, 0);
      });
    }
  });

  describe('retainInheritedPermissions', () => {
    const item = `/v1.0/me/drive/items/${S.items.adeleBriefDocx}`;
    const megansGrant = (list: { value: Array<{ grantedToV2?: { user?: { email?: string } } }> }): boolean =>
      list.value.some((p) => p.grantedToV2?.user?.email === 'megan@contoso.example');
    it('false drops inherited permissions on the first share (owner kept)', async () => {
      assert.equal(
        megansGrant((await h.call('GET', `${item}/permissions`)).body),
        true,
        'seed: Megan inherits read from Projects',
      );
      const r = await h.call('POST', `${item}/createLink`, {
        body: { type: 'view', scope: 'organization', retainInheritedPermissions: false },
      });
      assert.equal(r.status, 201);
      const after = (await h.call('GET', `${item}/permissions`)).body;
      assert.equal(megansGrant(after), false);
      assert.ok(after.value.some((p: { roles: string[] }) => p.roles.includes('owner')));
      assert.ok(after.value.every((p: { inheritedFrom?: unknown }) => !p.inheritedFrom));
      assert.equal(
        (await h.call('GET', `/v1.0/drives/${S.drives.adele}/items/${S.items.adeleBriefDocx}`, { as: 'megan' })).status,
        403,
      );
      assert.equal(
        (await h.call('GET', `/v1.0/drives/${S.drives.adele}/items/${S.items.adeleTimelineXlsx}`, { as: 'megan' }))
          .status,
        200,
        'siblings keep inheriting',
      );
    });
    it('omitted (default true) keeps them', async () => {
      await h.call('POST', `${item}/createLink`, { body: { type: 'view', scope: 'organization' } });
      assert.equal(megansGrant((await h.call('GET', `${item}/permissions`)).body), true);
    });
    it('false has no effect once the item has been shared', async () => {
      await h.call('POST', `${item}/createLink`, { body: { type: 'view', scope: 'organization' } });
      const r = await h.call('POST', `${item}/createLink`, {
        body: { type: 'edit', scope: 'organization', retainInheritedPermissions: false },
      });
      assert.equal(r.status, 201);
      assert.equal(megansGrant((await h.call('GET', `${item}/permissions`)).body), true);
    });
    it('keeps access for a site member who shares with false in a library', async () => {
      const lib = `/v1.0/sites/${S.siteMarketing}/drive/items/${S.items.marketingLaunchDocx}`;
      const r = await h.call('POST', `${lib}/createLink`, {
        body: { type: 'view', scope: 'organization', retainInheritedPermissions: false },
      });
      assert.equal(r.status, 201);
      assert.equal((await h.call('GET', lib)).status, 200, 'the sharer keeps access');
      assert.equal((await h.call('GET', lib, { as: 'lee' })).status, 403, 'visitors lost their inherited read');
      assert.equal((await h.call('GET', lib, { as: 'megan' })).status, 200, 'site owners keep access');
    });
  });

  describe('the five path forms (and their spellings)', () => {
    const forms: Array<[string, UserKey, string]> = [
      ['/drives/{driveId}/items/{itemId}', 'adele', `/drives/${S.drives.adele}/items/${S.items.adelePlanDocx}`],
      ['/me/drive/items/{itemId}', 'adele', `/me/drive/items/${S.items.adelePlanDocx}`],
      ['/users/{userId}/drive/items/{itemId}', 'adele', `/users/${S.users.adele}/drive/items/${S.items.adelePlanDocx}`],
      [
        '/users/{upn}/drive/items/{itemId}',
        'adele',
        `/users/adele@contoso.example/drive/items/${S.items.adelePlanDocx}`,
      ],
      [
        '/groups/{groupId}/drive/items/{itemId}',
        'megan',
        `/groups/${S.groupProjectFalcon}/drive/items/${S.items.falconSpecDocx}`,
      ],
      [
        '/groups/{groupId}/drives/{driveId}/items/{itemId}',
        'megan',
        `/groups/${S.groupProjectFalcon}/drives/${S.drives.projectFalcon}/items/${S.items.falconSpecDocx}`,
      ],
      [
        '/sites/{siteId}/drive/items/{itemId}',
        'alex',
        `/sites/${S.siteMarketing}/drive/items/${S.items.marketingBrandPptx}`,
      ],
      ['/drives/{driveId}/root:/{path}:', 'adele', `/drives/${S.drives.adele}/root:/Projects/Falcon%20brief.docx:`],
    ];
    for (const [name, as, prefix] of forms) {
      for (const action of ['createLink', 'microsoft.graph.createLink']) {
        it(`POST ${name}/${action}`, async () => {
          const first = await h.call('POST', `/v1.0${prefix}/${action}`, {
            as,
            body: { type: 'view', scope: 'organization' },
          });
          assert.equal(first.status, 201, JSON.stringify(first.body));
          const again = await h.call('POST', `/beta${prefix}/${action}`, {
            as,
            body: { type: 'view', scope: 'organization' },
          });
          assert.equal(again.status, 200);
          assert.equal(again.body.id, first.body.id);
        });
      }
    }
    it('answers 404 itemNotFound for an unknown item and 400 for the root of a business drive', async () => {
      const r = await h.call('POST', '/v1.0/me/drive/items/01ADELE_NOPE/createLink', { body: {} });
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'itemNotFound');
      const root = await h.call('POST', '/v1.0/me/drive/root/createLink', { body: {} });
      assert.equal(root.status, 400);
      assert.equal(root.body.error.code, 'notSupported');
    });
  });

  describe('bad bodies answer 400 invalidRequest', () => {
    const url = `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`;
    const bodies: Array<[string, unknown]> = [
      ['an unknown property', { type: 'view', scope: 'organization', foo: 1 }],
      ['requireSignIn (an invite parameter)', { type: 'view', requireSignIn: true }],
      ['type not a string', { type: 5 }],
      ['an unknown type', { type: 'share', scope: 'organization' }],
      ['an unknown scope', { type: 'view', scope: 'public' }],
      ['scope in the wrong case', { type: 'view', scope: 'Organization' }],
      ['sendNotification as a string', { type: 'view', sendNotification: 'yes' }],
      ['retainInheritedPermissions as a number', { type: 'view', retainInheritedPermissions: 0 }],
      ['recipients not an array', { type: 'view', scope: 'users', recipients: 'megan@contoso.example' }],
      [
        'a recipient with an unknown property',
        { type: 'view', scope: 'users', recipients: [{ mail: 'megan@contoso.example' }] },
      ],
      ['password not a string', { type: 'view', password: 1234 }],
      ['a JSON array', [{ type: 'view' }]],
      ['an empty password', { type: 'view', scope: 'anonymous', password: '' }],
    ];
    for (const [name, body] of bodies) {
      it(name, async () => {
        const r = await h.call('POST', url, { body });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'invalidRequest');
      });
    }
    it('malformed JSON', async () => {
      const r = await h.call('POST', url, { rawBody: '{"type": "view",' });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'invalidRequest');
    });
  });

  describe('who may share', () => {
    const cases: Array<[string, UserKey, string, number, string[]?]> = [
      [
        'a site visitor (read only)',
        'lee',
        `/v1.0/sites/${S.siteMarketing}/drive/items/${S.items.marketingBrandPptx}/createLink`,
        403,
      ],
      [
        'a colleague without access',
        'megan',
        `/v1.0/drives/${S.drives.adele}/items/${S.items.adelePlanDocx}/createLink`,
        403,
      ],
      [
        'a colleague with read only (inherited grant)',
        'megan',
        `/v1.0/drives/${S.drives.adele}/items/${S.items.adeleBriefDocx}/createLink`,
        403,
      ],
      [
        'a colleague with an inherited write grant',
        'adele',
        `/v1.0/drives/${S.drives.alex}/items/01ALEX_BRIEF_DOCX/createLink`,
        201,
      ],
      ['another tenant', 'noah', `/v1.0/drives/${S.drives.adele}/items/${S.items.adelePlanDocx}/createLink`, 403],
      [
        'a non-member of the group',
        'lee',
        `/v1.0/groups/${S.groupProjectFalcon}/drive/items/${S.items.falconSpecDocx}/createLink`,
        403,
      ],
      [
        'a token with only Files.Read',
        'adele',
        `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`,
        403,
        ['Files.Read.All'],
      ],
      [
        'a token with Files.ReadWrite',
        'adele',
        `/v1.0/me/drive/items/${S.items.adelePlanDocx}/createLink`,
        201,
        ['Files.ReadWrite'],
      ],
    ];
    for (const [name, as, url, status, scopes] of cases) {
      it(`${name} → ${status}`, async () => {
        const r = await h.call('POST', url, {
          token: await h.token(as, scopes),
          body: { type: 'view', scope: 'organization' },
        });
        assert.equal(r.status, status, JSON.stringify(r.body));
        if (status === 403) assert.equal(r.body.error.code, 'accessDenied');
      });
    }
  });
});
