import type { ShareRecord } from '../../../src/store/shareLog';

/** Share record number n of user u1 in tenant t1, created n seconds after 2026-11-01 (so n orders them). */
export function shareRecord(n: number, over: Partial<ShareRecord> = {}): ShareRecord {
  return {
    permissionId: `perm-${n}`,
    tenantId: 't1',
    userObjectId: 'u1',
    driveId: 'd1',
    itemId: `i${n}`,
    itemName: `File ${n}.docx`,
    itemWebUrl: `https://contoso.example/File${n}.docx`,
    linkUrl: `https://contoso.example/s/${n}`,
    type: 'view',
    scope: 'organization',
    roles: ['read'],
    passwordProtected: false,
    recipients: [],
    notified: false,
    reused: false,
    createdAt: new Date(Date.UTC(2026, 10, 1, 0, 0, n)).toISOString(),
    ...over,
  };
}
