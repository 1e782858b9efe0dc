/**
 * What the domain tells a person (why an option is unavailable, what is wrong with a field, how the link differs
 * from the request), as a key plus parameters, so that cards can say it in the person's language. The English
 * texts live here, next to the rules that produce them; other languages translate the same keys in
 * src/cards/strings/<lang>.json under "domain" (a test checks that every language has every key).
 */
import { ShareError, type ShareErrorDetails, type ShareErrorKind } from './errors';
import { formatDateLabel, formatExpirationDay } from './expiration';
import { DRIVE_TYPE_LABELS, linkScopeLabel, linkTypeLabel, withArticle } from './labels';
import type { DriveType } from './types';

/** The English text of every domain message; `{name}` is filled from the message's params. */
export const DOMAIN_MESSAGES = {
  // Link types, scopes and options per drive and item (rules.ts).
  embedPersonalOnly: 'Embed links work only in OneDrive personal.',
  reviewWorkOnly: 'Review links are available only for files in OneDrive for Business and SharePoint.',
  reviewFilesOnly: 'Review links work on files only, not on folders.',
  blocksDownloadWorkOnly:
    'Links that block downloads are available only for files in OneDrive for Business and SharePoint.',
  blocksDownloadFilesOnly: 'Links that block downloads work on files only, not on folders.',
  createOnlyWorkOnly: 'Upload-only links are available only for folders in OneDrive for Business and SharePoint.',
  createOnlyFoldersOnly: 'Upload-only links work on folders only.',
  addressBarWorkOnly: 'Address bar links are available only in OneDrive for Business and SharePoint.',
  adminDefaultWorkOnly: "Your administrator's default link is available only in OneDrive for Business and SharePoint.",
  organizationScopePersonal:
    'OneDrive personal has no organization: links for people in your organization need OneDrive for Business or SharePoint.',
  usersScopeWorkOnly: 'Links for specific people are available only in OneDrive for Business and SharePoint.',
  typeNotAllowed: 'Your administrator does not allow {type} links.',
  anonymousNotAllowed: 'Your administrator does not allow anonymous links (links that work for anyone).',
  scopeNotAllowed: 'Your administrator does not allow links for {scope}.',
  embedAlwaysAnonymous: 'Embed links always work for anyone with the link.',
  blocksDownloadForUsers:
    'Links that block downloads do not give specific people access (a known Graph problem). Choose a view link for specific people.',
  typeOnlyAnonymousHere: '{type} links here work only for anyone with the link. {reason}',
  typeNoAllowedAudience: 'No audience your administrator allows works with {type} links.',
  personalDefaultImpossible:
    'The default link in OneDrive personal is a view link for anyone, which is not possible: {reason}',
  organizationDefaultRestricted:
    "Your administrator limits which links can be made, and your organization's default link might not respect that. Choose the link type and who it works for.",
  passwordPersonalOnly: 'Passwords can be set only on OneDrive personal links; {drive} does not accept them here.',
  recipientsWorkOnly: 'Adding people and emailing them the link work only in OneDrive for Business and SharePoint.',
  inheritedPersonal: 'Items in OneDrive personal have no inherited permissions to keep or remove.',
  optionUnavailable: 'This option is not available.',

  // The share journal (share/shareService.ts): Graph's answer lost, or nowhere to write the intent.
  answerLost:
    "Microsoft 365's answer did not arrive complete, so it is not certain the link was created. Try again in a moment: if it was, you get the same link, and it is listed under My shared links.",
  shareLogUnavailable:
    'Share Link cannot keep a record of links right now, so it did not create one. Try again in a few minutes.',

  // The dialog's fields (validation.ts, expiration.ts, bot/options.ts).
  recipientsNotAList: 'The list of people is not valid. Add the people again.',
  recipientInvalid: 'One of the people is not valid. Remove it and add the person again.',
  recipientNotInDirectory: 'One of the people picked is not a valid directory entry. Pick them again.',
  recipientBadEmail: '"{email}" is not a valid email address.',
  recipientEmpty: 'Each person needs an email address or must be picked from your organization.',
  tooManyRecipients: 'You can add at most {max} people to one link; you added {count}. Share with a group instead.',
  defaultAndChoice: "Choose either your organization's default link, or a link type and who it works for, not both.",
  typeMissing: "Choose a link type, or use your organization's default link.",
  typeUnknown: 'That link type does not exist. Choose one from the list.',
  typeNotOffered: 'Choose one of the link types offered.',
  scopeUnknown: 'That audience does not exist. Choose who the link works for from the list.',
  scopeNotOffered: 'Choose who the link works for from the list.',
  scopeMissing: 'Choose who the link works for.',
  pickPeople: 'Pick people from the people picker.',
  passwordNotText: 'The password must be text.',
  passwordBlank: 'The password cannot be only spaces.',
  passwordTooLong: 'The password can be at most {max} characters long.',
  passwordControlCharacters: 'The password contains characters that cannot be typed (control characters).',
  usersNeedRecipients: 'Add at least one person: a link for specific people works only for the people you add.',
  notificationNeedsRecipients: 'Add the people to email the link to, or turn off the email.',
  recipientsNeedEmail:
    'This link already works for {scope}; the people you added would only get it by email. Turn on the email or remove them.',
  recipientsNeedEmailDefault:
    "This link already works for whoever your organization's default link allows; the people you added would only get it by email. Turn on the email or remove them.",
  messageNeedsEmail: 'A message is sent only with the email. Turn on the email or clear the message.',
  messageTooLong: 'The message can be at most {max} characters long; it has {count}.',
  inheritedNotChosen: 'Choose whether to keep existing permissions.',
  expirationNotADate: 'The expiration date is not a valid date. Pick a day from the calendar (YYYY-MM-DD).',
  expirationInPast: 'The expiration date is in the past. Pick today or a later day.',
  expirationTooLate: 'Your administrator allows links to last at most {days} days. Pick {date} or earlier.',
  expirationRequiredAnonymous:
    'Your administrator requires links that work for anyone to expire. Pick an expiration date.',
  expirationRequiredDefault:
    "Your administrator requires links that may work for anyone to expire, and your organization's default link may be one. Pick an expiration date.",

  // How the link Graph returned differs from the request (interpret.ts).
  typeDiffersCreated: 'You asked for {requested} link; Graph created {got} link.',
  typeDiffersReused: 'You asked for {requested} link; Graph returned an existing {got} link.',
  scopeDiffersCreated: 'You asked for a link for {requested}; Graph created a link for {got}.',
  scopeDiffersReused: 'You asked for a link for {requested}; Graph returned an existing link for {got}.',
  expirationShortened: "Expiration shortened to {granted} by your organization's policy (you asked for {requested}).",
  expirationLater: 'The link expires on {granted}, later than the {requested} you asked for.',
  expirationByPolicy: "The link expires on {granted}: your organization's policy sets an expiration.",
  expirationMissingCreated: 'You asked for the link to expire on {requested}, but Graph set no expiration.',
  expirationMissingReused:
    'You asked for the link to expire on {requested}, but the existing link Graph returned has no expiration.',
  passwordMissingCreated: 'You set a password, but the link Graph created is not password-protected.',
  passwordMissingReused: 'You set a password, but the existing link Graph returned is not password-protected.',
  passwordSetEarlier: 'This link is protected by a password that was set earlier, not in this request.',
  notGranted: 'Graph does not list {names} as having access to this link.',
} as const;

export type DomainMessageKey = keyof typeof DOMAIN_MESSAGES;

/**
 * A parameter: plain text or a number, or a value each language words itself: a link type (English: with an
 * article or capitalized where the sentence needs it), a scope, a drive, an instant shown as a day in a zone,
 * a calendar date, a list of names or addresses, or a nested message.
 */
export type DomainMessageParam =
  | string
  | number
  | { linkType: string; form?: 'plain' | 'article' | 'capital' }
  | { scope: string }
  | { drive: DriveType }
  | { day: string; timeZone?: string }
  | { date: string }
  | { list: string[] }
  | { message: DomainMessage };

/** A message for a person: which one and what fills it. */
export interface DomainMessage {
  key: DomainMessageKey;
  params?: Record<string, DomainMessageParam>;
}

/** Builds a message (typed by key). */
export function message(key: DomainMessageKey, params?: Record<string, DomainMessageParam>): DomainMessage {
  return params ? { key, params } : { key };
}

/** A ShareError whose text is a domain message: English in `message`, the message itself in `details.message`. */
export function messageError(kind: ShareErrorKind, m: DomainMessage, details: ShareErrorDetails = {}): ShareError {
  return new ShareError(kind, english(m), { ...details, message: m });
}

/** Fills `{name}` placeholders of a text with already-worded values. */
export function fillText(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The message in English, as logs, API answers and English cards show it. */
export function english(m: DomainMessage): string {
  const values: Record<string, string> = {};
  for (const [name, p] of Object.entries(m.params ?? {})) values[name] = englishParam(p);
  return fillText(DOMAIN_MESSAGES[m.key], values);
}

function englishParam(p: DomainMessageParam): string {
  if (typeof p === 'string') return p;
  if (typeof p === 'number') return String(p);
  if ('linkType' in p) {
    const label = linkTypeLabel(p.linkType);
    if (p.form === 'article') return withArticle(label);
    return p.form === 'capital' ? label.charAt(0).toUpperCase() + label.slice(1) : label;
  }
  if ('scope' in p) return linkScopeLabel(p.scope);
  if ('drive' in p) return DRIVE_TYPE_LABELS[p.drive] ?? p.drive;
  if ('day' in p) return formatExpirationDay(p.day, p.timeZone);
  if ('date' in p) return formatDateLabel(p.date);
  if ('list' in p) return p.list.join(', ');
  return english(p.message);
}
