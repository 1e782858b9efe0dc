import * as fs from 'node:fs';
import * as path from 'node:path';

/** Tenant-wide sharing settings the sandbox Graph enforces (see sandbox/README.md). */
export interface TenantPolicy {
  anonymousLinksEnabled: boolean;
  /** Expirations later than this many days are clamped; 0 = no limit. */
  maxExpirationDays: number;
  /** Whether business/SharePoint links may carry a password. */
  passwordOnBusinessLinks: boolean;
  /** The link createLink makes when type and scope are omitted. */
  defaultLink: { type: string; scope: string };
}

export interface SandboxTenant {
  id: string;
  name: string;
  domain: string;
  sharePointHost: string;
  policy: TenantPolicy;
}

export interface SandboxUser {
  id: string;
  tenantId: string;
  displayName: string;
  userPrincipalName: string;
  mail: string;
  /** Has consented to the app's Graph permissions (OBO succeeds). */
  consented: boolean;
  personalAccount?: boolean;
  /** Teams user id (29:…) used in activities. */
  teamsId: string;
  /**
   * Delegated permissions of the app this person has not consented to (the rest are consented): OBO asking for
   * one answers AADSTS65001, and their stored Token Service token lacks it until they sign in again.
   */
  declinedScopes?: string[];
  /** `Guest`: a B2B guest account in `tenantId` for someone of another organization (Entra `userType`). */
  userType?: 'Member' | 'Guest';
}

/** A member of a seeded chat or team: a seeded user, or someone from another organization. */
export type SeedMember =
  | { userId: string; roles?: string[] }
  | { displayName: string; userId: string; tenantId: string; email: string | null; roles?: string[] };

/** A Teams chat (group, meeting or one-on-one) as Graph `/chats/{id}` serves it. */
export interface SeedChat {
  /** The Graph chat id, which is also the Teams `conversation.id` of the chat. */
  id: string;
  chatType: 'group' | 'meeting' | 'oneOnOne';
  /** The tenant the chat was started in. */
  tenantId: string;
  topic: string | null;
  members: SeedMember[];
  /** Adds this many generated members of the chat's tenant ("Colleague 001" …), for chats larger than the limit. */
  generatedMembers?: number;
}

/**
 * A channel of a seeded team. Standard channels have the team's members; private and shared channels have their
 * own (`members`: a subset of the team for private ones, people of other teams or organizations too for shared
 * ones), and Share Link must be added to each of them (`botInstalled`). Sources in sandbox/FIDELITY.md.
 */
export interface SeedChannel {
  id: string;
  displayName: string;
  /** As botframework-schema `ChannelInfo.type` names it; absent: standard. */
  membershipType?: 'standard' | 'private' | 'shared';
  /** The channel's own members (private and shared channels); absent: the team's. */
  members?: SeedMember[];
  /** Whether Share Link is added to this channel (default: as the team); the connector answers 403 where not. */
  botInstalled?: boolean;
}

/** A team with channels, for the Bot Framework roster (`/v3/conversations/{teamThreadId}/pagedmembers`). */
export interface SeedTeam {
  /** Thread id of the team (its General channel), as `channelData.team.id` carries it. */
  id: string;
  aadGroupId: string;
  tenantId: string;
  displayName: string;
  channels: SeedChannel[];
  members: SeedMember[];
  generatedMembers?: number;
  /** Whether Share Link is installed in the team (default true); the connector answers 403 where it is not. */
  botInstalled?: boolean;
}

/** A Microsoft 365 group: its members can use its group drive (a SharePoint document library). */
export interface SandboxGroup {
  id: string;
  tenantId: string;
  displayName: string;
  mail: string;
  mailNickname: string;
  /** User ids; owners may delete any permission on the group drive. */
  owners: string[];
  members: string[];
  driveId: string;
  siteWebUrl: string;
}

/** A SharePoint site with one document library; its site groups map to owner/write/read access. */
export interface SandboxSite {
  id: string;
  tenantId: string;
  name: string;
  displayName: string;
  webUrl: string;
  owners: string[];
  members: string[];
  visitors: string[];
  driveId: string;
}

/** Who a seeded permission grants access to. */
export type SeedGrantee = { userId: string } | { groupId: string } | { siteGroup: 'owners' | 'members' | 'visitors' };

/** A permission set directly on a seeded item; descendants inherit it. */
export interface SeedPermission {
  id: string;
  roles: string[];
  grantedTo?: SeedGrantee;
  /** A sharing link made earlier by some application; `token` forms its share URL. */
  link?: { type: string; scope: string; token: string; application: { id: string; displayName: string } };
}

/** A seeded driveItem. The root has parentId null; webUrl, parentReference, childCount, eTag/cTag are derived. */
export interface SeedItem {
  id: string;
  name: string;
  parentId: string | null;
  file?: { mimeType: string };
  folder?: Record<string, never>;
  /** Files only; a folder's size is the sum of its descendants. */
  size?: number;
  /** User ids. */
  createdBy: string;
  lastModifiedBy: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  permissions?: SeedPermission[];
}

export type SeedDriveOwner = { userId: string } | { siteId: string } | { groupId: string };

/** A seeded drive: a OneDrive (personal or business) or a SharePoint document library. */
export interface SeedDrive {
  id: string;
  driveType: 'personal' | 'business' | 'documentLibrary';
  tenantId: string;
  name: string;
  description: string;
  owner: SeedDriveOwner;
  /** Web address of the drive's root folder; item addresses are built below it. */
  webUrl: string;
  quota: { total: number };
  items: SeedItem[];
}

/** The seeded directory. Drives, items, sites and groups are described by the Graph part (sandbox/graph). */
export interface TenantData {
  tenants: SandboxTenant[];
  users: SandboxUser[];
  groups: SandboxGroup[];
  sites: SandboxSite[];
  drives: SeedDrive[];
  /** Teams chats and teams for "People in this chat" (sandbox/graph/chats.ts, sandbox/botframework/connector.ts). */
  chats?: SeedChat[];
  teams?: SeedTeam[];
}

export const DEFAULT_TENANT_FILE = path.resolve(__dirname, '..', '..', 'sandbox', 'data', 'tenant.json');

/** Reads the seeded directory; a fresh deep copy each call so a reset starts from the file again. */
export function loadTenantData(file = DEFAULT_TENANT_FILE): TenantData {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TenantData;
}
