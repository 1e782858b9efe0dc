import { randomBytes } from 'node:crypto';
import { GraphError, accessDenied, invalidRequest, notSupported } from './errors';
import {
  isExpired,
  roleAllows,
  type DriveState,
  type DriveStore,
  type ItemState,
  type ResolvedRecipient,
  type StoredPermission,
} from './store';

export const LINK_TYPES = [
  'view',
  'review',
  'edit',
  'embed',
  'blocksDownload',
  'createOnly',
  'addressBar',
  'adminDefault',
];
export const LINK_SCOPES = ['anonymous', 'organization', 'users'];

/** The eight createLink parameters (v1.0 and beta alike, per test/contracts/SOURCES.md). */
export const CREATE_LINK_PROPERTIES = [
  'type',
  'scope',
  'expirationDateTime',
  'password',
  'message',
  'recipients',
  'retainInheritedPermissions',
  'sendNotification',
];
const RECIPIENT_PROPERTIES = ['email', 'objectId', 'alias', '@odata.type'];

/** Types that only OneDrive for Business and SharePoint know. */
const BUSINESS_ONLY_TYPES = ['review', 'blocksDownload', 'createOnly', 'addressBar', 'adminDefault'];
const FILE_ONLY_TYPES = ['review', 'blocksDownload'];
const FOLDER_ONLY_TYPES = ['createOnly'];

/** Same ISO-8601 shape the Graph description puts on `expirationDateTime`. */
const ISO_DATE_TIME =
  /^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$/;

export interface RecipientInput {
  email?: string;
  objectId?: string;
  alias?: string;
}

/** A createLink body after type checks; null values count as omitted. */
export interface CreateLinkRequest {
  type?: string;
  scope?: string;
  expirationDateTime?: string;
  password?: string;
  message?: string;
  recipients?: RecipientInput[];
  retainInheritedPermissions?: boolean;
  sendNotification?: boolean;
}

/** A "sent" sharing e-mail. */
export interface OutboxRecord {
  to: string;
  from: string;
  itemName: string;
  webUrl: string;
  message?: string;
  at: string;
}

export interface CreateLinkContext {
  store: DriveStore;
  drive: DriveState;
  item: ItemState;
  caller: { userId: string; tenantId: string; appId: string };
  /** Display name of the calling application (link.application.displayName). */
  appDisplayName: string;
  now: Date;
}

export interface CreateLinkResult {
  status: 200 | 201;
  permission: StoredPermission;
  notifications: OutboxRecord[];
}

function optionalOf(body: Record<string, unknown>, key: string, type: 'string' | 'boolean'): unknown {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type)
    throw invalidRequest(
      `Invalid value for parameter '${key}': expected a ${type === 'string' ? 'String' : 'Boolean'}.`,
    );
  return v;
}

/** Checks a createLink body's shape and value sets (400 invalidRequest for anything Graph would refuse to bind). */
export function parseCreateLinkBody(body: unknown): CreateLinkRequest {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!CREATE_LINK_PROPERTIES.includes(key)) {
      throw invalidRequest(
        `The parameter '${key}' in the request payload is not a valid parameter for the operation 'createLink'.`,
      );
    }
  }
  const out: CreateLinkRequest = {
    type: optionalOf(b, 'type', 'string') as string | undefined,
    scope: optionalOf(b, 'scope', 'string') as string | undefined,
    expirationDateTime: optionalOf(b, 'expirationDateTime', 'string') as string | undefined,
    password: optionalOf(b, 'password', 'string') as string | undefined,
    message: optionalOf(b, 'message', 'string') as string | undefined,
    retainInheritedPermissions: optionalOf(b, 'retainInheritedPermissions', 'boolean') as boolean | undefined,
    sendNotification: optionalOf(b, 'sendNotification', 'boolean') as boolean | undefined,
  };
  if (out.type !== undefined && !LINK_TYPES.includes(out.type)) {
    throw invalidRequest(`Invalid value '${out.type}' for parameter 'type'. Allowed: ${LINK_TYPES.join(', ')}.`);
  }
  if (out.scope !== undefined && !LINK_SCOPES.includes(out.scope)) {
    throw invalidRequest(`Invalid value '${out.scope}' for parameter 'scope'. Allowed: ${LINK_SCOPES.join(', ')}.`);
  }
  if (b.recipients !== undefined && b.recipients !== null) {
    if (!Array.isArray(b.recipients))
      throw invalidRequest("Invalid value for parameter 'recipients': expected a collection of driveRecipient.");
    out.recipients = b.recipients.map((r, i) => parseRecipient(r, i));
  }
  return out;
}

function parseRecipient(r: unknown, i: number): RecipientInput {
  if (typeof r !== 'object' || r === null || Array.isArray(r))
    throw invalidRequest(`recipients[${i}] must be a driveRecipient object.`);
  const o = r as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!RECIPIENT_PROPERTIES.includes(key))
      throw invalidRequest(`The property '${key}' does not exist on type 'microsoft.graph.driveRecipient'.`);
    if (o[key] !== null && typeof o[key] !== 'string')
      throw invalidRequest(`recipients[${i}].${key} must be a String.`);
  }
  const out: RecipientInput = {};
  for (const key of ['email', 'objectId', 'alias'] as const)
    if (typeof o[key] === 'string' && o[key]) out[key] = o[key] as string;
  if (!out.email && !out.objectId && !out.alias)
    throw invalidRequest(`recipients[${i}] needs an email, objectId or alias.`);
  return out;
}

/** The role a link type grants. */
export function rolesFor(type: string): string[] {
  return type === 'edit' || type === 'createOnly' ? ['write'] : ['read'];
}

/** Turns an omitted type and/or scope into what the organization's default link policy gives (documented in README). */
function resolveTypeAndScope(req: CreateLinkRequest, drive: DriveState): { type: string; scope: string } {
  const policy = drive.tenant.policy.defaultLink;
  const personal = drive.seed.driveType === 'personal';
  const defaultScope = personal ? 'anonymous' : policy.scope;
  let type = req.type ?? policy.type;
  if (personal && !['view', 'edit', 'embed'].includes(type) && req.type === undefined) type = 'view';
  const scope = req.scope ?? defaultScope;
  // adminDefault: the link the administrator configured; Graph answers with the resulting kind.
  if (type === 'adminDefault' && !personal) type = policy.type;
  return { type, scope };
}

function checkDriveRules(type: string, scope: string, drive: DriveState, item: ItemState): void {
  const personal = drive.seed.driveType === 'personal';
  if (personal && BUSINESS_ONLY_TYPES.includes(type)) {
    throw invalidRequest(`The link type '${type}' is only available in OneDrive for Business and SharePoint.`);
  }
  if (!personal && type === 'embed')
    throw invalidRequest(
      "Link type must be either 'edit' or 'view'. Embed links are only supported on OneDrive personal.",
    );
  if (personal && scope !== 'anonymous')
    throw invalidRequest(`The scope '${scope}' is only available in OneDrive for Business and SharePoint.`);
  if (FILE_ONLY_TYPES.includes(type) && item.folder)
    throw invalidRequest(`The link type '${type}' is only available for files.`);
  if (FOLDER_ONLY_TYPES.includes(type) && item.file)
    throw invalidRequest(`The link type '${type}' is only available for folders.`);
}

/** Checks and normalises expirationDateTime: ISO-8601, in the future, clamped to the tenant maximum. */
function resolveExpiration(value: string | undefined, drive: DriveState, now: Date): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(ms)) {
    throw invalidRequest(
      `The expirationDateTime '${value}' is not a valid ISO 8601 date and time (yyyy-MM-ddTHH:mm:ssZ).`,
    );
  }
  if (ms <= now.getTime()) throw invalidRequest('The expiration date must be in the future.');
  const maxDays = drive.tenant.policy.maxExpirationDays;
  const max = now.getTime() + maxDays * 86_400_000;
  const effective = maxDays > 0 && ms > max ? max : ms;
  return new Date(Math.floor(effective / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function checkPassword(password: string | undefined, scope: string, drive: DriveState): void {
  if (password === undefined) return;
  if (password === '') throw invalidRequest('The password must not be empty.');
  if (drive.seed.driveType === 'personal') return;
  if (!drive.tenant.policy.passwordOnBusinessLinks) {
    throw invalidRequest(
      'Password-protected links are not supported for OneDrive for Business and SharePoint in this organization.',
    );
  }
  if (scope !== 'anonymous') throw invalidRequest("A password can only be set on links with scope 'anonymous'.");
}

/** Resolves driveRecipients against the directory: known people by mail/UPN, objectId or alias; other e-mails are guests. */
function resolveRecipients(store: DriveStore, drive: DriveState, inputs: RecipientInput[]): ResolvedRecipient[] {
  const out = new Map<string, ResolvedRecipient>();
  for (const r of inputs) {
    let found: ResolvedRecipient | undefined;
    if (r.objectId) {
      const u = store.user(r.objectId);
      if (!u || u.tenantId !== drive.seed.tenantId)
        throw invalidRequest(`The recipient with objectId '${r.objectId}' could not be found in the directory.`);
      found = { userId: u.id, displayName: u.displayName, email: u.mail };
    } else if (r.email) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(r.email))
        throw invalidRequest(`'${r.email}' is not a valid e-mail address.`);
      const u = store.data.users.find((x) =>
        [x.mail, x.userPrincipalName].some((m) => m.toLowerCase() === r.email!.toLowerCase()),
      );
      found = u
        ? { userId: u.id, displayName: u.displayName, email: u.mail }
        : { displayName: r.email, email: r.email.toLowerCase() };
    } else {
      const alias = r.alias!.toLowerCase();
      const u = store.data.users.find(
        (x) => x.tenantId === drive.seed.tenantId && x.mail.toLowerCase().split('@')[0] === alias,
      );
      const g = store.data.groups.find(
        (x) => x.tenantId === drive.seed.tenantId && x.mailNickname.toLowerCase() === alias,
      );
      if (u) found = { userId: u.id, displayName: u.displayName, email: u.mail };
      else if (g) found = { displayName: g.displayName, email: g.mail };
      else throw invalidRequest(`The recipient with alias '${r.alias}' could not be found in the directory.`);
    }
    out.set(found.email.toLowerCase(), found);
  }
  return [...out.values()];
}

function recipientKey(recipients: ResolvedRecipient[] | undefined): string {
  return (recipients ?? [])
    .map((r) => r.email.toLowerCase())
    .sort()
    .join(';');
}

function newId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Applies every createLink rule to one item; returns 201 with a new permission or 200 with the app's existing one. */
export function createLink(ctx: CreateLinkContext, req: CreateLinkRequest): CreateLinkResult {
  const { store, drive, item, caller, now } = ctx;
  const role = store.roleOf(drive, item, caller.userId, caller.tenantId);
  if (!roleAllows(role, 'write')) throw accessDenied('The caller does not have permission to share this item.');
  if (item.parentId === null && drive.seed.driveType !== 'personal') {
    throw notSupported('The operation failed because the object does not support sharing.');
  }
  const { type, scope } = resolveTypeAndScope(req, drive);
  checkDriveRules(type, scope, drive, item);
  checkPassword(req.password, scope, drive);
  const expirationDateTime = resolveExpiration(req.expirationDateTime, drive, now);
  const recipients = req.recipients?.length ? resolveRecipients(store, drive, req.recipients) : [];
  if (scope === 'users' && recipients.length === 0)
    throw invalidRequest("Links with scope 'users' need at least one recipient.");
  if (req.sendNotification) {
    if (drive.seed.driveType === 'personal')
      throw invalidRequest('sendNotification is only supported for OneDrive for Business and SharePoint.');
    if (recipients.length === 0) throw invalidRequest('sendNotification requires at least one recipient.');
  }
  if (scope === 'anonymous' && !drive.tenant.policy.anonymousLinksEnabled) {
    const message = 'Sharing by link is not enabled for anyone links in this organization.';
    throw new GraphError(403, 'accessDenied', message, { 'SharePoint-CreateSharingLink-Error': message });
  }

  const key = scope === 'users' ? recipientKey(recipients) : '';
  const existing = item.permissions.find(
    (p) =>
      p.link &&
      p.link.type === type &&
      p.link.scope === scope &&
      p.link.application.id === caller.appId &&
      (scope !== 'users' || recipientKey(p.recipients) === key) &&
      !isExpired(p, now.getTime()),
  );
  let status: 200 | 201 = 200;
  let permission = existing;
  if (!permission) {
    status = 201;
    if (!item.sharedOnce && req.retainInheritedPermissions === false) store.breakInheritance(drive, item, caller);
    const token = (drive.seed.driveType === 'personal' ? '' : 'E') + newId(24);
    const webUrl = store.linkUrl(drive, item, type, token);
    permission = {
      id: newId(18),
      roles: rolesFor(type),
      link: {
        type,
        scope,
        token,
        webUrl,
        webHtml:
          type === 'embed'
            ? `<iframe src="${webUrl}" width="98" height="120" frameborder="0" scrolling="no"></iframe>`
            : undefined,
        preventsDownload: type === 'blocksDownload',
        application: { id: caller.appId, displayName: ctx.appDisplayName },
      },
      hasPassword: req.password !== undefined,
      expirationDateTime,
      recipients: scope === 'users' ? recipients : undefined,
    };
    item.permissions.push(permission);
    item.sharedOnce = true;
  }
  const sharer = store.user(caller.userId);
  const notifications: OutboxRecord[] = req.sendNotification
    ? recipients.map((r) => ({
        to: r.email,
        from: sharer?.mail ?? caller.userId,
        itemName: item.name,
        webUrl: permission!.link!.webUrl,
        message: req.message,
        at: now.toISOString(),
      }))
    : [];
  return { status, permission, notifications };
}
