import type { DriveItemInfo } from '../domain/types';
import { fileKindOf, iconUrl } from './file-kinds';
import { formatDetails, formatLocation } from './format';
import { plainText } from '../domain/displayText';
import { formattingLocale, strings, textDirection, type CardStrings } from './strings';
import { expandTemplate, type AdaptiveCardJson, type Expansion } from './template';
import itemHeaderTemplate from './templates/item-header.json';

/** Settings every builder needs: who reads the card and where the app serves its icons. */
export interface CardEnv {
  /** Public https base URL of the app (icons are at `${publicBaseUrl}/static/icons/<kind>.png`). */
  publicBaseUrl: string;
  /** The person's locale (Teams `activity.locale`), e.g. "en-US". English when absent or unknown. */
  locale?: string;
  /** The person's IANA time zone (Teams clientInfo entity). UTC when absent or unknown. */
  timeZone?: string;
}

/** Resolved env with defaults applied. */
export interface ResolvedEnv {
  publicBaseUrl: string;
  /** The locale dates and numbers are formatted in (see `formattingLocale`). */
  locale: string;
  timeZone: string;
  s: CardStrings;
  /** Direction of the card's language. */
  dir: 'ltr' | 'rtl';
}

/** Applies the defaults of a CardEnv and loads the strings for its locale. */
export function resolveEnv(env: CardEnv): ResolvedEnv {
  return {
    publicBaseUrl: env.publicBaseUrl,
    locale: formattingLocale(env.locale),
    timeZone: env.timeZone || 'UTC',
    s: strings(env.locale),
    dir: textDirection(env.locale),
  };
}

/** View data describing one item (icon, name, location, details), shared by headers and list rows. */
export function itemView(item: DriveItemInfo, env: ResolvedEnv) {
  const kind = fileKindOf(item);
  return {
    iconUrl: iconUrl(env.publicBaseUrl, kind),
    iconAlt: env.s.fileTypes[kind],
    name: plainText(item.name).trim() ? plainText(item.name) : env.s.search.untitled,
    location: formatLocation(item, env.s),
    details: formatDetails(item, env.locale, env.timeZone, env.s),
  };
}

/** The item header block (icon, name, location, size/modified) as an expanded card element. */
export function itemHeader(item: DriveItemInfo, env: ResolvedEnv, warnings: string[]): object {
  const { card, warnings: w } = expandTemplate<object>(itemHeaderTemplate, itemView(item, env));
  warnings.push(...w);
  return card;
}

/**
 * Sets the card's reading direction to its language's (`rtl`, Adaptive Cards 1.5+). Cards that must stay 1.4
 * (Outlook-safe) cannot carry it: they follow the host's direction, and their texts keep names and addresses in
 * Unicode isolates so they stay readable either way.
 */
export function withDirection<T extends AdaptiveCardJson>(e: Expansion<T>, env: ResolvedEnv): Expansion<T> {
  if (Number(e.card.version) < 1.5) return e;
  return { card: { ...e.card, rtl: env.dir === 'rtl' }, warnings: e.warnings };
}
