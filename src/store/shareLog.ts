import type { ShareAudience } from '../domain/types';

/**
 * The share log: who shared what, when, with which link. It never holds tokens or passwords: only what the
 * "My shared links" tab and revocation need.
 */
export interface ShareRecord {
  /** Graph permission id of the link (unique per item; several people may get the same one back). */
  permissionId: string;
  tenantId: string;
  /** Entra object id of the person who shared. A record is keyed by permission AND this person. */
  userObjectId: string;
  driveId: string;
  itemId: string;
  itemName: string;
  itemWebUrl: string;
  /** What the card needs to draw the file again (refresh, revoke). */
  itemKind?: 'file' | 'folder';
  driveType?: 'personal' | 'business' | 'documentLibrary';
  itemSize?: number;
  mimeType?: string;
  linkUrl: string;
  type?: string;
  scope?: string;
  roles: string[];
  expirationDateTime?: string;
  passwordProtected: boolean;
  /** Email addresses or object ids granted or notified (no display names needed). */
  recipients: string[];
  notified: boolean;
  reused: boolean;
  createdAt: string;
  conversationId?: string;
  /** "People in <chat name>": the conversation and the people the link was made for, as they were then. */
  audience?: ShareAudience;
  revokedAt?: string;
  revokedBy?: string;
}

/**
 * Storage of share records (SQLite by default, Azure Table Storage when configured). One record per permission
 * and person: Graph hands the same permission to everyone who asks for the same link of an item, and each of
 * them shared it.
 */
export interface ShareLog {
  /** Inserts or replaces the record of (permission, sharer); a revocation already recorded is kept. */
  put(record: ShareRecord): Promise<void>;
  /** Newest first. */
  listByUser(tenantId: string, userObjectId: string, limit: number): Promise<ShareRecord[]>;
  /** The record of this permission shared by this person. */
  get(tenantId: string, permissionId: string, userObjectId: string): Promise<ShareRecord | undefined>;
  /** Every record of a permission, one per person who shared it. */
  listByPermission(tenantId: string, permissionId: string): Promise<ShareRecord[]>;
  /** Marks the permission revoked in every sharer's record: once deleted in Graph the link is gone for all. */
  markRevoked(tenantId: string, permissionId: string, at: string, by: string): Promise<void>;
  /** Throws when the store cannot be used (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
