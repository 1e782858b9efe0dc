import { strict as assert } from 'node:assert';
import { ItemSeal } from '../../../src/share/itemSeal';
import type { DriveItemInfo } from '../../../src/domain/types';

const adele = { tenantId: 'tid-contoso', userObjectId: 'oid-adele' };
const megan = { tenantId: 'tid-contoso', userObjectId: 'oid-megan' };
const item: DriveItemInfo = {
  driveId: 'b!drive',
  itemId: '01ITEM',
  name: 'Plan.docx',
  kind: 'file',
  driveType: 'business',
  webUrl: 'https://contoso-my.sharepoint.example/personal/adele/Documents/Plan.docx',
  size: 1234,
};
const ref = { driveId: item.driveId, itemId: item.itemId };

/** Re-encodes a seal's body with a change, keeping the original MAC (what a tampering client could do). */
function tamper(sealed: string, change: (payload: unknown[]) => void): string {
  const [body, mac] = sealed.split('.');
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
  change(payload);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
}

describe('share/ItemSeal (what the options dialog knew about its item, tamper-proof)', () => {
  let now = 1_800_000_000_000;
  const seal = new ItemSeal('bot-client-secret', () => now, 60_000);

  it('gives the item back to the same person for the same item before it expires', () => {
    assert.deepEqual(seal.open(adele, ref, seal.seal(adele, item)), item);
  });

  it('is trusted by another instance with the same secret, not by one with another secret', () => {
    const sealed = seal.seal(adele, item);
    assert.deepEqual(new ItemSeal('bot-client-secret', () => now).open(adele, ref, sealed), item);
    assert.equal(new ItemSeal('another-secret', () => now).open(adele, ref, sealed), undefined);
  });

  it('refuses an edited item (e.g. a personal drive claimed as business, or another item id)', () => {
    const sealed = seal.seal(adele, item);
    const asPersonal = tamper(sealed, (p) => ((p[4] as DriveItemInfo).driveType = 'personal'));
    assert.equal(seal.open(adele, ref, asPersonal), undefined);
    const otherItem = tamper(sealed, (p) => ((p[4] as DriveItemInfo).itemId = '01OTHER'));
    assert.equal(seal.open(adele, { ...ref, itemId: '01OTHER' }, otherItem), undefined);
    const longer = tamper(sealed, (p) => (p[3] = (p[3] as number) + 86_400_000));
    assert.equal(seal.open(adele, ref, longer), undefined);
  });

  it("refuses another person's dialog, another item than the one submitted, and an expired seal", () => {
    const sealed = seal.seal(adele, item);
    assert.equal(seal.open(megan, ref, sealed), undefined);
    assert.equal(seal.open({ ...adele, tenantId: 'tid-fabrikam' }, ref, sealed), undefined);
    assert.equal(seal.open(adele, { ...ref, itemId: '01OTHER' }, sealed), undefined);
    now += 60_001;
    assert.equal(seal.open(adele, ref, sealed), undefined);
  });

  it('refuses malformed input without throwing', () => {
    for (const bad of [undefined, null, 42, '', '.', 'abc', 'abc.def', `${'a'.repeat(9000)}.x`, { item }]) {
      assert.equal(seal.open(adele, ref, bad), undefined, String(bad));
    }
  });
});
