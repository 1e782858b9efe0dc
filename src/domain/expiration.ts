/**
 * Expiration dates: a person picks a calendar day in their own time zone (Input.Date gives YYYY-MM-DD); Graph wants
 * one instant, `yyyy-MM-ddTHH:mm:ssZ`. The link works until the end of the chosen day where the person is.
 */
import { message, messageError } from './messages';
import { dateTimeFormat } from './intl';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A calendar day without a time zone. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Parses a strict YYYY-MM-DD calendar date; undefined for anything else (including 2026-02-30). */
export function parseCalendarDate(date: string): CalendarDate | undefined {
  const m = DATE_PATTERN.exec(date);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1970 || month < 1 || month > 12 || day < 1) return undefined;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

function formatCalendarDate(c: CalendarDate): string {
  return `${String(c.year).padStart(4, '0')}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

/** Adds whole days to a YYYY-MM-DD date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const c = parseCalendarDate(date);
  if (!c) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const t = new Date(Date.UTC(c.year, c.month - 1, c.day) + days * DAY_MS);
  return formatCalendarDate({ year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() });
}

// Formatters are costly to build; a per-zone memo keeps the hot path (every dialog render) cheap.
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows this IANA time zone name. */
export function isValidTimeZone(timeZone: string | undefined): timeZone is string {
  if (!timeZone || typeof timeZone !== 'string') return false;
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone to compute in: the person's zone if known, else UTC with a notice that says so. */
export function resolveTimeZone(timeZone: string | undefined): {
  timeZone: string;
  fellBackToUtc: boolean;
  notice?: string;
} {
  if (isValidTimeZone(timeZone)) return { timeZone, fellBackToUtc: false };
  const what = timeZone ? `Your time zone ("${timeZone}") is not recognised` : 'Your time zone is not known';
  return { timeZone: 'UTC', fellBackToUtc: true, notice: `${what}, so dates are taken as UTC.` };
}

/** Local wall-clock fields of an instant in a zone. */
function wallClock(instantMs: number, timeZone: string): { date: CalendarDate; h: number; mi: number; s: number } {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    date: { year: parts.year, month: parts.month, day: parts.day },
    h: parts.hour,
    mi: parts.minute,
    s: parts.second,
  };
}

/** Offset of a zone from UTC at an instant, in ms (Berlin in summer: +7_200_000), DST included. */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone);
  const asUtc = Date.UTC(w.date.year, w.date.month - 1, w.date.day, w.h, w.mi, w.s);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** Today's date (YYYY-MM-DD) in a zone at an instant. */
export function todayIn(timeZone: string, nowMs: number): string {
  return formatCalendarDate(wallClock(nowMs, timeZone).date);
}

/** Graph's `expirationDateTime` format (yyyy-MM-ddTHH:mm:ssZ, no fraction) for an instant. */
export function toGraphDateTime(instantMs: number): string {
  return new Date(Math.floor(instantMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Instant (ms) of 23:59:59 local time on a date in a zone; the date must be a valid YYYY-MM-DD. */
export function endOfDayMs(date: string, timeZone: string): number {
  const c = parseCalendarDate(date);
  if (!c) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const wall = Date.UTC(c.year, c.month - 1, c.day, 23, 59, 59);
  // Two passes settle the offset even when the day itself changes DST (offset at the guess may be the other one).
  let instant = wall - zoneOffsetMs(wall, timeZone);
  instant = wall - zoneOffsetMs(instant, timeZone);
  return instant;
}

/** Graph `expirationDateTime` for the end of a date in a zone (validated input). */
export function endOfDayUtc(date: string, timeZone: string): string {
  return toGraphDateTime(endOfDayMs(date, timeZone));
}

/** Latest date a person may pick under a policy limit in days (0 = none), from their today. */
export function maxExpirationDate(today: string, maxExpirationDays: number): string | undefined {
  return maxExpirationDays > 0 ? addDays(today, maxExpirationDays) : undefined;
}

/** A chosen expiration date turned into what Graph gets, with the zone it was read in. */
export interface ExpirationResult {
  /** The calendar date the person chose (YYYY-MM-DD). */
  date: string;
  /** Graph `expirationDateTime`: end of `date` in `timeZone`, in UTC. */
  expirationDateTime: string;
  /** The zone used (the person's, or UTC on fallback). */
  timeZone: string;
  fellBackToUtc: boolean;
  /** Plain-language note for the person when the zone was unknown. */
  notice?: string;
}

/** Context for expiration checks: the current instant, the person's zone and the admin limit. */
export interface ExpirationContext {
  now: number;
  timeZone?: string;
  /** Policy limit in days from today (0 or undefined = no limit). */
  maxExpirationDays?: number;
}

/** Turns a picked date into Graph's expirationDateTime, or throws ShareError (field `expirationDate`). */
export function expirationFor(date: string, ctx: ExpirationContext): ExpirationResult {
  const field = { field: 'expirationDate' };
  const trimmed = typeof date === 'string' ? date.trim() : '';
  if (!parseCalendarDate(trimmed)) {
    throw messageError('invalidRequest', message('expirationNotADate'), field);
  }
  const zone = resolveTimeZone(ctx.timeZone);
  const today = todayIn(zone.timeZone, ctx.now);
  const endMs = endOfDayMs(trimmed, zone.timeZone);
  if (trimmed < today || endMs <= ctx.now) {
    throw messageError('invalidRequest', message('expirationInPast'), field);
  }
  const max = maxExpirationDate(today, ctx.maxExpirationDays ?? 0);
  if (max !== undefined && trimmed > max) {
    throw messageError(
      'policyBlocked',
      message('expirationTooLate', { days: ctx.maxExpirationDays ?? 0, date: { date: max } }),
      field,
    );
  }
  const result: ExpirationResult = {
    date: trimmed,
    expirationDateTime: toGraphDateTime(endMs),
    timeZone: zone.timeZone,
    fellBackToUtc: zone.fellBackToUtc,
  };
  if (zone.notice) result.notice = zone.notice;
  return result;
}

/** "30 Dec 2026" for a YYYY-MM-DD date (no zone involved: it is a calendar day). */
export function formatDateLabel(date: string, locale = 'en-GB'): string {
  const c = parseCalendarDate(date);
  if (!c) return date;
  return dateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(
    new Date(Date.UTC(c.year, c.month - 1, c.day)),
  );
}

/** "30 Dec 2026": the day an instant falls on in the person's zone (UTC when the zone is unknown). */
export function formatExpirationDay(isoInstant: string, timeZone?: string, locale = 'en-GB'): string {
  const ms = Date.parse(isoInstant);
  if (Number.isNaN(ms)) return isoInstant;
  const zone = resolveTimeZone(timeZone).timeZone;
  return dateTimeFormat(locale, { timeZone: zone, day: 'numeric', month: 'short', year: 'numeric' }).format(
    new Date(ms),
  );
}

/** "30 Dec 2026, 23:59 (Europe/Berlin)": a granted expiration shown in the person's zone. */
export function formatExpiration(isoInstant: string, timeZone?: string, locale = 'en-GB'): string {
  const ms = Date.parse(isoInstant);
  if (Number.isNaN(ms)) return isoInstant;
  const zone = resolveTimeZone(timeZone).timeZone;
  const text = dateTimeFormat(locale, {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
  return `${text} (${zone})`;
}
