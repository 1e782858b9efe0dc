import assert from 'node:assert/strict';
import { linkChoicesFor, organizationDefaultBody } from '../../../src/domain/rules';
import {
  DRIVE_TYPES,
  LINK_SCOPES,
  LINK_TYPES,
  type DriveType,
  type ItemKind,
  type LinkScope,
  type LinkType,
} from '../../../src/domain/types';
import { OPEN_POLICY, item } from './fixtures';

// The seed's rules written out independently of the implementation: type → [drive types, item kinds].
const WORK: DriveType[] = ['business', 'documentLibrary'];
const ALL: DriveType[] = ['personal', 'business', 'documentLibrary'];
const TYPE_TABLE: Record<LinkType, { drives: DriveType[]; kinds: ItemKind[] }> = {
  view: { drives: ALL, kinds: ['file', 'folder'] },
  edit: { drives: ALL, kinds: ['file', 'folder'] },
  embed: { drives: ['personal'], kinds: ['file', 'folder'] },
  review: { drives: WORK, kinds: ['file'] },
  blocksDownload: { drives: WORK, kinds: ['file'] },
  createOnly: { drives: WORK, kinds: ['folder'] },
  addressBar: { drives: WORK, kinds: ['file', 'folder'] },
  adminDefault: { drives: WORK, kinds: ['file', 'folder'] },
};
const SCOPE_TABLE: Record<LinkScope, DriveType[]> = { anonymous: ALL, organization: WORK, users: WORK };
const KINDS: ItemKind[] = ['file', 'folder'];
const TODAY = '2026-11-27';

describe('domain/rules linkChoicesFor', () => {
  for (const driveType of DRIVE_TYPES) {
    for (const kind of KINDS) {
      describe(`${kind} on ${driveType}`, () => {
        const choices = linkChoicesFor(item(driveType, kind), OPEN_POLICY, { today: TODAY });
        for (const type of LINK_TYPES) {
          const expected = TYPE_TABLE[type].drives.includes(driveType) && TYPE_TABLE[type].kinds.includes(kind);
          it(`type ${type} is ${expected ? 'offered' : 'not offered, with a reason'}`, () => {
            const t = choices.types.find((x) => x.value === type)!;
            assert.equal(t.available, expected);
            if (expected) assert.equal(t.reason, undefined);
            else assert.ok(t.reason && t.reason.length > 10, 'reason given');
          });
        }
        for (const scope of LINK_SCOPES) {
          const expected = SCOPE_TABLE[scope].includes(driveType);
          it(`scope ${scope} is ${expected ? 'offered' : 'not offered, with a reason'}`, () => {
            const s = choices.scopes.find((x) => x.value === scope)!;
            assert.equal(s.available, expected);
            if (!expected) assert.ok(s.reason);
          });
        }
        it('password only on personal, recipients/notification/retain only on work drives', () => {
          const personal = driveType === 'personal';
          assert.equal(choices.password.available, personal);
          assert.equal(choices.recipients.available, !personal);
          assert.equal(choices.sendNotification.available, !personal);
          assert.equal(choices.retainInheritedPermissions.available, !personal);
          for (const c of [
            choices.password,
            choices.recipients,
            choices.sendNotification,
            choices.retainInheritedPermissions,
          ]) {
            assert.equal(c.available, c.reason === undefined);
          }
          assert.equal(choices.organizationDefault.available, true);
          assert.equal(choices.maxExpirationDate, undefined);
          assert.equal(choices.expirationRequiredForAnonymous, false);
        });
      });
    }
  }

  it('names the seed rules in its reasons', () => {
    const folderBiz = linkChoicesFor(item('business', 'folder'), OPEN_POLICY, { today: TODAY });
    const fileBiz = linkChoicesFor(item('business', 'file'), OPEN_POLICY, { today: TODAY });
    const filePersonal = linkChoicesFor(item('personal', 'file'), OPEN_POLICY, { today: TODAY });
    const reason = (c: typeof fileBiz, t: LinkType) => c.types.find((x) => x.value === t)!.reason;
    assert.equal(reason(fileBiz, 'createOnly'), 'Upload-only links work on folders only.');
    assert.equal(reason(fileBiz, 'embed'), 'Embed links work only in OneDrive personal.');
    assert.equal(
      reason(filePersonal, 'review'),
      'Review links are available only for files in OneDrive for Business and SharePoint.',
    );
    assert.match(reason(folderBiz, 'review')!, /files only/);
    assert.equal(filePersonal.password.available, true);
    assert.match(fileBiz.password.reason!, /OneDrive personal/);
  });

  it('lists blocksDownload + users as an unavailable combination on work drives', () => {
    const c = linkChoicesFor(item('documentLibrary', 'file'), OPEN_POLICY, { today: TODAY });
    assert.deepEqual(
      c.unavailableCombinations?.map((x) => `${x.type}/${x.scope}`),
      ['blocksDownload/users'],
    );
    assert.deepEqual(
      linkChoicesFor(item('personal', 'file'), OPEN_POLICY, { today: TODAY }).unavailableCombinations,
      [],
    );
  });

  describe('admin policy', () => {
    it('blocks anonymous with the administrator reason, on every drive', () => {
      const policy = { ...OPEN_POLICY, allowedScopes: ['organization', 'users'] };
      for (const d of DRIVE_TYPES) {
        const c = linkChoicesFor(item(d, 'file'), policy, { today: TODAY });
        const anon = c.scopes.find((s) => s.value === 'anonymous')!;
        assert.equal(anon.available, false);
        assert.equal(anon.reason, 'Your administrator does not allow anonymous links (links that work for anyone).');
      }
    });
    it('on OneDrive personal without anonymous nothing can be made, and says why', () => {
      const c = linkChoicesFor(
        item('personal', 'file'),
        { ...OPEN_POLICY, allowedScopes: ['organization'] },
        { today: TODAY },
      );
      assert.deepEqual(
        c.types.filter((t) => t.available),
        [],
      );
      assert.match(
        c.types.find((t) => t.value === 'view')!.reason!,
        /anyone with the link.*administrator does not allow anonymous/,
      );
      assert.match(c.types.find((t) => t.value === 'embed')!.reason!, /administrator does not allow anonymous/);
      assert.equal(c.organizationDefault.available, false);
    });
    it('restricts types and reports which, seed reasons taking precedence', () => {
      const c = linkChoicesFor(
        item('business', 'folder'),
        { ...OPEN_POLICY, allowedTypes: ['view', 'review'] },
        { today: TODAY },
      );
      assert.deepEqual(
        c.types.filter((t) => t.available).map((t) => t.value),
        ['view'],
      );
      assert.equal(c.types.find((t) => t.value === 'edit')!.reason, 'Your administrator does not allow edit links.');
      assert.match(c.types.find((t) => t.value === 'review')!.reason!, /files only/);
    });
    it('organization default is withheld on work drives when the policy restricts, allowed when it does not bite', () => {
      const restricted = linkChoicesFor(
        item('business', 'file'),
        { ...OPEN_POLICY, allowedScopes: ['organization', 'users'] },
        { today: TODAY },
      );
      assert.equal(restricted.organizationDefault.available, false);
      assert.match(restricted.organizationDefault.reason!, /administrator limits/);
      // embed is not possible on business anyway, so forbidding it restricts nothing there.
      const harmless = linkChoicesFor(
        item('business', 'file'),
        { ...OPEN_POLICY, allowedTypes: LINK_TYPES.filter((t) => t !== 'embed') },
        { today: TODAY },
      );
      assert.equal(harmless.organizationDefault.available, true);
    });
    it('maximum expiration date and anonymous-expiration flag', () => {
      const c = linkChoicesFor(
        item('business', 'file'),
        { ...OPEN_POLICY, maxExpirationDays: 35, requireExpirationForAnonymous: true },
        { today: '2026-12-01' },
      );
      assert.equal(c.maxExpirationDate, '2027-01-05');
      assert.equal(c.expirationRequiredForAnonymous, true);
    });
  });

  it('organization default body: omitted on work drives, view + anonymous on personal', () => {
    assert.deepEqual(organizationDefaultBody('business'), {});
    assert.deepEqual(organizationDefaultBody('documentLibrary'), {});
    assert.deepEqual(organizationDefaultBody('personal'), { type: 'view', scope: 'anonymous' });
  });
});
