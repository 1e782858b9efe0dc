import { z } from 'zod';
import type { ShareRecord } from './shareLog';

/** The fields every reader of a record relies on; the rest are optional and checked where they are shown. */
const STORED_RECORD = z.looseObject({
  permissionId: z.string().min(1),
  tenantId: z.string().min(1),
  userObjectId: z.string().min(1),
  driveId: z.string(),
  itemId: z.string(),
  itemName: z.string(),
  itemWebUrl: z.string(),
  linkUrl: z.string(),
  roles: z.array(z.string()),
  passwordProtected: z.boolean(),
  recipients: z.array(z.string()),
  notified: z.boolean(),
  reused: z.boolean(),
  createdAt: z.string(),
});

/**
 * A stored record's JSON read back, or undefined when it is not one (a row damaged by hand, by a disk or by another
 * program): one damaged row must cost only itself, never the list it sits in or the person's whole tab.
 */
export function parseStoredRecord(json: string): ShareRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = STORED_RECORD.safeParse(value);
  return parsed.success ? (parsed.data as unknown as ShareRecord) : undefined;
}
