/**
 * Memoized Intl formatters. Building an Intl.DateTimeFormat costs far more than using one, and cards and
 * expiration rules format dates on every invoke (benchmark profile), so each locale + options pair is built once.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();
const zoneValidity = new Map<string, boolean>();

/** A cached Intl.DateTimeFormat (throws like the constructor for a bad locale or zone). */
export function dateTimeFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    if (dateFormats.size > 2000) dateFormats.clear();
    dateFormats.set(key, f);
  }
  return f;
}

/** A cached Intl.NumberFormat. */
export function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    if (numberFormats.size > 2000) numberFormats.clear();
    numberFormats.set(key, f);
  }
  return f;
}

/** Whether the runtime knows this IANA time zone (answer cached per name). */
export function isKnownTimeZone(timeZone: string): boolean {
  let known = zoneValidity.get(timeZone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      known = true;
    } catch {
      known = false;
    }
    if (zoneValidity.size > 2000) zoneValidity.clear();
    zoneValidity.set(timeZone, known);
  }
  return known;
}
