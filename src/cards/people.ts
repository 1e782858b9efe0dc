import {
  MAX_CONVERSATION_PEOPLE,
  firstName,
  type ConversationKind,
  type ExcludedPerson,
  type PeopleUnavailableReason,
} from '../domain/conversation';
import type { ShareAudience } from '../domain/types';
import { isolate } from './format';
import { fill, plural, type CardStrings } from './strings';

/** "People in this chat" / "People in this meeting" / "People in this channel". */
export function peopleLabel(kind: ConversationKind, s: CardStrings): string {
  return s.people.label[kind] ?? s.people.label.groupChat;
}

/** "Megan", "Megan and Alex", "Megan, Alex and 4 others": first names of the first two, then a count. */
export function peopleNames(displayNames: readonly string[], s: CardStrings, locale?: string): string {
  const p = s.people;
  const first = isolate(firstName(displayNames[0] ?? ''));
  const second = isolate(firstName(displayNames[1] ?? ''));
  if (displayNames.length <= 1) return fill(p.namesOne, { first });
  if (displayNames.length === 2) return fill(p.namesTwo, { first, second });
  return plural(p.names, displayNames.length - 2, locale, { first, second });
}

/** Why the choice is missing, as one sentence for the dialog. */
export function peopleUnavailableText(
  kind: ConversationKind,
  reason: PeopleUnavailableReason,
  s: CardStrings,
  count?: number,
): string {
  const text = fill(s.people.reasons[reason], { count: count ?? '', max: MAX_CONVERSATION_PEOPLE });
  return fill(s.people.unavailable, { label: peopleLabel(kind, s), reason: text });
}

/** "Jordan — no email address is known for them; …" for the people who cannot be given the link. */
export function excludedText(excluded: ReadonlyArray<Pick<ExcludedPerson, 'displayName' | 'reason'>>, s: CardStrings) {
  return excluded
    .map((e) =>
      fill(s.people.excludedItem, { name: isolate(e.displayName), reason: s.people.excludedReason[e.reason] }),
    )
    .join('; ');
}

/** The card's heading for an audience: "People in Falcon launch" or "People in this chat". */
export function audienceHeading(audience: ShareAudience, s: CardStrings): string {
  return audience.name ? fill(s.people.named, { name: isolate(audience.name) }) : peopleLabel(audience.kind, s);
}
