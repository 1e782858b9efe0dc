/**
 * Plain-language names for link types, scopes and drives, shared by rules, validation, interpretation and cards,
 * so that every message names things the same way.
 */
import type { DriveType, LinkScope, LinkType } from './types';

/** What a person calls each link type ("an edit link"). */
export const LINK_TYPE_LABELS: Record<LinkType, string> = {
  view: 'view',
  review: 'review',
  edit: 'edit',
  embed: 'embed',
  blocksDownload: 'view-only (download blocked)',
  createOnly: 'upload-only',
  addressBar: 'address bar',
  adminDefault: 'admin default',
};

/** Who a link works for, per scope ("anyone with the link"). */
export const LINK_SCOPE_LABELS: Record<LinkScope, string> = {
  anonymous: 'anyone with the link',
  organization: 'people in your organization',
  users: 'specific people',
};

/** Names of the drive kinds as Microsoft's products call them. */
export const DRIVE_TYPE_LABELS: Record<DriveType, string> = {
  personal: 'OneDrive personal',
  business: 'OneDrive for Business',
  documentLibrary: 'SharePoint',
};

/** Label of a link type Graph returned, which may be a value the app does not know. */
export function linkTypeLabel(type: string | undefined): string {
  if (type === undefined) return 'unspecified';
  return (LINK_TYPE_LABELS as Record<string, string>)[type] ?? type;
}

/** Label of a scope Graph returned, which may be a value the app does not know. */
export function linkScopeLabel(scope: string | undefined): string {
  if (scope === undefined) return 'an unspecified audience';
  return (LINK_SCOPE_LABELS as Record<string, string>)[scope] ?? scope;
}

/** "a view link" / "an edit link": the label with its English article. */
export function withArticle(label: string): string {
  return /^[aeiou]/i.test(label) ? `an ${label}` : `a ${label}`;
}
