import assert from 'node:assert/strict';
import { ShareError, type ShareErrorKind } from '../../../src/domain/errors';
import { MAX_RECIPIENTS, apiVersionFor, validateLinkRequest } from '../../../src/domain/validation';
import {
  DRIVE_TYPES,
  LINK_SCOPES,
  LINK_TYPES,
  type DriveType,
  type ItemKind,
  type LinkOptions,
  type LinkPolicy,
  type LinkScope,
  type LinkType,
} from '../../../src/domain/types';
import { NOW, OPEN_POLICY, item, options } from './fixtures';

const WORK = (d: DriveType) => d !== 'personal';

/** Independent statement of the seed: the error (kind, field) expected for a type/scope on a drive and item kind, or null. */
function expectedOutcome(type: LinkType, scope: LinkScope, d: DriveType, k: ItemKind): [ShareErrorKind, string] | null {
  const typeOk: Record<LinkType, boolean> = {
    view: true,
    edit: true,
    embed: d === 'personal',
    review: WORK(d) && k === 'file',
    blocksDownload: WORK(d) && k === 'file',
    createOnly: WORK(d) && k === 'folder',
    addressBar: WORK(d),
    adminDefault: WORK(d),
  };
  if (!typeOk[type]) return ['unsupported', 'type'];
  if (scope !== 'anonymous' && !WORK(d)) return ['unsupported', 'scope'];
  if (type === 'embed' && scope !== 'anonymous') return ['unsupported', 'scope'];
  if (type === 'blocksDownload' && scope === 'users') return ['unsupported', 'scope'];
  return null;
}

function thrown(fn: () => unknown): ShareError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ShareError, `expected ShareError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ShareError');
}

const ctx = { now: NOW, timeZone: 'UTC' };
const bob = { email: 'bob@fabrikam.example' };

describe('domain/validation validateLinkRequest', () => {
  describe('every type × scope × drive × item kind (open policy)', () => {
    for (const d of DRIVE_TYPES) {
      for (const k of ['file', 'folder'] as ItemKind[]) {
        for (const type of LINK_TYPES) {
          for (const scope of LINK_SCOPES) {
            const expected = expectedOutcome(type, scope, d, k);
            it(`${type}/${scope} on ${d} ${k} → ${expected ? expected.join(' on ') : 'ok'}`, () => {
              const opts = options({ type, scope, recipients: scope === 'users' ? [bob] : [] });
              if (expected) {
                const e = thrown(() => validateLinkRequest(item(d, k), opts, OPEN_POLICY, ctx));
                assert.equal(e.kind, expected[0]);
                assert.equal(e.details.field, expected[1]);
                assert.ok(e.message.length > 15);
              } else {
                const r = validateLinkRequest(item(d, k), opts, OPEN_POLICY, ctx);
                const want: Record<string, unknown> = type === 'embed' ? { type } : { type, scope };
                if (scope === 'users') want.recipients = [bob];
                assert.deepEqual(r.body, want);
                assert.equal(r.effectiveScope, scope);
                assert.equal(r.apiVersion, 'v1.0');
              }
            });
          }
        }
      }
    }
  });

  describe('every type × scope × drive × item kind under a policy (no anonymous, no edit)', () => {
    const policy: LinkPolicy = {
      ...OPEN_POLICY,
      allowedScopes: ['organization', 'users'],
      allowedTypes: LINK_TYPES.filter((t) => t !== 'edit'),
    };
    for (const d of DRIVE_TYPES) {
      for (const k of ['file', 'folder'] as ItemKind[]) {
        for (const type of LINK_TYPES) {
          for (const scope of LINK_SCOPES) {
            // Unsupported wins over policy; then the type's policy, then the scope's.
            const expected: [ShareErrorKind, string] | null =
              expectedOutcome(type, scope, d, k) ??
              (type === 'edit' ? ['policyBlocked', 'type'] : scope === 'anonymous' ? ['policyBlocked', 'scope'] : null);
            it(`${type}/${scope} on ${d} ${k} → ${expected ? expected.join(' on ') : 'ok'}`, () => {
              const opts = options({ type, scope, recipients: scope === 'users' ? [bob] : [] });
              if (expected) {
                const e = thrown(() => validateLinkRequest(item(d, k), opts, policy, ctx));
                assert.deepEqual([e.kind, e.details.field], expected);
                if (expected[0] === 'policyBlocked') assert.match(e.message, /administrator/);
              } else {
                assert.equal(validateLinkRequest(item(d, k), opts, policy, ctx).body.type, type);
              }
            });
          }
        }
      }
    }
  });

  describe('policy', () => {
    const noAnon: LinkPolicy = { ...OPEN_POLICY, allowedScopes: ['organization', 'users'] };
    it('blocks a forbidden scope (policyBlocked) but reports unsupported first', () => {
      let e = thrown(() =>
        validateLinkRequest(item('business', 'file'), options({ type: 'view', scope: 'anonymous' }), noAnon, ctx),
      );
      assert.equal(e.kind, 'policyBlocked');
      assert.equal(e.details.field, 'scope');
      assert.match(e.message, /administrator does not allow anonymous/);
      e = thrown(() =>
        validateLinkRequest(item('business', 'file'), options({ type: 'embed', scope: 'anonymous' }), noAnon, ctx),
      );
      assert.equal(e.kind, 'unsupported');
      assert.equal(e.details.field, 'type');
      e = thrown(() =>
        validateLinkRequest(
          item('personal', 'file'),
          options({ type: 'view', scope: 'organization' }),
          { ...OPEN_POLICY, allowedTypes: ['edit'] },
          ctx,
        ),
      );
      assert.deepEqual([e.kind, e.details.field], ['unsupported', 'scope']);
    });
    it('blocks embed on personal when anonymous links are forbidden', () => {
      const e = thrown(() => validateLinkRequest(item('personal', 'file'), options({ type: 'embed' }), noAnon, ctx));
      assert.equal(e.kind, 'policyBlocked');
    });
    it('blocks a forbidden type', () => {
      const e = thrown(() =>
        validateLinkRequest(
          item('business', 'file'),
          options({ type: 'edit', scope: 'organization' }),
          { ...OPEN_POLICY, allowedTypes: ['view'] },
          ctx,
        ),
      );
      assert.equal(e.kind, 'policyBlocked');
      assert.equal(e.details.field, 'type');
    });
    it('requires an expiration for anonymous links when there is no maximum to apply', () => {
      const policy = { ...OPEN_POLICY, requireExpirationForAnonymous: true };
      const e = thrown(() =>
        validateLinkRequest(item('personal', 'file'), options({ type: 'view', scope: 'anonymous' }), policy, ctx),
      );
      assert.equal(e.kind, 'policyBlocked');
      assert.equal(e.details.field, 'expirationDate');
      // organization-scoped links are not concerned
      assert.ok(
        validateLinkRequest(item('business', 'file'), options({ type: 'view', scope: 'organization' }), policy, ctx),
      );
      // organization default may turn out anonymous
      const e2 = thrown(() =>
        validateLinkRequest(item('business', 'file'), options({ useOrganizationDefault: true }), policy, ctx),
      );
      assert.equal(e2.kind, 'policyBlocked');
      assert.match(e2.message, /default link/);
    });
    it('applies the maximum date to an anonymous link without one, and says so', () => {
      const policy = { ...OPEN_POLICY, requireExpirationForAnonymous: true, maxExpirationDays: 30 };
      const r = validateLinkRequest(
        item('personal', 'file'),
        options({ type: 'edit', scope: 'anonymous', timeZone: 'Europe/Berlin' }),
        policy,
        ctx,
      );
      assert.equal(r.body.expirationDateTime, '2026-12-27T22:59:59Z');
      assert.match(r.notices[0], /2026-12-27/);
    });
    it('rejects a date beyond the maximum, accepts the maximum itself', () => {
      const policy = { ...OPEN_POLICY, maxExpirationDays: 7 };
      const e = thrown(() =>
        validateLinkRequest(
          item('business', 'file'),
          options({ type: 'view', scope: 'organization', expirationDate: '2026-12-05' }),
          policy,
          ctx,
        ),
      );
      assert.equal(e.kind, 'policyBlocked');
      assert.equal(e.details.field, 'expirationDate');
      const r = validateLinkRequest(
        item('business', 'file'),
        options({ type: 'view', scope: 'organization', expirationDate: '2026-12-04' }),
        policy,
        ctx,
      );
      assert.equal(r.body.expirationDateTime, '2026-12-04T23:59:59Z');
    });
  });

  describe('organization default', () => {
    it('omits type and scope on work drives', () => {
      for (const d of ['business', 'documentLibrary'] as DriveType[]) {
        const r = validateLinkRequest(item(d, 'file'), options({ useOrganizationDefault: true }), OPEN_POLICY, ctx);
        assert.deepEqual(r.body, {});
        assert.equal(r.effectiveScope, undefined);
        assert.equal(r.apiVersion, 'v1.0');
      }
    });
    it('sends view + anonymous on OneDrive personal', () => {
      const r = validateLinkRequest(
        item('personal', 'folder'),
        options({ useOrganizationDefault: true }),
        OPEN_POLICY,
        ctx,
      );
      assert.deepEqual(r.body, { type: 'view', scope: 'anonymous' });
    });
    it('refuses explicit type or scope together with the default', () => {
      for (const over of [{ type: 'view' as const }, { scope: 'users' as const }]) {
        const e = thrown(() =>
          validateLinkRequest(
            item('business', 'file'),
            options({ useOrganizationDefault: true, ...over }),
            OPEN_POLICY,
            ctx,
          ),
        );
        assert.equal(e.kind, 'invalidRequest');
        assert.equal(e.details.field, 'type' in over ? 'type' : 'scope');
      }
    });
    it('is policyBlocked when the admin restricts scopes', () => {
      const e = thrown(() =>
        validateLinkRequest(
          item('business', 'file'),
          options({ useOrganizationDefault: true }),
          { ...OPEN_POLICY, allowedScopes: ['users'] },
          ctx,
        ),
      );
      assert.equal(e.kind, 'policyBlocked');
      assert.equal(e.details.field, 'useOrganizationDefault');
    });
  });

  describe('type and scope input', () => {
    const cases: Array<[string, Partial<LinkOptions>, string]> = [
      ['no type', { scope: 'organization' }, 'type'],
      ['unknown type', { type: 'share' as LinkType, scope: 'organization' }, 'type'],
      ['unknown scope', { type: 'view', scope: 'world' as LinkScope }, 'scope'],
      ['no scope on a work drive', { type: 'view' }, 'scope'],
    ];
    for (const [name, over, field] of cases) {
      it(`${name} → invalidRequest on ${field}`, () => {
        const e = thrown(() => validateLinkRequest(item('business', 'file'), options(over), OPEN_POLICY, ctx));
        assert.equal(e.kind, 'invalidRequest');
        assert.equal(e.details.field, field);
      });
    }
    it('on OneDrive personal a missing scope means anonymous (the only one there)', () => {
      assert.deepEqual(
        validateLinkRequest(item('personal', 'file'), options({ type: 'edit' }), OPEN_POLICY, ctx).body,
        { type: 'edit', scope: 'anonymous' },
      );
    });
  });

  describe('password', () => {
    it('is sent on OneDrive personal', () => {
      const r = validateLinkRequest(
        item('personal', 'file'),
        options({ type: 'view', scope: 'anonymous', password: 'S3cret pass' }),
        OPEN_POLICY,
        ctx,
      );
      assert.deepEqual(r.body, { type: 'view', scope: 'anonymous', password: 'S3cret pass' });
    });
    it('is unsupported on business and SharePoint', () => {
      for (const d of ['business', 'documentLibrary'] as DriveType[]) {
        const e = thrown(() =>
          validateLinkRequest(
            item(d, 'file'),
            options({ type: 'view', scope: 'anonymous', password: 'x1' }),
            OPEN_POLICY,
            ctx,
          ),
        );
        assert.equal(e.kind, 'unsupported');
        assert.equal(e.details.field, 'password');
        assert.ok(!e.message.includes('x1'));
      }
    });
    it('empty means none; blank, too long or control characters are refused', () => {
      assert.deepEqual(
        validateLinkRequest(item('personal', 'file'), options({ type: 'view', password: '' }), OPEN_POLICY, ctx).body,
        { type: 'view', scope: 'anonymous' },
      );
      for (const pw of ['   ', 'a'.repeat(257), 'ab\u0000c']) {
        const e = thrown(() =>
          validateLinkRequest(item('personal', 'file'), options({ type: 'view', password: pw }), OPEN_POLICY, ctx),
        );
        assert.equal(e.kind, 'invalidRequest');
        assert.equal(e.details.field, 'password');
        if (pw.trim()) assert.ok(!e.message.includes(pw));
      }
    });
  });

  describe('recipients, notification and message', () => {
    const biz = item('business', 'file');
    it('users scope needs people', () => {
      const e = thrown(() => validateLinkRequest(biz, options({ type: 'view', scope: 'users' }), OPEN_POLICY, ctx));
      assert.equal(e.kind, 'invalidRequest');
      assert.equal(e.details.field, 'recipients');
    });
    it('sendNotification needs people', () => {
      const e = thrown(() =>
        validateLinkRequest(
          biz,
          options({ type: 'view', scope: 'organization', sendNotification: true }),
          OPEN_POLICY,
          ctx,
        ),
      );
      assert.equal(e.details.field, 'sendNotification');
    });
    it('people on an organization or anonymous link need the email', () => {
      for (const scope of ['organization', 'anonymous'] as LinkScope[]) {
        const e = thrown(() =>
          validateLinkRequest(biz, options({ type: 'view', scope, recipients: [bob] }), OPEN_POLICY, ctx),
        );
        assert.equal(e.kind, 'invalidRequest');
        assert.equal(e.details.field, 'recipients');
        const ok = validateLinkRequest(
          biz,
          options({ type: 'view', scope, recipients: [bob], sendNotification: true }),
          OPEN_POLICY,
          ctx,
        );
        assert.deepEqual(ok.body, { type: 'view', scope, recipients: [bob], sendNotification: true });
        assert.equal(ok.apiVersion, 'v1.0');
      }
    });
    it('a recipients value that is not a list is refused', () => {
      const e = thrown(() =>
        validateLinkRequest(
          biz,
          options({ type: 'view', scope: 'users', recipients: 'bob@fabrikam.example' as unknown as [] }),
          OPEN_POLICY,
          ctx,
        ),
      );
      assert.deepEqual([e.kind, e.details.field], ['invalidRequest', 'recipients']);
    });
    it('recipients and notification are unsupported on OneDrive personal', () => {
      let e = thrown(() =>
        validateLinkRequest(
          item('personal', 'file'),
          options({ type: 'view', recipients: [bob], sendNotification: true }),
          OPEN_POLICY,
          ctx,
        ),
      );
      assert.equal(e.kind, 'unsupported');
      assert.equal(e.details.field, 'recipients');
      e = thrown(() =>
        validateLinkRequest(
          item('personal', 'file'),
          options({ type: 'view', sendNotification: true }),
          OPEN_POLICY,
          ctx,
        ),
      );
      assert.equal(e.kind, 'unsupported');
      assert.equal(e.details.field, 'sendNotification');
    });
    it('dedupes case-insensitively, keeps {email} or {objectId} only, drops display names', () => {
      const oid = '6E8E2E1B-3C0A-4B7E-9F0D-1A2B3C4D5E6F';
      const r = validateLinkRequest(
        biz,
        options({
          type: 'edit',
          scope: 'users',
          recipients: [
            { email: ' Bob@Fabrikam.example ', displayName: 'Bob' },
            { email: 'bob@fabrikam.EXAMPLE' },
            { objectId: oid, email: 'x@contoso.example', displayName: 'Ann' },
            { objectId: oid.toLowerCase() },
          ],
        }),
        OPEN_POLICY,
        ctx,
      );
      assert.deepEqual(r.body.recipients, [{ email: 'Bob@Fabrikam.example' }, { objectId: oid.toLowerCase() }]);
    });
    for (const bad of [
      { email: 'not-an-email' },
      { email: 'a@b' },
      { email: 'a b@c.example' },
      { objectId: 'nope' },
      { alias: 'bob' },
      {},
    ]) {
      it(`refuses recipient ${JSON.stringify(bad)}`, () => {
        const e = thrown(() =>
          validateLinkRequest(biz, options({ type: 'view', scope: 'users', recipients: [bad] }), OPEN_POLICY, ctx),
        );
        assert.equal(e.kind, 'invalidRequest');
        assert.equal(e.details.field, 'recipients');
      });
    }
    it(`caps recipients at ${MAX_RECIPIENTS} after deduplication`, () => {
      const many = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `p${i}@contoso.example` }));
      assert.equal(
        validateLinkRequest(
          biz,
          options({ type: 'view', scope: 'users', recipients: [...many(50), ...many(50)] }),
          OPEN_POLICY,
          ctx,
        ).body.recipients?.length,
        50,
      );
      const e = thrown(() =>
        validateLinkRequest(biz, options({ type: 'view', scope: 'users', recipients: many(51) }), OPEN_POLICY, ctx),
      );
      assert.match(e.message, /at most 50 people/);
    });
    it('message travels only with the email, trimmed, capped', () => {
      let e = thrown(() =>
        validateLinkRequest(
          biz,
          options({ type: 'view', scope: 'users', recipients: [bob], message: 'Hi' }),
          OPEN_POLICY,
          ctx,
        ),
      );
      assert.equal(e.details.field, 'message');
      e = thrown(() =>
        validateLinkRequest(
          biz,
          options({
            type: 'view',
            scope: 'users',
            recipients: [bob],
            sendNotification: true,
            message: 'x'.repeat(2001),
          }),
          OPEN_POLICY,
          ctx,
        ),
      );
      assert.equal(e.details.field, 'message');
      const r = validateLinkRequest(
        biz,
        options({
          type: 'view',
          scope: 'users',
          recipients: [bob],
          sendNotification: true,
          message: '  Please review  ',
        }),
        OPEN_POLICY,
        ctx,
      );
      assert.equal(r.body.message, 'Please review');
      assert.equal(
        validateLinkRequest(
          biz,
          options({ type: 'view', scope: 'users', recipients: [bob], message: '   ' }),
          OPEN_POLICY,
          ctx,
        ).body.message,
        undefined,
      );
    });
    it('never sends an empty recipients array or sendNotification false', () => {
      const r = validateLinkRequest(
        biz,
        options({ type: 'view', scope: 'organization', recipients: [], sendNotification: false }),
        OPEN_POLICY,
        ctx,
      );
      assert.deepEqual(Object.keys(r.body), ['type', 'scope']);
    });
  });

  describe('retainInheritedPermissions', () => {
    it('is sent on work drives as given', () => {
      const r = validateLinkRequest(
        item('documentLibrary', 'folder'),
        options({ type: 'view', scope: 'organization', retainInheritedPermissions: false }),
        OPEN_POLICY,
        ctx,
      );
      assert.equal(r.body.retainInheritedPermissions, false);
    });
    it('is unsupported on OneDrive personal', () => {
      const e = thrown(() =>
        validateLinkRequest(
          item('personal', 'file'),
          options({ type: 'view', retainInheritedPermissions: true }),
          OPEN_POLICY,
          ctx,
        ),
      );
      assert.equal(e.kind, 'unsupported');
      assert.equal(e.details.field, 'retainInheritedPermissions');
    });
  });

  describe('expiration', () => {
    it('uses the options zone, then the context zone', () => {
      const biz = item('business', 'file');
      const a = validateLinkRequest(
        biz,
        options({ type: 'view', scope: 'organization', expirationDate: '2026-12-31', timeZone: 'Asia/Kolkata' }),
        OPEN_POLICY,
        ctx,
      );
      assert.equal(a.body.expirationDateTime, '2026-12-31T18:29:59Z');
      const b = validateLinkRequest(
        biz,
        options({ type: 'view', scope: 'organization', expirationDate: '2026-12-31' }),
        OPEN_POLICY,
        { now: NOW, timeZone: 'America/Los_Angeles' },
      );
      assert.equal(b.body.expirationDateTime, '2027-01-01T07:59:59Z');
    });
    it('passes on expiration errors and the unknown-zone notice', () => {
      const biz = item('business', 'file');
      const e = thrown(() =>
        validateLinkRequest(
          biz,
          options({ type: 'view', scope: 'organization', expirationDate: '2026-11-26' }),
          OPEN_POLICY,
          ctx,
        ),
      );
      assert.equal(e.kind, 'invalidRequest');
      assert.equal(e.details.field, 'expirationDate');
      const r = validateLinkRequest(
        biz,
        options({ type: 'view', scope: 'organization', expirationDate: '2026-12-01', timeZone: 'Mars/Olympus' }),
        OPEN_POLICY,
        ctx,
      );
      assert.equal(r.body.expirationDateTime, '2026-12-01T23:59:59Z');
      assert.match(r.notices.join(' '), /Mars\/Olympus.*UTC/);
    });
  });

  it('apiVersionFor: v1.0 for every parameter the v1.0 contract describes, beta only beyond it', () => {
    assert.equal(
      apiVersionFor({
        type: 'view',
        scope: 'anonymous',
        password: 'p',
        expirationDateTime: '2027-01-01T00:00:00Z',
        retainInheritedPermissions: false,
      }),
      'v1.0',
    );
    assert.equal(apiVersionFor({ recipients: [bob], sendNotification: true, message: 'hi' }), 'v1.0');
    assert.equal(apiVersionFor({ type: 'view', futureProperty: true } as never), 'beta');
    assert.equal(apiVersionFor({ recipients: [] }), 'v1.0');
    assert.equal(apiVersionFor({ sendNotification: true }), 'v1.0');
  });
});
