/**
 * Which link options can work for an item: the seed's rules per link type, scope, item kind and drive type,
 * then the app's admin policy. Every "no" carries a reason a person can read in the dialog.
 */
import { maxExpirationDate } from './expiration';
import { english, message, type DomainMessage } from './messages';
import {
  LINK_SCOPES,
  LINK_TYPES,
  type DriveItemInfo,
  type DriveType,
  type ItemKind,
  type LinkChoices,
  type LinkPolicy,
  type LinkScope,
  type LinkType,
  type Availability,
  type OptionAvailability,
  type UnavailableCombination,
} from './types';

/** What the rules need to know about an item. */
export type ItemShape = Pick<DriveItemInfo, 'kind' | 'driveType'>;

const OK: Availability = { available: true };
const no = (m: DomainMessage): Availability => ({ available: false, reason: english(m), reasonMessage: m });

function isWorkDrive(driveType: DriveType): boolean {
  return driveType === 'business' || driveType === 'documentLibrary';
}

/** True when a value is one of the eight link types of the seed. */
export function isLinkType(value: unknown): value is LinkType {
  return typeof value === 'string' && (LINK_TYPES as readonly string[]).includes(value);
}

/** True when a value is one of the three scopes of the seed. */
export function isLinkScope(value: unknown): value is LinkScope {
  return typeof value === 'string' && (LINK_SCOPES as readonly string[]).includes(value);
}

/** Whether Graph supports a link type for this item kind on this drive type (seed "Link types"; policy aside). */
export function typeSupport(type: LinkType, kind: ItemKind, driveType: DriveType): Availability {
  const work = isWorkDrive(driveType);
  switch (type) {
    case 'view':
    case 'edit':
      return OK;
    case 'embed':
      return driveType === 'personal' ? OK : no(message('embedPersonalOnly'));
    case 'review':
      if (!work) return no(message('reviewWorkOnly'));
      return kind === 'file' ? OK : no(message('reviewFilesOnly'));
    case 'blocksDownload':
      if (!work) return no(message('blocksDownloadWorkOnly'));
      return kind === 'file' ? OK : no(message('blocksDownloadFilesOnly'));
    case 'createOnly':
      if (!work) return no(message('createOnlyWorkOnly'));
      return kind === 'folder' ? OK : no(message('createOnlyFoldersOnly'));
    case 'addressBar':
      return work ? OK : no(message('addressBarWorkOnly'));
    case 'adminDefault':
      return work ? OK : no(message('adminDefaultWorkOnly'));
  }
}

/** Whether Graph supports a scope on this drive type (seed "Scope types"; policy aside). */
export function scopeSupport(scope: LinkScope, driveType: DriveType): Availability {
  if (scope === 'anonymous') return OK;
  if (isWorkDrive(driveType)) return OK;
  return scope === 'organization' ? no(message('organizationScopePersonal')) : no(message('usersScopeWorkOnly'));
}

/** Whether the admin policy lets people create this link type. */
export function typeAllowedByPolicy(type: LinkType, policy: LinkPolicy): Availability {
  if (policy.allowedTypes.length === 0 || policy.allowedTypes.includes(type)) return OK;
  return no(message('typeNotAllowed', { type: { linkType: type } }));
}

/** Whether the admin policy lets people create links of this scope. */
export function scopeAllowedByPolicy(scope: LinkScope, policy: LinkPolicy): Availability {
  if (policy.allowedScopes.length === 0 || policy.allowedScopes.includes(scope)) return OK;
  return no(scope === 'anonymous' ? message('anonymousNotAllowed') : message('scopeNotAllowed', { scope: { scope } }));
}

/**
 * Scope a link of this type really gets when the body carries no scope: embed links work for anyone (the seed's
 * embed example sends the type alone), and OneDrive personal only has links that work for anyone.
 */
export function impliedScope(type: LinkType, driveType: DriveType): LinkScope | undefined {
  if (type === 'embed' || driveType === 'personal') return 'anonymous';
  return undefined;
}

/** Whether a type and a scope, each possible on their own, can go together on this drive. */
export function combinationSupport(type: LinkType, scope: LinkScope): Availability {
  if (type === 'embed' && scope !== 'anonymous') return no(message('embedAlwaysAnonymous'));
  // microsoft-graph-docs#18585: Graph answers 200 but the listed people get no access. Refuse rather than mislead.
  if (type === 'blocksDownload' && scope === 'users') {
    return no(message('blocksDownloadForUsers'));
  }
  return OK;
}

/** Graph support first (unsupported), then policy (blocked): the availability of one scope for an item. */
export function scopeAvailability(scope: LinkScope, item: ItemShape, policy: LinkPolicy): Availability {
  const support = scopeSupport(scope, item.driveType);
  return support.available ? scopeAllowedByPolicy(scope, policy) : support;
}

/** Availability of one type for an item: supported, allowed, and combinable with at least one available scope. */
export function typeAvailability(type: LinkType, item: ItemShape, policy: LinkPolicy): Availability {
  const support = typeSupport(type, item.kind, item.driveType);
  if (!support.available) return support;
  const allowed = typeAllowedByPolicy(type, policy);
  if (!allowed.available) return allowed;
  const candidates = LINK_SCOPES.filter(
    (s) => scopeSupport(s, item.driveType).available && combinationSupport(type, s).available,
  );
  if (candidates.some((s) => scopeAllowedByPolicy(s, policy).available)) return OK;
  const blocked = scopeAllowedByPolicy(candidates[0] ?? 'anonymous', policy);
  return no(
    candidates.length === 1 && candidates[0] === 'anonymous'
      ? message('typeOnlyAnonymousHere', {
          type: { linkType: type, form: 'capital' },
          reason: { message: blocked.reasonMessage ?? message('optionUnavailable') },
        })
      : message('typeNoAllowedAudience', { type: { linkType: type } }),
  );
}

/**
 * "Use my organization's default link". On OneDrive for Business and SharePoint the body omits type and scope and
 * the tenant decides (seed remark). Because that result cannot be checked beforehand, it is offered only when the
 * admin policy does not restrict types or scopes on this drive. OneDrive personal has no organization: its
 * default is a view link for anyone, sent explicitly (see `organizationDefaultBody`).
 */
export function organizationDefaultAvailability(item: ItemShape, policy: LinkPolicy): Availability {
  if (item.driveType === 'personal') {
    const view = typeAvailability('view', item, policy);
    if (!view.available)
      return no(
        message('personalDefaultImpossible', {
          reason: { message: view.reasonMessage ?? message('optionUnavailable') },
        }),
      );
    return OK;
  }
  const restrictsType = LINK_TYPES.some(
    (t) => typeSupport(t, item.kind, item.driveType).available && !typeAllowedByPolicy(t, policy).available,
  );
  const restrictsScope = LINK_SCOPES.some(
    (s) => scopeSupport(s, item.driveType).available && !scopeAllowedByPolicy(s, policy).available,
  );
  if (restrictsType || restrictsScope) {
    return no(message('organizationDefaultRestricted'));
  }
  return OK;
}

/** Type and scope sent for "organization default": none on work drives, view + anyone on OneDrive personal. */
export function organizationDefaultBody(driveType: DriveType): { type?: LinkType; scope?: LinkScope } {
  return driveType === 'personal' ? { type: 'view', scope: 'anonymous' } : {};
}

/** Passwords: OneDrive personal only (v1.0 docs; business and SharePoint answer 400, anchors B6). */
export function passwordSupport(driveType: DriveType): Availability {
  return driveType === 'personal' ? OK : no(message('passwordPersonalOnly', { drive: { drive: driveType } }));
}

/** Recipients and email notification: OneDrive for Business and SharePoint only (seed, sendNotification). */
export function recipientsSupport(driveType: DriveType): Availability {
  return isWorkDrive(driveType) ? OK : no(message('recipientsWorkOnly'));
}

/** Keeping or dropping inherited permissions: only where items inherit permissions (business, SharePoint). */
export function retainInheritedPermissionsSupport(driveType: DriveType): Availability {
  return isWorkDrive(driveType) ? OK : no(message('inheritedPersonal'));
}

/** Everything the options dialog may offer for this item under the admin policy, with reasons for each "no". */
export function linkChoicesFor(item: ItemShape, policy: LinkPolicy, opts: { today: string }): LinkChoices {
  const types: OptionAvailability<LinkType>[] = LINK_TYPES.map((value) => ({
    value,
    ...typeAvailability(value, item, policy),
  }));
  const scopes: OptionAvailability<LinkScope>[] = LINK_SCOPES.map((value) => ({
    value,
    ...scopeAvailability(value, item, policy),
  }));
  const unavailableCombinations: UnavailableCombination[] = [];
  for (const t of types.filter((x) => x.available)) {
    for (const s of scopes.filter((x) => x.available)) {
      const c = combinationSupport(t.value, s.value);
      if (!c.available) {
        const combination: UnavailableCombination = { type: t.value, scope: s.value, reason: c.reason ?? '' };
        if (c.reasonMessage) combination.reasonMessage = c.reasonMessage;
        unavailableCombinations.push(combination);
      }
    }
  }
  const recipients = recipientsSupport(item.driveType);
  const choices: LinkChoices = {
    types,
    scopes,
    password: passwordSupport(item.driveType),
    recipients,
    sendNotification: { ...recipients },
    retainInheritedPermissions: retainInheritedPermissionsSupport(item.driveType),
    expirationRequiredForAnonymous: policy.requireExpirationForAnonymous,
    organizationDefault: organizationDefaultAvailability(item, policy),
    unavailableCombinations,
  };
  const max = maxExpirationDate(opts.today, policy.maxExpirationDays);
  if (max !== undefined) choices.maxExpirationDate = max;
  return choices;
}
