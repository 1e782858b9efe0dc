/**
 * The share core's vocabulary, shared by domain rules, the Graph client, cards and the bot.
 * Names follow Microsoft Graph (driveItem, permission, sharingLink, driveRecipient) where Graph has a word for it.
 */
import type { DomainMessage } from './messages';

export const LINK_TYPES = [
  'view',
  'review',
  'edit',
  'embed',
  'blocksDownload',
  'createOnly',
  'addressBar',
  'adminDefault',
] as const;
export type LinkType = (typeof LINK_TYPES)[number];

export const LINK_SCOPES = ['anonymous', 'organization', 'users'] as const;
export type LinkScope = (typeof LINK_SCOPES)[number];

/** Graph `drive.driveType`: OneDrive personal (consumer), OneDrive for Business, SharePoint document library. */
export const DRIVE_TYPES = ['personal', 'business', 'documentLibrary'] as const;
export type DriveType = (typeof DRIVE_TYPES)[number];

export type ItemKind = 'file' | 'folder';

/** Where an item lives, enough to address it with `/drives/{driveId}/items/{itemId}`. */
export interface DriveItemRef {
  driveId: string;
  itemId: string;
}

/** What the app knows about an item after looking it up in Graph. */
export interface DriveItemInfo extends DriveItemRef {
  name: string;
  kind: ItemKind;
  driveType: DriveType;
  webUrl: string;
  size?: number;
  mimeType?: string;
  /** Human-readable folder path, e.g. "Documents/Plans". */
  parentPath?: string;
  /** Site that holds a SharePoint library, when known. */
  siteId?: string;
  lastModifiedDateTime?: string;
  lastModifiedBy?: string;
}

/** Graph `driveRecipient`: one of email, objectId (a person in the organization) or alias. */
export interface Recipient {
  email?: string;
  objectId?: string;
  alias?: string;
  /** For display only; never sent to Graph. */
  displayName?: string;
}

/** What the person asked for, as chosen in the dialog (before validation). */
export interface LinkOptions {
  /** Omit type and scope so Graph applies the organization's default link (seed remarks). */
  useOrganizationDefault: boolean;
  type?: LinkType;
  scope?: LinkScope;
  /** A calendar date (YYYY-MM-DD) the link stops working at the end of, in the person's time zone. */
  expirationDate?: string;
  /** IANA time zone of the person (from the Teams clientInfo entity), e.g. "Europe/Berlin". */
  timeZone?: string;
  password?: string;
  recipients: Recipient[];
  message?: string;
  sendNotification: boolean;
  /** Graph default when omitted is true per the seed; undefined = leave it to Graph. */
  retainInheritedPermissions?: boolean;
}

/** Body of `POST …/createLink`, exactly as sent to Graph. */
export interface CreateLinkBody {
  type?: LinkType;
  scope?: LinkScope;
  expirationDateTime?: string;
  password?: string;
  recipients?: Array<Pick<Recipient, 'email' | 'objectId' | 'alias'>>;
  message?: string;
  sendNotification?: boolean;
  retainInheritedPermissions?: boolean;
}

/** Graph `identitySet` subset used in permissions. */
export interface IdentitySet {
  user?: { id?: string; displayName?: string; email?: string };
  application?: { id?: string; displayName?: string };
  siteUser?: { id?: string; displayName?: string; email?: string; loginName?: string };
}

/** Graph `permission` as returned by createLink / permissions list (the fields the app reads). */
export interface GraphPermission {
  id: string;
  roles?: string[];
  link?: {
    type?: string;
    scope?: string;
    webUrl?: string;
    webHtml?: string;
    preventsDownload?: boolean;
    application?: { id?: string; displayName?: string };
  };
  hasPassword?: boolean;
  expirationDateTime?: string | null;
  grantedToIdentitiesV2?: IdentitySet[];
  grantedToV2?: IdentitySet;
  inheritedFrom?: unknown;
  shareId?: string;
}

/** What actually happened, for the card: Graph's answer interpreted against the request. */
export interface ShareOutcome {
  item: DriveItemInfo;
  permissionId: string;
  webUrl: string;
  /** `<iframe>` HTML for embed links. */
  webHtml?: string;
  /** Type and scope Graph returned (may differ from what was asked). */
  type?: string;
  scope?: string;
  roles: string[];
  preventsDownload: boolean;
  /** 200 from Graph: an existing link of that kind was returned instead of a new one. */
  reused: boolean;
  expiration: {
    requested?: string;
    granted?: string;
    /** Graph granted an earlier date than asked (tenant policy), or one when none was asked. */
    clamped: boolean;
  };
  passwordProtected: boolean;
  /** Recipients Graph was asked to notify by email (only when sendNotification was sent). */
  notified: Recipient[];
  /** Recipients granted access (users-scoped links). */
  grantedTo: Recipient[];
  /** Plain-language differences between request and result, e.g. "You asked for edit; Graph created view". */
  differences: string[];
  /** The same differences as messages, for cards in the person's language. */
  differenceMessages?: DomainMessage[];
  apiVersion: 'v1.0' | 'beta';
  createdAt: string;
  /** "People in this chat": the conversation the recipients came from, and who could not be given the link. */
  audience?: ShareAudience;
}

/** The conversation a "People in this chat / channel / meeting" link was made for, at the time of sharing. */
export interface ShareAudience {
  kind: 'groupChat' | 'meeting' | 'channel' | 'oneOnOne';
  /** Chat topic or channel name; absent for unnamed chats. */
  name?: string;
  /** Display names of the people the link was made for. */
  people: string[];
  /** People of the conversation who cannot open the link, with why. */
  excluded: Array<{ displayName: string; reason: 'noAddress' | 'anonymous' }>;
}

/** Whether one option value can be offered for an item, and if not, why (shown in the dialog). */
/** Available, or not with a reason: English text, and the message cards word in the person's language. */
export interface Availability {
  available: boolean;
  reason?: string;
  reasonMessage?: DomainMessage;
}

export interface OptionAvailability<T extends string = string> {
  value: T;
  available: boolean;
  /** Plain-language reason when unavailable, e.g. "Only for folders in OneDrive for Business and SharePoint". */
  reason?: string;
  /** The same reason as a message cards word in the person's language. */
  reasonMessage?: DomainMessage;
}

/** Everything the options dialog may offer for one item on one drive under the admin policy. */
export interface LinkChoices {
  types: OptionAvailability<LinkType>[];
  scopes: OptionAvailability<LinkScope>[];
  password: Availability;
  recipients: Availability;
  sendNotification: Availability;
  retainInheritedPermissions: Availability;
  /** Latest date the person may pick (admin policy), as YYYY-MM-DD in their time zone; undefined = no limit. */
  maxExpirationDate?: string;
  /** Anonymous links must carry an expiration date (admin policy). */
  expirationRequiredForAnonymous: boolean;
  /** "Use my organization's default link" (omit type and scope). */
  organizationDefault: Availability;
  /** Pairs of an available type and an available scope that still cannot go together. */
  unavailableCombinations?: UnavailableCombination[];
}

/**
 * The app's admin policy as the domain sees it. Same shape as `LinkPolicyConfig` in src/config.ts (declared here so
 * the domain imports nothing from outside), so a config value can be passed as is.
 */
export interface LinkPolicy {
  /** Scopes people may create; empty = all the seed allows. */
  allowedScopes: readonly string[];
  /** Link types people may create; empty = all the seed allows. */
  allowedTypes: readonly string[];
  /** Longest expiration people may choose, in days; 0 = no limit. */
  maxExpirationDays: number;
  /** Anonymous links must carry an expiration date. */
  requireExpirationForAnonymous: boolean;
}

/** A type and scope that are each available but cannot be combined, with the reason (shown in the dialog). */
export interface UnavailableCombination {
  type: LinkType;
  scope: LinkScope;
  reason: string;
  reasonMessage?: DomainMessage;
}

/** Graph API version a createLink call goes to. */
export type GraphApiVersion = 'v1.0' | 'beta';
