import { strict as assert } from 'node:assert';
import type { ShareLog } from '../../../src/store/shareLog';
import { shareRecord } from './fixtures';

/**
 * Issue 9, defect 4: Adele, then Megan, create the same edit/organization link on a group-drive file and Graph
 * returns the same permission id. Each keeps her own record, lists it, and the revocation (by either) shows in both.
 */
export async function assertRecordPerSharer(log: ShareLog): Promise<void> {
  const permissionId = `shared-perm-${Math.random().toString(36).slice(2)}`;
  const base = shareRecord(1, { permissionId, type: 'edit', scope: 'organization', roles: ['write'] });
  const adele = { ...base, userObjectId: 'adele', createdAt: '2026-11-01T08:00:00.000Z' };
  const megan = { ...base, userObjectId: 'megan', createdAt: '2026-11-01T09:00:00.000Z', reused: true };
  await log.put(adele);
  await log.put(megan);

  assert.equal((await log.get('t1', permissionId, 'adele'))?.userObjectId, 'adele', "Adele's record is still hers");
  assert.equal((await log.get('t1', permissionId, 'megan'))?.userObjectId, 'megan');
  assert.equal((await log.get('t1', permissionId, 'megan'))?.reused, true);
  assert.equal(await log.get('t1', permissionId, 'lee'), undefined, 'nobody else has one');
  assert.deepEqual(
    (await log.listByUser('t1', 'adele', 10)).map((r) => r.permissionId),
    [permissionId],
    "Adele's tab still lists the link",
  );
  assert.deepEqual(
    (await log.listByUser('t1', 'megan', 10)).map((r) => r.permissionId),
    [permissionId],
  );
  assert.deepEqual(
    (await log.listByPermission('t1', permissionId)).map((r) => r.userObjectId),
    ['adele', 'megan'],
  );

  // Adele shares it again (a Teams retry, or later): still one record each.
  await log.put({ ...adele, createdAt: '2026-11-01T10:00:00.000Z', reused: true });
  assert.equal((await log.listByPermission('t1', permissionId)).length, 2);

  await log.markRevoked('t1', permissionId, '2026-11-27T00:00:00.000Z', 'megan');
  for (const who of ['adele', 'megan']) {
    const r = await log.get('t1', permissionId, who);
    assert.equal(r?.revokedAt, '2026-11-27T00:00:00.000Z', `${who}'s record shows the link is gone`);
    assert.equal(r?.revokedBy, 'megan');
    assert.equal((await log.listByUser('t1', who, 10))[0].revokedAt, '2026-11-27T00:00:00.000Z');
  }
  // A later put of the same permission (e.g. a late write) does not resurrect it.
  await log.put({ ...megan, itemName: 'late.docx' });
  assert.equal((await log.get('t1', permissionId, 'megan'))?.revokedAt, '2026-11-27T00:00:00.000Z');
}

/**
 * A damaged row (not JSON, or JSON that is not a record) costs only itself: the person's list, the permission's
 * records and the other gets still answer, the damaged one reads as absent, and the store reports it (no exception).
 * `damage(permissionId, body)` overwrites the stored record JSON of that permission's row(s) by hand.
 */
export async function assertDamagedRecordSkipped(
  log: ShareLog,
  damage: (permissionId: string, body: string) => Promise<void>,
  reported: () => string[],
): Promise<void> {
  const tag = Math.random().toString(36).slice(2);
  const good = shareRecord(1, { permissionId: `good-${tag}` });
  const torn = shareRecord(2, { permissionId: `torn-${tag}` });
  const alien = shareRecord(3, { permissionId: `alien-${tag}` });
  for (const r of [good, torn, alien]) await log.put(r);
  await damage(torn.permissionId, '{"permissionId":"torn');
  await damage(alien.permissionId, JSON.stringify({ permissionId: alien.permissionId, itemName: 42 }));

  assert.deepEqual(
    (await log.listByUser('t1', 'u1', 10)).map((r) => r.permissionId).filter((id) => id.endsWith(tag)),
    [good.permissionId],
    'the good record is listed; the damaged ones are left out',
  );
  assert.equal((await log.get('t1', good.permissionId, 'u1'))?.itemName, good.itemName);
  assert.equal(await log.get('t1', torn.permissionId, 'u1'), undefined);
  assert.deepEqual(await log.listByPermission('t1', alien.permissionId), []);
  const lines = reported();
  assert.ok(
    lines.some((l) => l.includes(torn.permissionId)) && lines.some((l) => l.includes(alien.permissionId)),
    `each damaged record is reported: ${lines.join(' | ')}`,
  );
}
