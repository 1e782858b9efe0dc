import type { DriveItemInfo, Recipient } from '../domain/types';
import { fill, plural, type CardStrings } from './strings';
import { dateTimeFormat, isKnownTimeZone, numberFormat } from '../domain/intl';
import { graphInstant } from '../domain/graphDates';
import { plainText } from '../domain/displayText';

/**
 * Wraps text a person or Graph supplied (names, paths) in Unicode first-strong isolates, so an RTL name
 * inside an English sentence does not reorder the words around it. Control and bidirectional formatting characters
 * inside are dropped first: an override or a stray isolate end must not leak into the sentence.
 */
export function isolate(text: string): string {
  return `\u2068${plainText(text)}\u2069`;
}

/** Shortens text for list rows (the full text stays in the dialog that follows). */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A byte count in the person's locale: "12 KB", "3.4 MB". */
export function formatSize(bytes: number | undefined, locale: string, s: CardStrings): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return s.common.unknownSize;
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return numberFormat(safeLocale(locale), {
    style: 'unit',
    unit: units[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 || value >= 100 ? 0 : 1,
  }).format(value);
}

/** A date-time in the person's locale and time zone, e.g. "30 Jun 2026, 23:59 CEST". */
export function formatDateTime(iso: string, locale: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    dateTimeFormat(safeLocale(locale), {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: safeTimeZone(timeZone),
    }).format(d) + ` (${zoneName(d, locale, timeZone)})`
  );
}

/** A calendar date in the person's locale, e.g. "30 Jun 2026"; `date` is either YYYY-MM-DD or an ISO instant. */
export function formatDate(date: string, locale: string, timeZone: string): string {
  const isCalendarDate = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const d = new Date(isCalendarDate ? `${date}T12:00:00Z` : date);
  if (Number.isNaN(d.getTime())) return date;
  return dateTimeFormat(safeLocale(locale), {
    dateStyle: 'medium',
    timeZone: isCalendarDate ? 'UTC' : safeTimeZone(timeZone),
  }).format(d);
}

/** Today's calendar date (YYYY-MM-DD) in a time zone, shifted by `addDays`. */
export function calendarDate(now: Date, timeZone: string, addDays = 0): string {
  const parts = dateTimeFormat('en-CA', {
    timeZone: safeTimeZone(timeZone),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const d = new Date(Date.UTC(get('year'), get('month') - 1, get('day') + addDays));
  return d.toISOString().slice(0, 10);
}

/** Where an item lives, in words: "OneDrive › Documents/Plans". */
export function formatLocation(item: Pick<DriveItemInfo, 'driveType' | 'parentPath'>, s: CardStrings): string {
  const drive = s.drives[item.driveType] ?? item.driveType;
  return item.parentPath ? `${drive} › ${isolate(item.parentPath)}` : drive;
}

/** Size and last change of an item: "12 KB · Modified 3 Mar 2026 by Megan". */
export function formatDetails(item: DriveItemInfo, locale: string, timeZone: string, s: CardStrings): string {
  const parts = [item.kind === 'folder' ? s.common.folder : formatSize(item.size, locale, s)];
  const modified = graphInstant(item.lastModifiedDateTime);
  if (modified) {
    const date = formatDate(modified, locale, timeZone);
    parts.push(
      item.lastModifiedBy
        ? fill(s.common.modifiedOnBy, { date, name: isolate(item.lastModifiedBy) })
        : fill(s.common.modifiedOn, { date }),
    );
  }
  return parts.join(s.common.detailSeparator);
}

/** A person's name for display: their display name, else their email, else their object id. */
export function recipientLabel(r: Recipient): string {
  return r.displayName || r.email || r.alias || r.objectId || '?';
}

/** "A, B, C and 7 more": a bounded list so 50 recipients keep the card small. */
export function formatList(items: string[], max: number, s: CardStrings, locale: string): string {
  const shown = items.slice(0, max).map(isolate);
  const rest = items.length - shown.length;
  const text = shown.join(s.common.listSeparator);
  return rest > 0 ? `${text} ${plural(s.common.andMore, rest, locale)}` : text;
}

/** The locale if Intl knows it, else English. */
const canonicalLocales = new Map<string, string>();

/** The canonical form of a BCP 47 locale, or "en" for one Intl rejects (cached per input). */
export function safeLocale(locale: string | undefined): string {
  const key = locale ?? 'en';
  let canonical = canonicalLocales.get(key);
  if (canonical === undefined) {
    try {
      canonical = Intl.getCanonicalLocales(key)[0] ?? 'en';
    } catch {
      canonical = 'en';
    }
    if (canonicalLocales.size > 1000) canonicalLocales.clear();
    canonicalLocales.set(key, canonical);
  }
  return canonical;
}

/** The IANA time zone if Intl knows it, else UTC (a bad zone from a client must not break a card). */
export function safeTimeZone(timeZone: string | undefined): string {
  return timeZone && isKnownTimeZone(timeZone) ? timeZone : 'UTC';
}

function zoneName(d: Date, locale: string, timeZone: string): string {
  const part = dateTimeFormat(safeLocale(locale), { timeZone: safeTimeZone(timeZone), timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? safeTimeZone(timeZone);
}
