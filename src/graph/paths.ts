import type { DriveItemRef } from '../domain/types';

/**
 * How an item is addressed in Graph: the five path forms the createLink page lists.
 * `drive` is the canonical form (`/drives/{driveId}/items/{itemId}`); the others resolve to it on Graph's side.
 */
export type DriveItemAddress =
  | { kind: 'drive'; driveId: string; itemId: string }
  | { kind: 'me'; itemId: string }
  | { kind: 'user'; userId: string; itemId: string }
  | { kind: 'group'; groupId: string; itemId: string }
  | { kind: 'site'; siteId: string; itemId: string };

const seg = (value: string) => encodeURIComponent(value);

/** Accepts either a DriveItemAddress or a plain {driveId, itemId}. */
export function toAddress(ref: DriveItemAddress | DriveItemRef): DriveItemAddress {
  return 'kind' in ref ? ref : { kind: 'drive', driveId: ref.driveId, itemId: ref.itemId };
}

/** The item's path below the API version, e.g. `/drives/b!x/items/01AB`. */
export function itemPath(address: DriveItemAddress): string {
  switch (address.kind) {
    case 'drive':
      return `/drives/${seg(address.driveId)}/items/${seg(address.itemId)}`;
    case 'me':
      return `/me/drive/items/${seg(address.itemId)}`;
    case 'user':
      return `/users/${seg(address.userId)}/drive/items/${seg(address.itemId)}`;
    case 'group':
      return `/groups/${seg(address.groupId)}/drive/items/${seg(address.itemId)}`;
    case 'site':
      return `/sites/${seg(address.siteId)}/drive/items/${seg(address.itemId)}`;
  }
}

/** Which drive a path lookup starts from. */
export type DriveLocator = { driveId: string } | 'me';

/** `/drives/{d}/root:/{path}` (each segment percent-encoded), or `/drives/{d}/root` for an empty path. */
export function pathLookup(drive: DriveLocator, itemPathInDrive: string): string {
  const root = drive === 'me' ? '/me/drive/root' : `/drives/${seg(drive.driveId)}/root`;
  const segments = itemPathInDrive.split('/').filter(Boolean);
  return segments.length ? `${root}:/${segments.map(seg).join('/')}` : root;
}

/**
 * The `/shares/{id}` id for a sharing URL: `u!` + unpadded base64url of the URL (Graph's "encoding sharing URLs").
 * A value that already is a share id (`u!…` or `s!…`) is used as it is.
 */
export function shareIdFor(urlOrShareId: string): string {
  const v = urlOrShareId.trim();
  if (/^[us]![A-Za-z0-9_-]+$/.test(v)) return v;
  return 'u!' + Buffer.from(v, 'utf8').toString('base64').replace(/=+$/, '').replace(/\//g, '_').replace(/\+/g, '-');
}

/** The OData string literal for `search(q='…')`: single quotes doubled, then percent-encoded for the path. */
export function searchFunctionPath(query: string): string {
  return `/me/drive/root/search(q='${encodeURIComponent(query.replace(/'/g, "''"))}')`;
}
