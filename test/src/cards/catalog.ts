/** Every card every builder makes, from the fixtures: what the tests check and the screenshots show. */
import {
  errorCard,
  fileFinderDialog,
  linkCardWithoutDetails,
  linkOptionsDialog,
  searchResultCard,
  signInDialog,
  sharedLinkCard,
  strings,
  type AdaptiveCardJson,
} from '../../../src/cards';
import { message } from '../../../src/domain/messages';
import {
  businessChoices,
  docx,
  fiftyRecipients,
  folder,
  longName,
  MANAGE_URL,
  manyResults,
  NOW,
  outcomes,
  PASSWORD,
  personalChoices,
  PUBLIC_BASE_URL,
  rtl,
  shareErrors,
  SHARER,
  TIME_ZONE,
  trickyName,
} from './fixtures';
import { planRecipients } from '../../../src/domain/conversation';
import type { ShareOutcome } from '../../../src/domain/types';

/** "People in this chat": a group chat with a colleague of another organization and one without an address. */
const chatPeople = planRecipients(
  [
    { displayName: 'Megan Bowen', objectId: 'megan', tenantId: 'contoso' },
    { displayName: 'Alex Wilber', objectId: 'alex', tenantId: 'contoso' },
    { displayName: 'Lee Gu', objectId: 'lee', tenantId: 'contoso' },
    { displayName: 'Jordan Rivera', objectId: 'jordan', tenantId: 'northwind', email: 'jordan@northwind.example' },
    { displayName: 'Sam Okafor', objectId: 'sam', tenantId: 'northwind' },
  ],
  { tenantId: 'contoso', objectId: SHARER },
  { kind: 'groupChat', name: 'Falcon launch' },
);

export interface CatalogEntry {
  name: string;
  /** The Adaptive Card version the card must keep to. */
  target: '1.3' | '1.4' | '1.5';
  card: AdaptiveCardJson;
  warnings: string[];
}

/** Builds the whole catalog for a locale (cheap; a few milliseconds). */
export function catalog(locale = 'en-US'): CatalogEntry[] {
  const env = { publicBaseUrl: PUBLIC_BASE_URL, locale, timeZone: TIME_ZONE };
  const out: CatalogEntry[] = [];
  const add = (name: string, target: CatalogEntry['target'], e: { card: AdaptiveCardJson; warnings: string[] }) =>
    out.push({ name, target, ...e });

  add(
    'finder-results',
    '1.5',
    fileFinderDialog({ ...env, query: 'project', results: manyResults, page: { index: 1, hasMore: true } }),
  );
  add('finder-empty', '1.5', fileFinderDialog({ ...env, query: 'zebra migration', results: [] }));
  add('finder-recent', '1.5', fileFinderDialog({ ...env, query: '', results: [docx, folder, rtl] }));
  add(
    'finder-attachments',
    '1.5',
    fileFinderDialog({
      ...env,
      query: '',
      results: [docx, longName, trickyName],
      variant: 'attachments',
      notice: strings(locale).bot.finderNotices.someAttachmentsUnavailable,
    }),
  );
  add('options-business', '1.5', linkOptionsDialog({ ...env, item: docx, choices: businessChoices, now: NOW }));
  add(
    'options-errors-50-recipients',
    '1.5',
    linkOptionsDialog({
      ...env,
      item: longName,
      choices: businessChoices,
      now: NOW,
      values: {
        useOrganizationDefault: false,
        type: 'edit',
        scope: 'users',
        expirationDate: '2026-12-31',
        password: PASSWORD,
        recipients: fiftyRecipients,
        message: 'Please review before Friday — תודה!',
        sendNotification: true,
        retainInheritedPermissions: false,
      },
      errors: {
        expirationDate: message('expirationTooLate', { days: 90, date: { date: '2026-06-08' } }),
        recipients: message('recipientBadEmail', { email: 'outside.partner@' }),
        password: message('passwordPersonalOnly', { drive: { drive: 'business' } }),
      },
    }),
  );
  add(
    'options-personal-password',
    '1.5',
    linkOptionsDialog({
      ...env,
      item: rtl,
      choices: personalChoices,
      now: NOW,
      values: { password: PASSWORD, type: 'embed' },
    }),
  );
  add(
    'options-people',
    '1.5',
    linkOptionsDialog({
      ...env,
      item: docx,
      choices: businessChoices,
      now: NOW,
      people: { available: true, people: chatPeople },
      peopleChosen: { kept: ['megan', 'alex', 'jordan'] },
    }),
  );
  add(
    'options-people-consent',
    '1.5',
    linkOptionsDialog({
      ...env,
      item: docx,
      choices: businessChoices,
      now: NOW,
      people: { available: false, kind: 'meeting', reason: 'needsConsent' },
    }),
  );
  add(
    'options-people-too-many',
    '1.5',
    linkOptionsDialog({
      ...env,
      item: docx,
      choices: businessChoices,
      now: NOW,
      people: { available: false, kind: 'channel', reason: 'tooMany', count: 312 },
    }),
  );
  add('options-folder', '1.5', linkOptionsDialog({ ...env, item: folder, choices: businessChoices, now: NOW }));
  for (const [key, outcome] of Object.entries(outcomes)) {
    add(
      `shared-${key}`,
      '1.4',
      sharedLinkCard(outcome, {
        ...env,
        manageLinksUrl: MANAGE_URL,
        sharerAadObjectId: SHARER,
        organizationName: 'Contoso',
      }),
    );
    add(
      `shared-${key}-sharer`,
      '1.4',
      sharedLinkCard(outcome, {
        ...env,
        manageLinksUrl: MANAGE_URL,
        sharerAadObjectId: SHARER,
        organizationName: 'Contoso',
        forSharer: true,
      }),
    );
  }
  add(
    'shared-revoked',
    '1.4',
    sharedLinkCard(outcomes.organizationEdit!, {
      ...env,
      manageLinksUrl: MANAGE_URL,
      sharerAadObjectId: SHARER,
      forSharer: true,
      revoked: { at: '2026-03-11T16:45:00Z', by: 'Ellen Adams' },
    }),
  );
  const peopleOutcome: ShareOutcome = {
    ...outcomes.organizationEdit!,
    type: 'view',
    scope: 'users',
    roles: ['read'],
    grantedTo: chatPeople.included.map((p) => p.recipient),
    audience: {
      kind: 'groupChat',
      name: 'Falcon launch',
      people: chatPeople.included.map((p) => p.displayName),
      excluded: chatPeople.excluded.map((p) => ({ displayName: p.displayName, reason: p.reason })),
    },
  };
  add(
    'shared-people',
    '1.4',
    sharedLinkCard(peopleOutcome, { ...env, manageLinksUrl: MANAGE_URL, sharerAadObjectId: SHARER }),
  );
  for (const err of shareErrors)
    add(`error-${err.kind}`, '1.4', errorCard(err, { locale, inDialog: err.kind !== 'consentRequired' }));
  add('search-result', '1.4', searchResultCard(longName, env));
  // Link unfurling renders Adaptive Cards 1.3 and earlier only (Learn "Link unfurling", msteams-docs#7286).
  add('search-result-unfurl', '1.3', searchResultCard(longName, env, 'unfurl'));
  add('shared-without-details', '1.4', linkCardWithoutDetails({ ...env, manageLinksUrl: MANAGE_URL }));
  const signInLink = 'https://token.botframework.com/api/oauth/signin?signin=abc';
  add('sign-in', '1.5', signInDialog({ ...env, signInLink }));
  add('sign-in-not-yet', '1.5', signInDialog({ ...env, signInLink, notice: 'You are not signed in yet.' }));
  return out;
}
