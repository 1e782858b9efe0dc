/**
 * Turns what the person chose in the dialog (untrusted: it comes back from the client) into the exact createLink
 * body, or a ShareError naming the field and saying what to change.
 *
 * Decisions where the seed is silent:
 * - Recipients are who gets access on a "specific people" link (required there). On "anyone" and "organization"
 *   links they can only be people the link is emailed to (seed example 1: anonymous + recipients +
 *   sendNotification), so there they require sendNotification.
 * - A message only travels in the notification email, so it requires sendNotification.
 * - The admin's maximum expiration limits dates people pick. When an anonymous link needs an expiration and none was
 *   picked, the maximum date is applied (with a notice) if there is one; otherwise the request is refused.
 * - "Organization default" on OneDrive for Business / SharePoint may turn out anonymous, so it counts as anonymous
 *   for requireExpirationForAnonymous.
 */
import type { ShareErrorKind } from './errors';
import { expirationFor, maxExpirationDate, resolveTimeZone, todayIn, type ExpirationResult } from './expiration';
import { message, messageError, type DomainMessage } from './messages';
import {
  combinationSupport,
  impliedScope,
  isLinkScope,
  isLinkType,
  organizationDefaultAvailability,
  organizationDefaultBody,
  passwordSupport,
  recipientsSupport,
  retainInheritedPermissionsSupport,
  scopeAllowedByPolicy,
  scopeSupport,
  typeAllowedByPolicy,
  typeSupport,
  type ItemShape,
} from './rules';
import type {
  Availability,
  CreateLinkBody,
  GraphApiVersion,
  LinkOptions,
  LinkPolicy,
  LinkScope,
  LinkType,
  Recipient,
} from './types';

/** Most people one link may be shared with or emailed to in one go. */
export const MAX_RECIPIENTS = 50;
/** Longest notification message, in characters. */
export const MAX_MESSAGE_LENGTH = 2000;
/** Longest link password, in characters. */
export const MAX_PASSWORD_LENGTH = 256;

const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;
const OBJECT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request as it will be sent, plus what the person should be told about how it was read. */
export interface ValidatedLinkRequest {
  body: CreateLinkBody;
  /** beta when the body uses properties real v1.0 createLink rejects (recipients, sendNotification, message). */
  apiVersion: GraphApiVersion;
  /** Scope the link will have, when known before asking Graph (undefined: the organization's default decides). */
  effectiveScope?: LinkScope;
  expiration?: ExpirationResult;
  /** Plain-language notes, e.g. "Your time zone is not known, so dates are taken as UTC." */
  notices: string[];
}

/** The moment and the person's zone a request is validated at. */
export interface ValidationContext {
  now: number;
  /** Used when options.timeZone is absent. */
  timeZone?: string;
}

function fail(kind: ShareErrorKind, field: string, m: DomainMessage): never {
  throw messageError(kind, m, { field });
}

function demand(a: Availability, kind: ShareErrorKind, field: string): void {
  if (!a.available) fail(kind, field, a.reasonMessage ?? message('optionUnavailable'));
}

/** True when the string is an email address the app accepts for a recipient. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL_PATTERN.test(value);
}

/** Recipients as Graph gets them: {objectId} or {email} only, checked, deduplicated case-insensitively, capped. */
export function normalizeRecipients(
  recipients: readonly Recipient[] | undefined,
): Array<{ email?: string; objectId?: string }> {
  const out: Array<{ email?: string; objectId?: string }> = [];
  const seen = new Set<string>();
  if (recipients !== undefined && recipients !== null && !Array.isArray(recipients))
    fail('invalidRequest', 'recipients', message('recipientsNotAList'));
  for (const r of recipients ?? []) {
    if (r === null || typeof r !== 'object') fail('invalidRequest', 'recipients', message('recipientInvalid'));
    const objectId = typeof r.objectId === 'string' ? r.objectId.trim() : '';
    const email = typeof r.email === 'string' ? r.email.trim() : '';
    let entry: { email?: string; objectId?: string };
    if (objectId) {
      if (!OBJECT_ID_PATTERN.test(objectId)) fail('invalidRequest', 'recipients', message('recipientNotInDirectory'));
      entry = { objectId: objectId.toLowerCase() };
    } else if (email) {
      if (!isEmailAddress(email))
        fail('invalidRequest', 'recipients', message('recipientBadEmail', { email: email.slice(0, 100) }));
      entry = { email };
    } else {
      fail('invalidRequest', 'recipients', message('recipientEmpty'));
    }
    const key = entry.objectId ? `id:${entry.objectId}` : `email:${entry.email!.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  if (out.length > MAX_RECIPIENTS) {
    fail('invalidRequest', 'recipients', message('tooManyRecipients', { max: MAX_RECIPIENTS, count: out.length }));
  }
  return out;
}

/**
 * createLink parameters of Graph v1.0, per the v1.0 OpenAPI description and CSDL (test/contracts/SOURCES.md: the
 * same eight in v1.0 and beta, confirmed by the 2026-08 v1.0 CSDL). Older docs pages called recipients and
 * sendNotification beta-only; the service description is what the endpoint accepts.
 */
export const V1_CREATE_LINK_PARAMETERS: readonly string[] = [
  'type',
  'scope',
  'expirationDateTime',
  'password',
  'message',
  'recipients',
  'retainInheritedPermissions',
  'sendNotification',
];

/** API version a body needs: v1.0 unless it uses a parameter v1.0 does not describe (then beta). */
export function apiVersionFor(body: CreateLinkBody): GraphApiVersion {
  return Object.keys(body).every((k) => V1_CREATE_LINK_PARAMETERS.includes(k)) ? 'v1.0' : 'beta';
}

/** The dialog's choices → the exact createLink body, or a ShareError (field + message) for any impossible combination. */
export function validateLinkRequest(
  item: ItemShape,
  options: LinkOptions,
  policy: LinkPolicy,
  ctx: ValidationContext,
): ValidatedLinkRequest {
  const notices: string[] = [];
  const driveType = item.driveType;
  const orgDefault = options.useOrganizationDefault === true;
  const rawType: unknown = options.type;
  const rawScope: unknown = options.scope;
  const hasType = rawType !== undefined && rawType !== null && rawType !== '';
  const hasScope = rawScope !== undefined && rawScope !== null && rawScope !== '';

  // Type and scope.
  let type: LinkType | undefined;
  let scope: LinkScope | undefined;
  let effectiveScope: LinkScope | undefined;
  if (orgDefault) {
    if (hasType || hasScope) {
      fail('invalidRequest', hasType ? 'type' : 'scope', message('defaultAndChoice'));
    }
    demand(organizationDefaultAvailability(item, policy), 'policyBlocked', 'useOrganizationDefault');
    ({ type, scope } = organizationDefaultBody(driveType));
    effectiveScope = scope;
  } else {
    if (!hasType) fail('invalidRequest', 'type', message('typeMissing'));
    if (!isLinkType(rawType)) fail('invalidRequest', 'type', message('typeUnknown'));
    type = rawType;
    if (hasScope && !isLinkScope(rawScope)) fail('invalidRequest', 'scope', message('scopeUnknown'));
    const chosen = hasScope ? (rawScope as LinkScope) : impliedScope(type, driveType);
    // What Graph cannot do is reported before what the administrator forbids: changing the policy would not help.
    demand(typeSupport(type, item.kind, driveType), 'unsupported', 'type');
    if (chosen) demand(scopeSupport(chosen, driveType), 'unsupported', 'scope');
    if (chosen) demand(combinationSupport(type, chosen), 'unsupported', 'scope');
    demand(typeAllowedByPolicy(type, policy), 'policyBlocked', 'type');
    if (!chosen) fail('invalidRequest', 'scope', message('scopeMissing'));
    demand(scopeAllowedByPolicy(chosen, policy), 'policyBlocked', 'scope');
    effectiveScope = chosen;
    // The seed's embed example sends the type alone; every other link names its scope (anchors B12: a lone type fails).
    scope = type === 'embed' ? undefined : chosen;
  }
  const mayBeAnonymous = effectiveScope === undefined || effectiveScope === 'anonymous';

  // Password.
  let password: string | undefined;
  if (options.password !== undefined && options.password !== null && options.password !== '') {
    if (typeof options.password !== 'string') fail('invalidRequest', 'password', message('passwordNotText'));
    demand(passwordSupport(driveType), 'unsupported', 'password');
    if (options.password.trim() === '') fail('invalidRequest', 'password', message('passwordBlank'));
    if (options.password.length > MAX_PASSWORD_LENGTH)
      fail('invalidRequest', 'password', message('passwordTooLong', { max: MAX_PASSWORD_LENGTH }));
    if (/\p{Cc}/u.test(options.password)) fail('invalidRequest', 'password', message('passwordControlCharacters'));
    password = options.password;
  }

  // Recipients, notification, message.
  const recipients = normalizeRecipients(options.recipients);
  const sendNotification = options.sendNotification === true;
  if (recipients.length > 0) demand(recipientsSupport(driveType), 'unsupported', 'recipients');
  if (sendNotification) demand(recipientsSupport(driveType), 'unsupported', 'sendNotification');
  if (effectiveScope === 'users' && recipients.length === 0) {
    fail('invalidRequest', 'recipients', message('usersNeedRecipients'));
  }
  if (sendNotification && recipients.length === 0)
    fail('invalidRequest', 'sendNotification', message('notificationNeedsRecipients'));
  if (recipients.length > 0 && effectiveScope !== 'users' && !sendNotification) {
    fail(
      'invalidRequest',
      'recipients',
      effectiveScope
        ? message('recipientsNeedEmail', { scope: { scope: effectiveScope } })
        : message('recipientsNeedEmailDefault'),
    );
  }
  let text: string | undefined;
  if (typeof options.message === 'string' && options.message.trim() !== '') {
    text = options.message.trim();
    if (!sendNotification) fail('invalidRequest', 'message', message('messageNeedsEmail'));
    if (text.length > MAX_MESSAGE_LENGTH)
      fail('invalidRequest', 'message', message('messageTooLong', { max: MAX_MESSAGE_LENGTH, count: text.length }));
  }

  // Inherited permissions.
  let retainInheritedPermissions: boolean | undefined;
  if (options.retainInheritedPermissions !== undefined && options.retainInheritedPermissions !== null) {
    if (typeof options.retainInheritedPermissions !== 'boolean')
      fail('invalidRequest', 'retainInheritedPermissions', message('inheritedNotChosen'));
    demand(retainInheritedPermissionsSupport(driveType), 'unsupported', 'retainInheritedPermissions');
    retainInheritedPermissions = options.retainInheritedPermissions;
  }

  // Expiration.
  const zoneName = options.timeZone || ctx.timeZone;
  let expiration: ExpirationResult | undefined;
  if (typeof options.expirationDate === 'string' && options.expirationDate.trim() !== '') {
    expiration = expirationFor(options.expirationDate, {
      now: ctx.now,
      timeZone: zoneName,
      maxExpirationDays: policy.maxExpirationDays,
    });
  } else if (
    options.expirationDate !== undefined &&
    options.expirationDate !== null &&
    typeof options.expirationDate !== 'string'
  ) {
    fail('invalidRequest', 'expirationDate', message('expirationNotADate'));
  } else if (policy.requireExpirationForAnonymous && mayBeAnonymous) {
    const zone = resolveTimeZone(zoneName);
    const max = maxExpirationDate(todayIn(zone.timeZone, ctx.now), policy.maxExpirationDays);
    if (max === undefined) {
      fail(
        'policyBlocked',
        'expirationDate',
        effectiveScope === 'anonymous' ? message('expirationRequiredAnonymous') : message('expirationRequiredDefault'),
      );
    }
    expiration = expirationFor(max, {
      now: ctx.now,
      timeZone: zone.timeZone,
      maxExpirationDays: policy.maxExpirationDays,
    });
    notices.push(
      `Your administrator requires this link to expire, so it will expire at the end of the latest allowed day (${max}).`,
    );
  }
  if (expiration?.notice) notices.push(expiration.notice);

  const body: CreateLinkBody = {};
  if (type !== undefined) body.type = type;
  if (scope !== undefined) body.scope = scope;
  if (expiration) body.expirationDateTime = expiration.expirationDateTime;
  if (password !== undefined) body.password = password;
  if (recipients.length > 0) body.recipients = recipients;
  if (text !== undefined) body.message = text;
  if (sendNotification) body.sendNotification = true;
  if (retainInheritedPermissions !== undefined) body.retainInheritedPermissions = retainInheritedPermissions;

  const result: ValidatedLinkRequest = { body, apiVersion: apiVersionFor(body), notices };
  if (effectiveScope !== undefined) result.effectiveScope = effectiveScope;
  if (expiration) result.expiration = expiration;
  return result;
}
