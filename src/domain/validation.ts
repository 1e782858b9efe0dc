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
import { ShareError, type ShareErrorKind } from './errors';
import { expirationFor, maxExpirationDate, resolveTimeZone, todayIn, type ExpirationResult } from './expiration';
import { LINK_SCOPE_LABELS } from './labels';
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
  type Availability,
  type ItemShape,
} from './rules';
import type { CreateLinkBody, GraphApiVersion, LinkOptions, LinkPolicy, LinkScope, LinkType, Recipient } from './types';

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

function fail(kind: ShareErrorKind, field: string, message: string): never {
  throw new ShareError(kind, message, { field });
}

function demand(a: Availability, kind: ShareErrorKind, field: string): void {
  if (!a.available) fail(kind, field, a.reason ?? 'This option is not available.');
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
    fail('invalidRequest', 'recipients', 'The list of people is not valid. Add the people again.');
  for (const r of recipients ?? []) {
    if (r === null || typeof r !== 'object')
      fail('invalidRequest', 'recipients', 'One of the people is not valid. Remove it and add the person again.');
    const objectId = typeof r.objectId === 'string' ? r.objectId.trim() : '';
    const email = typeof r.email === 'string' ? r.email.trim() : '';
    let entry: { email?: string; objectId?: string };
    if (objectId) {
      if (!OBJECT_ID_PATTERN.test(objectId))
        fail(
          'invalidRequest',
          'recipients',
          'One of the people picked is not a valid directory entry. Pick them again.',
        );
      entry = { objectId: objectId.toLowerCase() };
    } else if (email) {
      if (!isEmailAddress(email))
        fail('invalidRequest', 'recipients', `"${email.slice(0, 100)}" is not a valid email address.`);
      entry = { email };
    } else {
      fail(
        'invalidRequest',
        'recipients',
        'Each person needs an email address or must be picked from your organization.',
      );
    }
    const key = entry.objectId ? `id:${entry.objectId}` : `email:${entry.email!.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  if (out.length > MAX_RECIPIENTS) {
    fail(
      'invalidRequest',
      'recipients',
      `You can add at most ${MAX_RECIPIENTS} people to one link; you added ${out.length}. Share with a group instead.`,
    );
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
      fail(
        'invalidRequest',
        hasType ? 'type' : 'scope',
        "Choose either your organization's default link, or a link type and who it works for, not both.",
      );
    }
    demand(organizationDefaultAvailability(item, policy), 'policyBlocked', 'useOrganizationDefault');
    ({ type, scope } = organizationDefaultBody(driveType));
    effectiveScope = scope;
  } else {
    if (!hasType) fail('invalidRequest', 'type', "Choose a link type, or use your organization's default link.");
    if (!isLinkType(rawType))
      fail('invalidRequest', 'type', 'That link type does not exist. Choose one from the list.');
    type = rawType;
    if (hasScope && !isLinkScope(rawScope))
      fail('invalidRequest', 'scope', 'That audience does not exist. Choose who the link works for from the list.');
    const chosen = hasScope ? (rawScope as LinkScope) : impliedScope(type, driveType);
    // What Graph cannot do is reported before what the administrator forbids: changing the policy would not help.
    demand(typeSupport(type, item.kind, driveType), 'unsupported', 'type');
    if (chosen) demand(scopeSupport(chosen, driveType), 'unsupported', 'scope');
    if (chosen) demand(combinationSupport(type, chosen), 'unsupported', 'scope');
    demand(typeAllowedByPolicy(type, policy), 'policyBlocked', 'type');
    if (!chosen) fail('invalidRequest', 'scope', 'Choose who the link works for.');
    demand(scopeAllowedByPolicy(chosen, policy), 'policyBlocked', 'scope');
    effectiveScope = chosen;
    // The seed's embed example sends the type alone; every other link names its scope (anchors B12: a lone type fails).
    scope = type === 'embed' ? undefined : chosen;
  }
  const mayBeAnonymous = effectiveScope === undefined || effectiveScope === 'anonymous';

  // Password.
  let password: string | undefined;
  if (options.password !== undefined && options.password !== null && options.password !== '') {
    if (typeof options.password !== 'string') fail('invalidRequest', 'password', 'The password must be text.');
    demand(passwordSupport(driveType), 'unsupported', 'password');
    if (options.password.trim() === '') fail('invalidRequest', 'password', 'The password cannot be only spaces.');
    if (options.password.length > MAX_PASSWORD_LENGTH)
      fail('invalidRequest', 'password', `The password can be at most ${MAX_PASSWORD_LENGTH} characters long.`);
    if (/\p{Cc}/u.test(options.password))
      fail('invalidRequest', 'password', 'The password contains characters that cannot be typed (control characters).');
    password = options.password;
  }

  // Recipients, notification, message.
  const recipients = normalizeRecipients(options.recipients);
  const sendNotification = options.sendNotification === true;
  if (recipients.length > 0) demand(recipientsSupport(driveType), 'unsupported', 'recipients');
  if (sendNotification) demand(recipientsSupport(driveType), 'unsupported', 'sendNotification');
  if (effectiveScope === 'users' && recipients.length === 0) {
    fail(
      'invalidRequest',
      'recipients',
      'Add at least one person: a link for specific people works only for the people you add.',
    );
  }
  if (sendNotification && recipients.length === 0)
    fail('invalidRequest', 'sendNotification', 'Add the people to email the link to, or turn off the email.');
  if (recipients.length > 0 && effectiveScope !== 'users' && !sendNotification) {
    const who = effectiveScope ? LINK_SCOPE_LABELS[effectiveScope] : "whoever your organization's default link allows";
    fail(
      'invalidRequest',
      'recipients',
      `This link already works for ${who}; the people you added would only get it by email. Turn on the email or remove them.`,
    );
  }
  let message: string | undefined;
  if (typeof options.message === 'string' && options.message.trim() !== '') {
    message = options.message.trim();
    if (!sendNotification)
      fail(
        'invalidRequest',
        'message',
        'A message is sent only with the email. Turn on the email or clear the message.',
      );
    if (message.length > MAX_MESSAGE_LENGTH)
      fail(
        'invalidRequest',
        'message',
        `The message can be at most ${MAX_MESSAGE_LENGTH} characters long; it has ${message.length}.`,
      );
  }

  // Inherited permissions.
  let retainInheritedPermissions: boolean | undefined;
  if (options.retainInheritedPermissions !== undefined && options.retainInheritedPermissions !== null) {
    if (typeof options.retainInheritedPermissions !== 'boolean')
      fail('invalidRequest', 'retainInheritedPermissions', 'Choose whether to keep existing permissions.');
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
    fail(
      'invalidRequest',
      'expirationDate',
      'The expiration date is not a valid date. Pick a day from the calendar (YYYY-MM-DD).',
    );
  } else if (policy.requireExpirationForAnonymous && mayBeAnonymous) {
    const zone = resolveTimeZone(zoneName);
    const max = maxExpirationDate(todayIn(zone.timeZone, ctx.now), policy.maxExpirationDays);
    if (max === undefined) {
      fail(
        'policyBlocked',
        'expirationDate',
        effectiveScope === 'anonymous'
          ? 'Your administrator requires links that work for anyone to expire. Pick an expiration date.'
          : "Your administrator requires links that may work for anyone to expire, and your organization's default link may be one. Pick an expiration date.",
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
  if (message !== undefined) body.message = message;
  if (sendNotification) body.sendNotification = true;
  if (retainInheritedPermissions !== undefined) body.retainInheritedPermissions = retainInheritedPermissions;

  const result: ValidatedLinkRequest = { body, apiVersion: apiVersionFor(body), notices };
  if (effectiveScope !== undefined) result.effectiveScope = effectiveScope;
  if (expiration) result.expiration = expiration;
  return result;
}
