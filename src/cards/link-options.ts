import type { PeopleChoice } from '../domain/conversation';
import type { DomainMessage } from '../domain/messages';
import type { Availability, DriveItemInfo, LinkChoices, LinkOptions, OptionAvailability } from '../domain/types';
import { itemHeader, resolveEnv, withDirection, type CardEnv, type ResolvedEnv } from './common';
import { CONVERSATION_SCOPE, SUBMIT_ACTIONS } from './contract';
import { calendarDate, formatDate, isolate, recipientLabel } from './format';
import { say, sayEither } from './messages';
import { excludedText, peopleLabel, peopleNames, peopleUnavailableText } from './people';
import { fill, plural } from './strings';
import { expandTemplate, type Expansion } from './template';
import template from './templates/link-options.json';

/** Dialog fields an error can be attached to (the LinkOptions field names, plus the outside-email box). */
export const LINK_OPTION_FIELDS = [
  'useOrganizationDefault',
  'type',
  'scope',
  'expirationDate',
  'password',
  'recipients',
  'message',
  'sendNotification',
  'retainInheritedPermissions',
] as const;
export type LinkOptionField = (typeof LINK_OPTION_FIELDS)[number];

export interface LinkOptionsInput extends CardEnv {
  item: DriveItemInfo;
  choices: LinkChoices;
  /** What the person entered before (re-render after a validation error). The password is never shown again. */
  values?: Partial<LinkOptions>;
  /** Problems per field, shown next to the field and summed up at the top (sentences, or domain messages). */
  errors?: Partial<Record<LinkOptionField, string | DomainMessage>>;
  /** The person's IANA time zone (required here: "tomorrow" and the expiration day depend on it). */
  timeZone: string;
  /** Today is computed from this instant (tests pin it). */
  now?: Date;
  /** "People in this chat / channel / meeting", resolved for this conversation; absent where it does not apply. */
  people?: PeopleChoice;
  /** The person chose "People in this chat" before (re-render): keep it chosen, with these people kept (keys). */
  peopleChosen?: { kept?: string[] };
  /** What the dialog knew about the item, sealed for its submit (ShareService.sealItem), so the submit needs no lookup. */
  sealedItem?: string;
}

/** The AC 1.5 dialog with every link option that can work for this item, and why the others cannot. */
export function linkOptionsDialog(input: LinkOptionsInput): Expansion {
  const env = resolveEnv(input);
  const o = env.s.options;
  const { item, choices } = input;
  const values = input.values ?? {};
  const warnings: string[] = [];
  const header = itemHeader(item, env, warnings);

  const errors = Object.fromEntries(
    LINK_OPTION_FIELDS.map((f) => [f, sayEither(input.errors?.[f] ?? '', env).trim()]),
  ) as Record<LinkOptionField, string>;
  const has = Object.fromEntries(LINK_OPTION_FIELDS.map((f) => [f, errors[f] !== ''])) as Record<
    LinkOptionField,
    boolean
  >;
  const errorLines = LINK_OPTION_FIELDS.filter((f) => has[f]).map((f) => ({ line: `• ${errors[f]}` }));

  const typeTitle = (t: string) => env.s.linkTypes[t as keyof typeof env.s.linkTypes] ?? t;
  const scopeTitle = (sc: string) => scopeInWords(sc, env, undefined);
  const typeField = choiceField(choices.types, values.type, 'view', typeTitle, env);
  const graphScopes = choiceField(choices.scopes, values.scope, 'organization', scopeTitle, env);
  const people = peopleField(input, env);
  const scopeField = people.available
    ? {
        ...graphScopes,
        any: true,
        choices: [...graphScopes.choices, { title: people.choiceTitle, value: CONVERSATION_SCOPE as string }],
        value: input.peopleChosen ? CONVERSATION_SCOPE : (graphScopes.value as string),
      }
    : graphScopes;

  const now = input.now ?? new Date();
  const max = choices.maxExpirationDate ?? '';
  const expirationHint = [
    max ? fill(o.expirationHintMax, { date: formatDate(max, env.locale, env.timeZone) }) : o.expirationHint,
    choices.expirationRequiredForAnonymous ? o.expirationRequiredAnonymous : '',
  ]
    .filter(Boolean)
    .join(' ');

  const picked = (values.recipients ?? []).filter((r) => r.objectId);
  const external = (values.recipients ?? []).filter((r) => !r.objectId && r.email).map((r) => r.email as string);

  return withDirection(
    withWarnings(
      expandTemplate(template, {
        s: o,
        back: env.s.common.back,
        header,
        hasErrors: errorLines.length > 0,
        errorSummary: plural(o.fixSummary, errorLines.length, env.locale),
        errorLines,
        err: errors,
        has,
        labels: fieldLabels(
          o,
          choices.expirationRequiredForAnonymous ? o.expirationLabelRequired : o.expirationLabel,
          errors,
        ),
        orgDefault: {
          available: choices.organizationDefault.available,
          value: String(choices.organizationDefault.available && values.useOrganizationDefault === true),
          unavailableText: fill(o.useDefaultUnavailable, { reason: reasonText(choices.organizationDefault, env) }),
        },
        typeField,
        scopeField,
        expiration: {
          label: choices.expirationRequiredForAnonymous ? o.expirationLabelRequired : o.expirationLabel,
          // Input.Date min/max are ignored by Teams desktop (AdaptiveCards#9166): the server validates again.
          min: calendarDate(now, env.timeZone, 1),
          max,
          value: values.expirationDate ?? '',
          hint: expirationHint,
        },
        password: {
          available: choices.password.available,
          unavailableText: fill(o.passwordUnavailable, { reason: reasonText(choices.password, env) }),
        },
        recipients: {
          available: choices.recipients.available,
          choices: picked.map((r) => ({ title: isolate(recipientLabel(r)), value: r.objectId as string })),
          value: picked.map((r) => r.objectId).join(','),
          external: external.join('; '),
          unavailableText: fill(o.recipientsUnavailable, { reason: reasonText(choices.recipients, env) }),
        },
        messageValue: values.message ?? '',
        toggles: {
          sendNotificationAvailable: choices.sendNotification.available,
          sendNotification: String(values.sendNotification === true),
          retainAvailable: choices.retainInheritedPermissions.available,
          // Graph keeps inherited permissions unless told otherwise; breaking inheritance must be a choice.
          retainInheritedPermissions: String(values.retainInheritedPermissions !== false),
        },
        people,
        createData: {
          action: SUBMIT_ACTIONS.create,
          driveId: item.driveId,
          itemId: item.itemId,
          timeZone: env.timeZone,
          ...(people.available ? { shownPeople: people.shownKeys } : {}),
          ...(input.sealedItem ? { item: input.sealedItem } : {}),
        },
        backData: { action: SUBMIT_ACTIONS.back },
      }),
      warnings,
    ),
    env,
  );
}

/** The "People in this chat" part of the dialog: the scope choice's title, the removable people, or why not. */
function peopleField(input: LinkOptionsInput, env: ResolvedEnv) {
  const s = env.s;
  const choice = input.people;
  const none = {
    available: false,
    unavailable: false,
    canGrant: false,
    choiceTitle: '',
    keepLabel: s.people.keepLabel,
    choices: [] as Array<{ title: string; value: string }>,
    value: '',
    shownKeys: '',
    hint: s.people.keepHint,
    hasExcluded: false,
    excludedText: '',
    unavailableText: '',
    grant: s.people.grant,
    grantData: { action: SUBMIT_ACTIONS.grantPeople, driveId: input.item.driveId, itemId: input.item.itemId },
  };
  if (!choice) return none;
  if (!choice.available) {
    return {
      ...none,
      unavailable: true,
      canGrant: choice.reason === 'needsConsent',
      unavailableText: peopleUnavailableText(choice.kind, choice.reason, s, choice.count),
    };
  }
  const { people } = choice;
  const everyone = [...people.included.map((p) => p.displayName), ...people.excluded.map((p) => p.displayName)];
  const label = people.name ? fill(s.people.named, { name: isolate(people.name) }) : peopleLabel(people.kind, s);
  const kept = input.peopleChosen?.kept ? new Set(input.peopleChosen.kept.map((k) => k.toLowerCase())) : undefined;
  return {
    ...none,
    available: true,
    choiceTitle: fill(s.people.choice, { label, names: peopleNames(everyone, s, env.locale) }),
    choices: people.included.map((p) => ({
      title: p.external ? fill(s.people.outside, { name: isolate(p.displayName) }) : isolate(p.displayName),
      value: p.key,
    })),
    value: people.included
      .map((p) => p.key)
      .filter((k) => !kept || kept.has(k))
      .join(','),
    shownKeys: [...people.included, ...people.excluded].map((p) => p.key).join(','),
    hasExcluded: people.excluded.length > 0,
    excludedText: fill(s.people.excludedLine, { list: excludedText(people.excluded, s) }),
  };
}

/** Scope in words: "Anyone with the link", "People in Contoso with the link", "Only the people you choose". */
export function scopeInWords(scope: string, env: ResolvedEnv, organizationName: string | undefined): string {
  const sc = env.s.scopes;
  if (scope === 'organization')
    return organizationName ? fill(sc.organization, { org: organizationName }) : sc.organizationFallback;
  if (scope === 'anonymous') return sc.anonymous;
  if (scope === 'users') return sc.users;
  return scope;
}

function choiceField<T extends string>(
  options: OptionAvailability<T>[],
  chosen: T | undefined,
  preferred: T,
  title: (v: T) => string,
  env: ResolvedEnv,
) {
  const o = env.s.options;
  const available = options.filter((x) => x.available);
  const unavailable = options.filter((x) => !x.available);
  const value =
    (chosen && available.some((x) => x.value === chosen) && chosen) ||
    (available.some((x) => x.value === preferred) ? preferred : (available[0]?.value ?? ''));
  return {
    any: available.length > 0,
    choices: available.map((x) => ({ title: title(x.value), value: x.value })),
    value,
    hasUnavailable: unavailable.length > 0,
    unavailableText: fill(o.unavailableLine, {
      list: unavailable
        // Reasons are sentences: drop their full stop so the list reads "A — why; B — why".
        .map((x) =>
          fill(o.unavailableItem, { option: title(x.value), reason: reasonText(x, env).replace(/[.。]$/, '') }),
        )
        .join('; '),
    }),
  };
}

/**
 * Labels of the inputs. A field with a problem carries it in its label too: screen readers announce the label
 * when the field gets focus, which is how an Adaptive Card can tie an error to its field (the red line under it
 * is for the eye).
 */
function fieldLabels(o: ResolvedEnv['s']['options'], expirationLabel: string, errors: Record<LinkOptionField, string>) {
  const label = (text: string, error: string) => (error ? `${text} — ${error}` : text);
  return {
    useOrganizationDefault: label(o.useDefault, errors.useOrganizationDefault),
    type: label(o.typeLabel, errors.type),
    scope: label(o.scopeLabel, errors.scope),
    expirationDate: label(expirationLabel, errors.expirationDate),
    password: label(o.passwordLabel, errors.password),
    recipients: label(o.externalLabel, errors.recipients),
    message: label(o.messageLabel, errors.message),
    sendNotification: label(o.sendNotification, errors.sendNotification),
    retainInheritedPermissions: label(o.retainInheritedPermissions, errors.retainInheritedPermissions),
  };
}

/** Why an option is unavailable, in the dialog's language. */
function reasonText(a: Availability | OptionAvailability, env: ResolvedEnv): string {
  if (a.reasonMessage) return say(a.reasonMessage, env);
  return a.reason ?? env.s.options.noReason;
}

function withWarnings(e: Expansion, extra: string[]): Expansion {
  return { card: e.card, warnings: [...extra, ...e.warnings] };
}
