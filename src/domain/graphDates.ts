/**
 * Dates as Microsoft Graph sends them. Graph's drive resources are .NET-backed: a date that is "not set" may come
 * as `DateTime.MinValue` (`0001-01-01T00:00:00Z`) instead of being left out. The permission resource says so for
 * `expirationDateTime` ("DateTime.MinValue indicates there is no expiration set for this permission"), and its
 * examples carry that value on links that never expire (OneDrive/onedrive-api-docs
 * docs/rest-api/resources/permission.md). Read naively it is a date in year 1: every permanent link would show as
 * "expires 1 January 1" and count as expired. Every date the app takes from Graph passes through here.
 */

/**
 * .NET's DateTime.MinValue (year 1; year 0 once an east-of-UTC offset is applied) and MaxValue (year 9999):
 * placeholders for "no date", never a real instant for a link or a file.
 */
function isPlaceholderYear(year: number): boolean {
  return year <= 1 || year >= 9999;
}

/**
 * The instant a Graph date field holds, as the ISO text Graph sent; undefined when the field is absent, null, not a
 * string, unparseable, or a .NET placeholder (MinValue / MaxValue) that means "not set".
 */
export function graphInstant(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!text) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  if (isPlaceholderYear(new Date(ms).getUTCFullYear())) return undefined;
  return text;
}

/** A permission's `expirationDateTime` read as Graph means it: undefined = the link never expires. */
export function graphExpiration(value: unknown): string | undefined {
  return graphInstant(value);
}

/** True when a link with this expiration (as Graph sent it) has stopped working at `now`. */
export function hasExpired(expirationDateTime: unknown, now: number): boolean {
  const at = graphExpiration(expirationDateTime);
  return at !== undefined && Date.parse(at) <= now;
}
