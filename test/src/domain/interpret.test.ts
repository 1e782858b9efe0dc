import assert from 'node:assert/strict';
import { ShareError } from '../../../src/domain/errors';
import { grantedRecipients, interpretCreateLink, type CreateLinkRequestContext } from '../../../src/domain/interpret';
import type { CreateLinkBody, GraphPermission } from '../../../src/domain/types';
import { NOW, example, examplePermission, item } from './fixtures';

function request(body: CreateLinkBody, over: Partial<CreateLinkRequestContext> = {}): CreateLinkRequestContext {
  return { item: item('business', 'file'), body, apiVersion: 'v1.0', ...over };
}

describe('domain/interpret interpretCreateLink', () => {
  describe('recorded examples', () => {
    const pairs = [
      'graph-v1.0-createLink-anonymous-view',
      'graph-v1.0-createLink-organization-edit',
      'graph-v1.0-createLink-embed',
    ];
    for (const name of pairs) {
      it(`${name}: the outcome states what Graph returned, with no differences`, () => {
        const body = example<CreateLinkBody>(`${name}.request.json`);
        const permission = examplePermission(`${name}.response.json`);
        const o = interpretCreateLink(
          201,
          permission,
          request(body, { item: item(name.includes('embed') ? 'personal' : 'business', 'file') }),
          NOW,
        );
        assert.equal(o.permissionId, '123ABC');
        assert.equal(o.webUrl, permission.link!.webUrl);
        assert.equal(o.type, permission.link!.type);
        assert.equal(o.scope, permission.link!.scope);
        assert.deepEqual(o.roles, permission.roles);
        assert.equal(o.reused, false);
        assert.deepEqual(o.differences, []);
        assert.equal(o.passwordProtected, false);
        assert.deepEqual(o.expiration, { clamped: false });
        assert.equal(o.createdAt, '2026-11-27T10:00:00.000Z');
        assert.equal(o.webHtml, permission.link!.webHtml);
      });
    }

    it('beta recipients + sendNotification: notified people, password protection, password never in the outcome', () => {
      const body: CreateLinkBody = {
        ...example<CreateLinkBody>('graph-beta-createLink-recipients-sendNotification.request.json'),
        password: 'Tr0ub4dor&3',
        recipients: [{ email: 'ann@contoso.example' }, { objectId: '6e8e2e1b-3c0a-4b7e-9f0d-1a2b3c4d5e6f' }],
      };
      const permission = examplePermission('graph-beta-createLink-recipients-sendNotification.response.json');
      const o = interpretCreateLink(
        201,
        permission,
        request(body, { apiVersion: 'beta', item: item('personal', 'file') }),
        NOW,
      );
      assert.equal(o.passwordProtected, true);
      assert.deepEqual(o.notified, body.recipients);
      assert.equal(o.apiVersion, 'beta');
      assert.ok(!JSON.stringify(o).includes('Tr0ub4dor&3'));
    });
  });

  it('200 means an existing link was reused; different type and scope are named', () => {
    const permission: GraphPermission = {
      id: 'p1',
      roles: ['read'],
      link: { type: 'view', scope: 'anonymous', webUrl: 'https://x.example/v' },
    };
    const o = interpretCreateLink(200, permission, request({ type: 'edit', scope: 'organization' }), NOW);
    assert.equal(o.reused, true);
    assert.equal(o.type, 'view');
    assert.deepEqual(o.differences, [
      'You asked for an edit link; Graph returned an existing view link.',
      'You asked for a link for people in your organization; Graph returned an existing link for anyone with the link.',
    ]);
    const created = interpretCreateLink(201, permission, request({ type: 'edit', scope: 'anonymous' }), NOW);
    assert.deepEqual(created.differences, ['You asked for an edit link; Graph created a view link.']);
  });

  it('organization default (no type or scope asked) reports what came back without differences', () => {
    const permission: GraphPermission = {
      id: 'p1',
      roles: ['write'],
      link: { type: 'edit', scope: 'organization', webUrl: 'https://x.example/e' },
    };
    const o = interpretCreateLink(201, permission, request({}), NOW);
    assert.deepEqual([o.type, o.scope, o.differences], ['edit', 'organization', []]);
  });

  describe('expiration', () => {
    const link = { type: 'view', scope: 'anonymous', webUrl: 'https://x.example/v' };
    it('clamped when Graph grants an earlier date than asked', () => {
      const o = interpretCreateLink(
        201,
        { id: 'p', link, expirationDateTime: '2026-12-30T22:59:59Z' },
        request(
          { type: 'view', scope: 'anonymous', expirationDateTime: '2027-01-26T22:59:59Z' },
          { timeZone: 'Europe/Berlin' },
        ),
        NOW,
      );
      assert.deepEqual(o.expiration, {
        requested: '2027-01-26T22:59:59Z',
        granted: '2026-12-30T22:59:59Z',
        clamped: true,
      });
      assert.deepEqual(o.differences, [
        "Expiration shortened to 30 Dec 2026 by your organization's policy (you asked for 26 Jan 2027).",
      ]);
    });
    it('clamped when Graph sets an expiration none was asked for', () => {
      const o = interpretCreateLink(
        201,
        { id: 'p', link, expirationDateTime: '2026-12-27T10:00:00Z' },
        request({ type: 'view', scope: 'anonymous' }),
        NOW,
      );
      assert.equal(o.expiration.clamped, true);
      assert.match(o.differences[0], /expires on 27 Dec 2026: your organization's policy/);
    });
    it('not clamped when granted equals requested (Graph may add fractions)', () => {
      const o = interpretCreateLink(
        201,
        { id: 'p', link, expirationDateTime: '2027-01-26T22:59:59.000Z' },
        request({ type: 'view', scope: 'anonymous', expirationDateTime: '2027-01-26T22:59:59Z' }),
        NOW,
      );
      assert.equal(o.expiration.clamped, false);
      assert.deepEqual(o.differences, []);
    });
    it('a later or a missing expiration is reported but is not a clamp', () => {
      const later = interpretCreateLink(
        201,
        { id: 'p', link, expirationDateTime: '2027-02-01T00:00:00Z' },
        request({ expirationDateTime: '2027-01-01T00:00:00Z' }),
        NOW,
      );
      assert.equal(later.expiration.clamped, false);
      assert.match(later.differences[0], /later than/);
      const none = interpretCreateLink(
        200,
        { id: 'p', link, expirationDateTime: null },
        request({ expirationDateTime: '2027-01-01T00:00:00Z' }),
        NOW,
      );
      assert.equal(none.expiration.clamped, false);
      assert.equal(none.expiration.granted, undefined);
      assert.match(none.differences[0], /existing link Graph returned has no expiration/);
    });
    describe('DateTime.MinValue (0001-01-01T00:00:00Z) means no expiration (permission resource)', () => {
      for (const minValue of ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00', '0001-01-01T00:00:00.0000000Z']) {
        it(`${minValue}, none asked: never expires, no policy difference`, () => {
          const o = interpretCreateLink(
            201,
            { id: 'p', link, expirationDateTime: minValue },
            request({ type: 'view', scope: 'anonymous' }),
            NOW,
          );
          assert.deepEqual(o.expiration, { clamped: false });
          assert.deepEqual(o.differences, []);
          assert.ok(!JSON.stringify(o).includes('0001'), 'year 1 reaches nothing the card or the log reads');
        });
      }
      it('a date asked, MinValue granted: the link has no expiration; never "shortened by policy"', () => {
        const o = interpretCreateLink(
          201,
          { id: 'p', link, expirationDateTime: '0001-01-01T00:00:00Z' },
          request({ type: 'view', scope: 'anonymous', expirationDateTime: '2027-01-01T00:00:00Z' }),
          NOW,
        );
        assert.equal(o.expiration.clamped, false);
        assert.equal(o.expiration.granted, undefined);
        assert.equal(o.differences.length, 1);
        assert.doesNotMatch(o.differences[0], /shortened|policy|\b1 Jan 1\b/);
        assert.match(o.differences[0], /Graph set no expiration/);
      });
      it('MaxValue (9999-12-31T23:59:59Z) is no expiration either', () => {
        const o = interpretCreateLink(
          201,
          { id: 'p', link, expirationDateTime: '9999-12-31T23:59:59.9999999Z' },
          request({ type: 'view', scope: 'anonymous' }),
          NOW,
        );
        assert.deepEqual(o.expiration, { clamped: false });
        assert.deepEqual(o.differences, []);
      });
    });
  });

  it('password asked but not applied, or present from before', () => {
    const link = { type: 'view', scope: 'anonymous', webUrl: 'https://x.example/v' };
    const a = interpretCreateLink(
      201,
      { id: 'p', link, hasPassword: false },
      request({ type: 'view', scope: 'anonymous', password: 'hunter22' }),
      NOW,
    );
    assert.equal(a.passwordProtected, false);
    assert.match(a.differences[0], /not password-protected/);
    assert.ok(!JSON.stringify(a).includes('hunter22'));
    const b = interpretCreateLink(
      200,
      { id: 'p', link, hasPassword: true },
      request({ type: 'view', scope: 'anonymous' }),
      NOW,
    );
    assert.equal(b.passwordProtected, true);
    assert.match(b.differences[0], /set earlier/);
  });

  it('users links: grantedTo from grantedToIdentitiesV2, missing people named', () => {
    const permission: GraphPermission = {
      id: 'p',
      roles: ['read'],
      link: { type: 'view', scope: 'users', webUrl: 'https://x.example/u' },
      grantedToIdentitiesV2: [
        { user: { id: '6e8e2e1b-3c0a-4b7e-9f0d-1a2b3c4d5e6f', displayName: 'Ann', email: 'ann@contoso.example' } },
        { siteUser: { displayName: 'Guest', email: 'guest@fabrikam.example', loginName: 'i:0#.f|membership|guest' } },
      ],
    };
    const body: CreateLinkBody = {
      type: 'view',
      scope: 'users',
      recipients: [
        { objectId: '6E8E2E1B-3C0A-4B7E-9F0D-1A2B3C4D5E6F' },
        { email: 'GUEST@fabrikam.example' },
        { email: 'zed@fabrikam.example' },
      ],
    };
    const o = interpretCreateLink(201, permission, request(body, { apiVersion: 'beta' }), NOW);
    assert.deepEqual(o.grantedTo, [
      { objectId: '6e8e2e1b-3c0a-4b7e-9f0d-1a2b3c4d5e6f', email: 'ann@contoso.example', displayName: 'Ann' },
      { email: 'guest@fabrikam.example', displayName: 'Guest' },
    ]);
    assert.deepEqual(o.notified, []);
    assert.deepEqual(o.differences, ['Graph does not list zed@fabrikam.example as having access to this link.']);
    assert.deepEqual(grantedRecipients(undefined), []);
  });

  it('blocksDownload implies preventsDownload when Graph does not say', () => {
    const o = interpretCreateLink(
      201,
      { id: 'p', link: { type: 'blocksDownload', scope: 'organization', webUrl: 'https://x.example/b' } },
      request({ type: 'blocksDownload', scope: 'organization' }),
      NOW,
    );
    assert.equal(o.preventsDownload, true);
  });

  it('an answer without a link is a transient failure', () => {
    assert.throws(
      () => interpretCreateLink(201, { id: 'p' }, request({}), NOW),
      (e: unknown) => e instanceof ShareError && e.kind === 'transient',
    );
  });
});
