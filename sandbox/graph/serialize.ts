import { createHash } from 'node:crypto';
import type { SandboxUser } from '../tenant-data';
import {
  stableGuid,
  stableHash,
  type DriveState,
  type DriveStore,
  type EffectivePermission,
  type ItemState,
  type ResolvedRecipient,
} from './store';

type Json = Record<string, unknown>;

/** Graph `identitySet` for a user: `{user:{id, displayName, email}}`. */
export function userIdentity(user: SandboxUser | undefined, fallbackId: string): Json {
  return { user: { email: user?.mail, id: fallbackId, displayName: user?.displayName ?? fallbackId } };
}

/** SharePoint's claims login name of a user. */
function loginName(email: string): string {
  return `i:0#.f|membership|${email}`;
}

/** Graph `sharePointIdentitySet` for a user: user plus siteUser. */
function sharePointUser(id: string | undefined, displayName: string, email: string): Json {
  return {
    user: { ...(id ? { id } : {}), displayName, email },
    siteUser: {
      id: String((parseInt(stableGuid(email).slice(0, 4), 16) % 90) + 10),
      displayName,
      email,
      loginName: loginName(email),
    },
  };
}

/** The `parentReference` of an item (absent fields on the root, as Graph answers). */
function parentReference(store: DriveStore, drive: DriveState, item: ItemState): Json {
  const ref: Json = { driveType: drive.seed.driveType, driveId: drive.seed.id };
  if ('siteId' in drive.seed.owner) ref.siteId = drive.seed.owner.siteId;
  if (item.parentId === null) return ref;
  const parent = drive.items.get(item.parentId)!;
  const segs = store.pathSegments(drive, parent);
  return {
    ...ref,
    id: parent.id,
    name: parent.parentId === null ? (drive.seed.driveType === 'personal' ? 'root:' : drive.seed.name) : parent.name,
    path: `/drives/${drive.seed.id}/root:${segs.length ? '/' + segs.map(encodeURIComponent).join('/') : ''}`,
  };
}

/** A driveItem resource as Graph returns it from GET /drives/{d}/items/{i}. */
export function driveItemJson(store: DriveStore, drive: DriveState, item: ItemState): Json {
  const guid = stableGuid(`${drive.seed.id}/${item.id}`);
  const created = store.user(item.createdBy);
  const modified = store.user(item.lastModifiedBy);
  const out: Json = {
    createdDateTime: item.createdDateTime,
    eTag: `"{${guid}},${item.version}"`,
    id: item.id,
    lastModifiedDateTime: item.lastModifiedDateTime,
    name: item.name,
    webUrl: store.itemWebUrl(drive, item),
    cTag: `"c:{${guid}},${item.version}"`,
    size: store.size(drive, item),
    createdBy: userIdentity(created, item.createdBy),
    lastModifiedBy: userIdentity(modified, item.lastModifiedBy),
    parentReference: parentReference(store, drive, item),
    fileSystemInfo: { createdDateTime: item.createdDateTime, lastModifiedDateTime: item.lastModifiedDateTime },
  };
  if (item.file) {
    const hashes: Json = { quickXorHash: stableHash(guid) };
    if (drive.seed.driveType === 'personal')
      hashes.sha1Hash = createHash('sha1').update(guid).digest('hex').toUpperCase();
    out.file = { mimeType: item.file.mimeType, hashes };
  } else {
    out.folder = { childCount: store.children(drive, item).length };
  }
  if (item.parentId === null) out.root = {};
  const links = item.permissions.filter((p) => p.link);
  if (links.length) {
    const scopes = new Set(links.map((p) => p.link!.scope));
    out.shared = {
      scope: scopes.has('anonymous') ? 'anonymous' : scopes.has('organization') ? 'organization' : 'users',
    };
  }
  return out;
}

/**
 * The driveItem of a `/search/query` hit, carrying only what documented and reported hits carry: id, name, webUrl,
 * dates, createdBy/lastModifiedBy, fileSystemInfo and a parentReference with driveId, id and siteId; no size, no
 * file/folder facet, no driveType, no path (search-concept-files example in microsoftgraph/microsoft-graph-docs-contrib
 * concepts/search-concept-files.md; a real answer in microsoftgraph/microsoft-graph-docs#14175).
 */
export function searchHitResource(store: DriveStore, drive: DriveState, item: ItemState): Json {
  const full = driveItemJson(store, drive, item);
  const parent = (full.parentReference ?? {}) as Json;
  const parentReference: Json = { driveId: parent.driveId };
  if (parent.id) parentReference.id = parent.id;
  if (parent.siteId) parentReference.siteId = parent.siteId;
  const out: Json = {};
  for (const key of ['id', 'createdDateTime', 'lastModifiedDateTime', 'name', 'webUrl', 'createdBy', 'lastModifiedBy'])
    out[key] = full[key];
  out.parentReference = parentReference;
  out.fileSystemInfo = full.fileSystemInfo;
  return out;
}

/** Graph `itemReference` of an ancestor a permission is inherited from. */
function inheritedFrom(store: DriveStore, drive: DriveState, itemId: string): Json {
  const from = drive.items.get(itemId)!;
  const segs = store.pathSegments(drive, from);
  return {
    driveId: drive.seed.id,
    driveType: drive.seed.driveType,
    id: from.id,
    path: `/drives/${drive.seed.id}/root:${segs.length ? '/' + segs.map(encodeURIComponent).join('/') : ''}`,
  };
}

/** Identity sets of the recipients of a specific-people link. */
function recipientIdentities(recipients: ResolvedRecipient[]): { v2: Json[]; v1: Json[] } {
  return {
    v2: recipients.map((r) => sharePointUser(r.userId, r.displayName, r.email)),
    v1: recipients.map((r) => ({
      user: { ...(r.userId ? { id: r.userId } : {}), displayName: r.displayName, email: r.email },
    })),
  };
}

/** DateTime.MinValue as Graph's drive resources spell "not set" (permission resource: "no expiration"). */
export const GRAPH_MIN_VALUE = '0001-01-01T00:00:00Z';

/**
 * A permission resource as Graph returns it from createLink and the permissions list. `minValueExpiration`: a
 * permission without expiration says so with DateTime.MinValue, as the permission resource documents and its
 * examples show (OneDrive/onedrive-api-docs docs/rest-api/resources/permission.md); otherwise the field is left out,
 * as on the createLink page's examples.
 */
export function permissionJson(
  store: DriveStore,
  drive: DriveState,
  p: EffectivePermission,
  opts: { minValueExpiration: boolean },
): Json {
  const out: Json = { id: p.id, roles: [...p.roles] };
  if (p.link) {
    const link: Json = { scope: p.link.scope, type: p.link.type, webUrl: p.link.webUrl };
    if (p.link.webHtml) link.webHtml = p.link.webHtml;
    if (drive.seed.driveType !== 'personal') link.preventsDownload = !!p.link.preventsDownload;
    link.application = { ...p.link.application };
    out.link = link;
    out.hasPassword = !!p.hasPassword;
    out.shareId = shareIdOf(p.link.webUrl);
    if (p.expirationDateTime) out.expirationDateTime = p.expirationDateTime;
    if (p.recipients?.length) {
      const ids = recipientIdentities(p.recipients);
      out.grantedToIdentitiesV2 = ids.v2;
      out.grantedToIdentities = ids.v1;
    }
  } else if (p.grantee) {
    const g = p.grantee;
    if ('userId' in g) {
      const u = store.user(g.userId);
      const email = u?.mail ?? g.userId;
      out.grantedToV2 = sharePointUser(g.userId, u?.displayName ?? g.userId, email);
      out.grantedTo = { user: { id: g.userId, displayName: u?.displayName ?? g.userId, email } };
    } else if ('groupId' in g) {
      const grp = store.group(g.groupId);
      out.grantedToV2 = { group: { id: g.groupId, displayName: grp?.displayName ?? g.groupId, email: grp?.mail } };
    } else {
      const site = 'siteId' in drive.seed.owner ? store.site(drive.seed.owner.siteId) : undefined;
      const label = { owners: 'Owners', members: 'Members', visitors: 'Visitors' }[g.siteGroup];
      const name = `${site?.displayName ?? 'Site'} ${label}`;
      out.grantedToV2 = {
        siteGroup: {
          id: String({ owners: 3, members: 5, visitors: 4 }[g.siteGroup]),
          displayName: name,
          loginName: name,
        },
      };
    }
  }
  if (p.inheritedFromId) out.inheritedFrom = inheritedFrom(store, drive, p.inheritedFromId);
  if (out.expirationDateTime === undefined && opts.minValueExpiration) out.expirationDateTime = GRAPH_MIN_VALUE;
  return out;
}

/** The encoded sharing URL Graph's /shares/ accepts: `u!` + unpadded base64url of the URL. */
export function shareIdOf(url: string): string {
  return 'u!' + Buffer.from(url, 'utf8').toString('base64url');
}
