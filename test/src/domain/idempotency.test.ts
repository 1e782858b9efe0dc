import assert from 'node:assert/strict';
import { idempotencyCanonical, type IdempotencyInput } from '../../../src/domain/idempotency';
import { validateLinkRequest } from '../../../src/domain/validation';
import { NOW, OPEN_POLICY, item, options } from './fixtures';

const base: IdempotencyInput = {
  tenantId: 'TENANT-1',
  userId: 'User-1',
  item: { driveId: 'b!d', itemId: '01ITEM' },
  body: { type: 'view', scope: 'users', recipients: [{ email: 'Bob@Fabrikam.example' }, { objectId: 'AAA' }] },
  apiVersion: 'beta',
};

describe('domain/idempotency idempotencyCanonical', () => {
  it('is the same for the same request, whatever the key order, recipient order or case', () => {
    const a = idempotencyCanonical(base);
    const b = idempotencyCanonical({
      ...base,
      tenantId: 'tenant-1',
      body: { recipients: [{ objectId: 'aaa' }, { email: 'bob@fabrikam.EXAMPLE' }], scope: 'users', type: 'view' },
    });
    assert.equal(a, b);
    assert.equal(
      idempotencyCanonical({ ...base, body: { ...base.body, message: 'hi ' } }),
      idempotencyCanonical({ ...base, body: { ...base.body, message: 'hi' } }),
    );
  });

  it('differs when anything that matters differs', () => {
    const a = idempotencyCanonical(base);
    const variants: IdempotencyInput[] = [
      { ...base, userId: 'user-2' },
      { ...base, tenantId: 'tenant-2' },
      { ...base, item: { driveId: 'b!d', itemId: '01OTHER' } },
      { ...base, body: { ...base.body, type: 'edit' } },
      { ...base, body: { ...base.body, sendNotification: true } },
      { ...base, body: { ...base.body, message: 'hello' } },
      { ...base, body: { ...base.body, expirationDateTime: '2027-01-01T00:00:00Z' } },
      { ...base, body: { ...base.body, recipients: [{ email: 'bob@fabrikam.example' }] } },
      { ...base, apiVersion: 'v1.0' },
    ];
    const all = new Set([a, ...variants.map(idempotencyCanonical)]);
    assert.equal(all.size, variants.length + 1);
  });

  it('never contains the password: the caller passes a keyed digest instead', () => {
    const pw = 'Correct-Horse-Battery';
    const body = validateLinkRequest(item('personal', 'file'), options({ type: 'view', password: pw }), OPEN_POLICY, {
      now: NOW,
    }).body;
    const one = idempotencyCanonical({ ...base, body, passwordDigest: 'hmac:1111' });
    const two = idempotencyCanonical({ ...base, body, passwordDigest: 'hmac:2222' });
    assert.ok(!one.includes(pw) && !two.includes(pw));
    assert.notEqual(one, two);
    assert.throws(() => idempotencyCanonical({ ...base, body }), /passwordDigest/);
    assert.throws(() => idempotencyCanonical({ ...base, body, passwordDigest: `x${pw}` }), /not the password/);
  });
});
