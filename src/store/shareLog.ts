import type { ShareAudience } from '../domain/types';

/**
 * The share log: who shared what, when, with which link. It never holds tokens or passwords: only what the
 * "My shared links" tab and revocation need.
 */
export interface ShareRecord {
  /** Graph permission id of the link (unique per item). */
  permissionId: string;
  tenantId: string;
  /** Entra object id of the person who shared. */
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

/** Storage of share records (SQLite by default, Azure Table Storage when configured). */
export interface ShareLog {
  /** Inserts or replaces the record of a permission. */
  put(record: ShareRecord): Promise<void>;
  /** Newest first. */
  listByUser(tenantId: string, userObjectId: string, limit: number): Promise<ShareRecord[]>;
  get(tenantId: string, permissionId: string): Promise<ShareRecord | undefined>;
  markRevoked(tenantId: string, permissionId: string, at: string, by: string): Promise<void>;
  /** Throws when the store cannot be used (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
