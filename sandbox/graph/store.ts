import { createHash } from 'node:crypto';
import type {
  SandboxGroup,
  SandboxSite,
  SandboxTenant,
  SandboxUser,
  SeedDrive,
  SeedGrantee,
  SeedItem,
  TenantData,
} from '../tenant-data';

/** A person a link was shared with (driveRecipient resolved against the directory). */
export interface ResolvedRecipient {
  userId?: string;
  displayName: string;
  email: string;
}

/** A sharing link as the store keeps it; `token` is the unguessable part of its URL. */
export interface StoredLink {
  type: string;
  scope: string;
  token: string;
  webUrl: string;
  webHtml?: string;
  preventsDownload?: boolean;
  application: { id: string; displayName: string };
}

/** A permission set directly on an item: a grant to a user/group/site group, or a sharing link. */
export interface StoredPermission {
  id: string;
  roles: string[];
  grantee?: SeedGrantee;
  link?: StoredLink;
  hasPassword?: boolean;
  expirationDateTime?: string;
  recipients?: ResolvedRecipient[];
}

/** A permission as seen on one item: its own, or inherited from an ancestor (`inheritedFrom` = that ancestor). */
export interface EffectivePermission extends StoredPermission {
  inheritedFromId?: string;
}

export interface ItemState extends Omit<SeedItem, 'permissions'> {
  permissions: StoredPermission[];
  /** Set once the item stops inheriting (createLink with retainInheritedPermissions false). */
  inheritanceBroken: boolean;
  /** Whether the item has been shared directly (retainInheritedPermissions only matters the first time). */
  sharedOnce: boolean;
  version: number;
}

export interface DriveState {
  seed: SeedDrive;
  tenant: SandboxTenant;
  rootId: string;
  items: Map<string, ItemState>;
}

export type Role = 'owner' | 'write' | 'read';

const ROLE_RANK: Record<Role, number> = { read: 1, write: 2, owner: 3 };

/** In-memory drives, items and permissions of the sandbox tenant, derived from the seeded directory. */
export class DriveStore {
  readonly drives = new Map<string, DriveState>();

  constructor(readonly data: TenantData) {
    for (const seed of data.drives) this.drives.set(seed.id, this.loadDrive(seed));
  }

  private loadDrive(seed: SeedDrive): DriveState {
    const tenant = this.tenant(seed.tenantId);
    const items = new Map<string, ItemState>();
    let rootId = '';
    for (const it of seed.items) {
      const { permissions, ...rest } = it;
      items.set(it.id, {
        ...rest,
        permissions: (permissions ?? []).map((p) => ({
          id: p.id,
          roles: [...p.roles],
          grantee: p.grantedTo,
          link: p.link ? { ...p.link, webUrl: '' } : undefined,
          hasPassword: p.link ? false : undefined,
        })),
        inheritanceBroken: false,
        sharedOnce: (permissions ?? []).some((p) => p.link),
        version: 1,
      });
      if (it.parentId === null) rootId = it.id;
    }
    if (!rootId) throw new Error(`Seeded drive ${seed.id} has no root item`);
    const drive: DriveState = { seed, tenant, rootId, items };
    // OneDrives: the owner's own permission sits on the root, as SharePoint lists it for every item.
    if ('userId' in seed.owner) {
      items.get(rootId)!.permissions.unshift({
        id: `b3duZXJ8${seed.owner.userId.slice(-8)}`,
        roles: ['owner'],
        grantee: { userId: seed.owner.userId },
      });
    }
    for (const item of items.values())
      for (const p of item.permissions)
        if (p.link) p.link.webUrl = this.linkUrl(drive, item, p.link.type, p.link.token);
    return drive;
  }

  tenant(id: string): SandboxTenant {
    const t = this.data.tenants.find((x) => x.id === id);
    if (!t) throw new Error(`Unknown tenant ${id}`);
    return t;
  }

  user(id: string): SandboxUser | undefined {
    return this.data.users.find((u) => u.id === id);
  }

  /** A user by object id or user principal name (as `/users/{id-or-upn}` accepts). */
  userByIdOrUpn(key: string): SandboxUser | undefined {
    const k = key.toLowerCase();
    return this.data.users.find((u) => u.id.toLowerCase() === k || u.userPrincipalName.toLowerCase() === k);
  }

  group(id: string): SandboxGroup | undefined {
    return this.data.groups.find((g) => g.id.toLowerCase() === id.toLowerCase());
  }

  site(id: string): SandboxSite | undefined {
    return this.data.sites.find((s) => s.id.toLowerCase() === id.toLowerCase());
  }

  /** The OneDrive a user owns (business or personal). */
  driveOfUser(userId: string): DriveState | undefined {
    for (const d of this.drives.values()) if ('userId' in d.seed.owner && d.seed.owner.userId === userId) return d;
    return undefined;
  }

  item(drive: DriveState, id: string): ItemState | undefined {
    return drive.items.get(id === 'root' ? drive.rootId : id);
  }

  children(drive: DriveState, item: ItemState): ItemState[] {
    return [...drive.items.values()].filter((c) => c.parentId === item.id);
  }

  /** The item at a path below the root ("Projects/Falcon brief.docx"), matched case-insensitively as SharePoint does. */
  itemByPath(drive: DriveState, path: string): ItemState | undefined {
    let cur = drive.items.get(drive.rootId)!;
    for (const seg of path.split('/').filter(Boolean)) {
      const next = this.children(drive, cur).find((c) => c.name.toLowerCase() === seg.toLowerCase());
      if (!next) return undefined;
      cur = next;
    }
    return cur;
  }

  /** Names from the root down to the item, without the root ("Projects", "Falcon brief.docx"). */
  pathSegments(drive: DriveState, item: ItemState): string[] {
    const segs: string[] = [];
    let cur: ItemState | undefined = item;
    while (cur && cur.parentId !== null) {
      segs.unshift(cur.name);
      cur = drive.items.get(cur.parentId);
    }
    return segs;
  }

  /** The item's address in a browser. */
  itemWebUrl(drive: DriveState, item: ItemState): string {
    if (drive.seed.driveType === 'personal') {
      return item.parentId === null
        ? drive.seed.webUrl
        : `https://${drive.tenant.sharePointHost}/redir?resid=${item.id}`;
    }
    const segs = this.pathSegments(drive, item).map((s) => encodeURIComponent(s));
    return [drive.seed.webUrl, ...segs].join('/');
  }

  /** A short share URL on the tenant host, the way SharePoint and OneDrive spell them. */
  linkUrl(drive: DriveState, item: ItemState, type: string, token: string): string {
    const letter = kindLetter(item);
    if (drive.seed.driveType === 'personal') {
      if (type === 'embed') return `https://${drive.tenant.sharePointHost}/embed?resid=${item.id}&authkey=!${token}`;
      return `https://${drive.tenant.sharePointHost}/${letter}/s!${token}`;
    }
    const u = new URL(drive.seed.webUrl);
    const parts = u.pathname.split('/').filter(Boolean);
    const where = parts[0] === 'personal' ? `g/personal/${parts[1]}` : `s/${parts[1]}`;
    return `${u.origin}/:${letter}:/${where}/${token}`;
  }

  /** Size of a file, or of everything below a folder. */
  size(drive: DriveState, item: ItemState): number {
    if (item.file) return item.size ?? 0;
    return this.children(drive, item).reduce((n, c) => n + this.size(drive, c), 0);
  }

  /** Own permissions plus those inherited from ancestors (unless the item stopped inheriting). */
  effectivePermissions(drive: DriveState, item: ItemState): EffectivePermission[] {
    const own: EffectivePermission[] = item.permissions.map((p) => ({ ...p }));
    if (item.parentId === null || item.inheritanceBroken) return own;
    const parent = drive.items.get(item.parentId)!;
    const inherited = this.effectivePermissions(drive, parent).map((p) => ({
      ...p,
      inheritedFromId: p.inheritedFromId ?? parent.id,
    }));
    return [...inherited, ...own];
  }

  /** The strongest role a user holds on an item through drive ownership, site/group ownership or permissions. */
  roleOf(drive: DriveState, item: ItemState, userId: string, tenantId: string): Role | undefined {
    if (tenantId !== drive.seed.tenantId) return undefined;
    const owner = drive.seed.owner;
    if ('userId' in owner && owner.userId === userId) return 'owner';
    if ('siteId' in owner && this.site(owner.siteId)?.owners.includes(userId)) return 'owner';
    if ('groupId' in owner && this.group(owner.groupId)?.owners.includes(userId)) return 'owner';
    let best: Role | undefined;
    for (const p of this.effectivePermissions(drive, item)) {
      if (!this.permissionCovers(drive, p, userId)) continue;
      for (const r of p.roles) {
        const role = (r === 'sp.full control' ? 'owner' : r) as Role;
        if (ROLE_RANK[role] && (!best || ROLE_RANK[role] > ROLE_RANK[best])) best = role;
      }
    }
    return best;
  }

  /** Whether a grant (or a specific-people link) reaches this user without redeeming a link URL. */
  permissionCovers(drive: DriveState, p: StoredPermission, userId: string): boolean {
    if (p.link) return p.link.scope === 'users' && !!p.recipients?.some((r) => r.userId === userId) && !isExpired(p);
    const g = p.grantee;
    if (!g) return false;
    if ('userId' in g) return g.userId === userId;
    if ('groupId' in g) return !!this.group(g.groupId)?.members.includes(userId);
    const site = 'siteId' in drive.seed.owner ? this.site(drive.seed.owner.siteId) : undefined;
    return !!site?.[g.siteGroup].includes(userId);
  }

  /** Drops inherited permissions on first share, keeping owners and the sharer's own access (as SharePoint does). */
  breakInheritance(drive: DriveState, item: ItemState, sharer: { userId: string; tenantId: string }): void {
    const before = this.roleOf(drive, item, sharer.userId, sharer.tenantId);
    const kept = this.effectivePermissions(drive, item)
      .filter((p) => p.inheritedFromId && p.roles.includes('owner'))
      .map(({ inheritedFromId: _from, ...p }) => p);
    item.permissions = [...kept, ...item.permissions];
    item.inheritanceBroken = true;
    const after = this.roleOf(drive, item, sharer.userId, sharer.tenantId);
    if (before && !after)
      item.permissions.unshift({
        id: `dXNlcnw${sharer.userId.slice(-12)}`,
        roles: [before],
        grantee: { userId: sharer.userId },
      });
  }

  /** Every drive of a tenant. */
  drivesOfTenant(tenantId: string): DriveState[] {
    return [...this.drives.values()].filter((d) => d.seed.tenantId === tenantId);
  }
}

/** Whether a link's expiration has passed. */
export function isExpired(p: StoredPermission, now = Date.now()): boolean {
  return !!p.expirationDateTime && Date.parse(p.expirationDateTime) <= now;
}

/** Whether a role list allows a need: write needs write/owner, read any role. */
export function roleAllows(role: Role | undefined, need: 'read' | 'write' | 'owner'): boolean {
  return !!role && ROLE_RANK[role] >= ROLE_RANK[need === 'read' ? 'read' : need];
}

/** The letter SharePoint puts in share URLs for a kind of file (":w:" Word, ":x:" Excel, …). */
function kindLetter(item: ItemState): string {
  if (item.folder) return 'f';
  const ext = item.name.split('.').pop()?.toLowerCase() ?? '';
  const map: Record<string, string> = {
    docx: 'w',
    doc: 'w',
    xlsx: 'x',
    xls: 'x',
    pptx: 'p',
    ppt: 'p',
    pdf: 'b',
    png: 'i',
    jpg: 'i',
    jpeg: 'i',
    mp4: 'v',
    txt: 't',
  };
  return map[ext] ?? 'u';
}

/** A stable GUID-shaped string derived from a text (eTags, siteUser ids). */
export function stableGuid(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

/** A stable 20-byte base64 hash (the size of a quickXorHash) derived from a text. */
export function stableHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
