import type { GraphCaller } from '../tokens';
import { accessDenied, invalidRequest, itemNotFound } from './errors';
import {
  isExpired,
  roleAllows,
  type DriveState,
  type DriveStore,
  type ItemState,
  type StoredPermission,
} from './store';

/** Decodes a sharing id: `u!` + base64url(URL) (padding and the standard alphabet tolerated), `s!token`, or a bare token. */
export function decodeShareId(shareId: string): { url: string } | { token: string } {
  if (/^u!/i.test(shareId)) {
    const b64 = shareId.slice(2).replace(/-/g, '+').replace(/_/g, '/');
    const url = Buffer.from(b64, 'base64').toString('utf8');
    if (!/^https?:\/\//i.test(url)) throw invalidRequest('The sharing URL in the share id could not be decoded.');
    return { url };
  }
  return { token: shareId.replace(/^s!/i, '') };
}

/** A URL reduced to a comparable form: percent-decoded, lower case, no trailing slash. */
function normalizeUrl(url: string): string {
  let u = url.trim();
  try {
    u = decodeURI(u);
  } catch {
    // keep as given
  }
  return u.replace(/\/+$/, '').toLowerCase();
}

/** Finds what a share id points at and checks the caller may open it (anyone / same organization / recipients / access). */
export function resolveShare(
  store: DriveStore,
  shareId: string,
  caller: GraphCaller,
  now: Date,
): { drive: DriveState; item: ItemState } {
  const key = decodeShareId(shareId);
  const wanted = 'url' in key ? normalizeUrl(key.url) : undefined;
  for (const drive of store.drives.values()) {
    for (const item of drive.items.values()) {
      for (const p of item.permissions) {
        if (!p.link) continue;
        const hit = wanted ? normalizeUrl(p.link.webUrl) === wanted : p.link.token === (key as { token: string }).token;
        if (hit) return checkLinkAccess(store, drive, item, p, caller, now);
      }
      if (wanted && normalizeUrl(store.itemWebUrl(drive, item)) === wanted) {
        if (!roleAllows(store.roleOf(drive, item, caller.userId, caller.tenantId), 'read'))
          throw accessDenied('The caller does not have access to this item.');
        return { drive, item };
      }
    }
  }
  throw itemNotFound('The sharing link could not be found.');
}

function checkLinkAccess(
  store: DriveStore,
  drive: DriveState,
  item: ItemState,
  p: StoredPermission,
  caller: GraphCaller,
  now: Date,
): { drive: DriveState; item: ItemState } {
  if (isExpired(p, now.getTime())) throw accessDenied('This sharing link has expired.');
  const role = store.roleOf(drive, item, caller.userId, caller.tenantId);
  const scope = p.link!.scope;
  const allowed =
    roleAllows(role, 'read') ||
    scope === 'anonymous' ||
    (scope === 'organization' && caller.tenantId === drive.seed.tenantId) ||
    (scope === 'users' && !!p.recipients?.some((r) => r.userId === caller.userId));
  if (!allowed) throw accessDenied('The sharing link does not give the caller access to this item.');
  return { drive, item };
}
