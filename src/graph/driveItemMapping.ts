import type { DriveItemInfo, DriveType, GraphPermission } from '../domain/types';
import { DRIVE_TYPES } from '../domain/types';
import { graphExpiration, graphInstant } from '../domain/graphDates';

/** The parts of a Graph driveItem JSON the app reads. */
export interface GraphDriveItem {
  id?: string;
  name?: string;
  webUrl?: string;
  size?: number;
  file?: { mimeType?: string };
  folder?: { childCount?: number };
  package?: { type?: string };
  lastModifiedDateTime?: string;
  lastModifiedBy?: { user?: { displayName?: string } };
  parentReference?: { driveId?: string; driveType?: string; id?: string; path?: string; siteId?: string };
  remoteItem?: GraphDriveItem;
}

const MAX_PARENT_PATH = 60;

/**
 * `parentReference.path` (e.g. `/drives/b!x/root:/Shared%20Documents/Plans`) → "Shared Documents/Plans".
 * Long paths keep the first and the last folders: "Projects/…/Q3/Plans". Undefined at the drive root.
 */
export function readableParentPath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const afterRoot = path.includes('root:') ? path.slice(path.indexOf('root:') + 'root:'.length) : '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(afterRoot);
  } catch {
    decoded = afterRoot;
  }
  const segments = decoded.split('/').filter(Boolean);
  if (!segments.length) return undefined;
  const full = segments.join('/');
  if (full.length <= MAX_PARENT_PATH || segments.length <= 2) return full;
  const tail: string[] = [];
  let length = segments[0].length + 2;
  for (let i = segments.length - 1; i > 0; i--) {
    if (length + segments[i].length + 1 > MAX_PARENT_PATH && tail.length) break;
    tail.unshift(segments[i]);
    length += segments[i].length + 1;
  }
  return `${segments[0]}/…/${tail.join('/')}`;
}

/**
 * The drive type when Graph did not include `parentReference.driveType` (search hits often omit it):
 * guessed from the item's web address.
 */
export function driveTypeOf(item: GraphDriveItem): DriveType {
  const declared = item.parentReference?.driveType;
  if (declared && (DRIVE_TYPES as readonly string[]).includes(declared)) return declared as DriveType;
  let host = '';
  try {
    host = new URL(item.webUrl ?? '').hostname.toLowerCase();
  } catch {
    host = '';
  }
  // Every cloud's SharePoint host: sharepoint.com, sharepoint.us, sharepoint.cn, sharepoint-mil.us, … (and the
  // sandbox's sharepoint.example).
  if (/-my\.sharepoint(?:-[a-z]+)?\.[a-z.]+$/.test(host)) return 'business';
  if (/\.sharepoint(?:-[a-z]+)?\.[a-z.]+$/.test(host)) return 'documentLibrary';
  if (host === 'onedrive.live.com' || host === '1drv.ms' || host.endsWith('.livefilestore.com')) return 'personal';
  return 'business';
}

/**
 * File or folder from the facets. `/search/query` hits may carry neither facet; then a name with an extension
 * is taken for a file.
 */
export function kindOf(item: GraphDriveItem): 'file' | 'folder' {
  if (item.folder || item.package?.type === 'oneNote') return 'folder';
  if (item.file) return 'file';
  return /\.[A-Za-z0-9]{1,8}$/.test(item.name ?? '') ? 'file' : 'folder';
}

/** driveItem JSON → DriveItemInfo; undefined when Graph did not say which drive holds the item. */
export function toDriveItemInfo(item: GraphDriveItem): DriveItemInfo | undefined {
  const driveId = item.parentReference?.driveId;
  if (!driveId || !item.id) return undefined;
  const info: DriveItemInfo = {
    driveId,
    itemId: item.id,
    name: item.name ?? '',
    kind: kindOf(item),
    driveType: driveTypeOf(item),
    webUrl: item.webUrl ?? '',
  };
  if (typeof item.size === 'number') info.size = item.size;
  if (item.file?.mimeType) info.mimeType = item.file.mimeType;
  const parentPath = readableParentPath(item.parentReference?.path);
  if (parentPath) info.parentPath = parentPath;
  if (item.parentReference?.siteId) info.siteId = item.parentReference.siteId;
  const modified = graphInstant(item.lastModifiedDateTime);
  if (modified) info.lastModifiedDateTime = modified;
  if (item.lastModifiedBy?.user?.displayName) info.lastModifiedBy = item.lastModifiedBy.user.displayName;
  return info;
}

/** Graph permission JSON → GraphPermission (fields the app reads; unknown ones dropped). */
export function toGraphPermission(json: Record<string, unknown>): GraphPermission {
  const p = json as unknown as GraphPermission;
  const out: GraphPermission = { id: String(p.id ?? '') };
  if (Array.isArray(p.roles)) out.roles = p.roles.filter((r): r is string => typeof r === 'string');
  if (p.link && typeof p.link === 'object') out.link = toSharingLink(p.link as Record<string, unknown>);
  if (typeof p.hasPassword === 'boolean') out.hasPassword = p.hasPassword;
  // DateTime.MinValue (0001-01-01T00:00:00Z) and null both mean "no expiration": the field is left out.
  const expires = graphExpiration(p.expirationDateTime);
  if (expires) out.expirationDateTime = expires;
  if (Array.isArray(p.grantedToIdentitiesV2))
    out.grantedToIdentitiesV2 = p.grantedToIdentitiesV2.filter((i) => i !== null && typeof i === 'object');
  if (p.grantedToV2) out.grantedToV2 = p.grantedToV2;
  if (p.inheritedFrom !== undefined) out.inheritedFrom = p.inheritedFrom;
  if (typeof p.shareId === 'string') out.shareId = p.shareId;
  return out;
}

/** Graph sharingLink JSON → the fields the app reads; null or mistyped fields count as absent. */
function toSharingLink(link: Record<string, unknown>): NonNullable<GraphPermission['link']> {
  const out: NonNullable<GraphPermission['link']> = {};
  for (const key of ['type', 'scope', 'webUrl', 'webHtml'] as const) {
    const v = link[key];
    if (typeof v === 'string' && v !== '') out[key] = v;
  }
  if (typeof link.preventsDownload === 'boolean') out.preventsDownload = link.preventsDownload;
  const app = link.application;
  if (app && typeof app === 'object') {
    const a = app as Record<string, unknown>;
    out.application = {};
    if (typeof a.id === 'string') out.application.id = a.id;
    if (typeof a.displayName === 'string') out.application.displayName = a.displayName;
  }
  return out;
}
