import { strict as assert } from 'node:assert';

/** Every string a JSON value holds (keys excluded), depth-first. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/**
 * What a person must never read on a card, dialog or tab built from a Graph or Teams answer: placeholders of a
 * missing field ("undefined", "null", "NaN", "Invalid Date") and .NET's DateTime.MinValue shown as a date.
 */
const NONSENSE: Array<[RegExp, string]> = [
  [/\bundefined\b/, '"undefined"'],
  [/\bnull\b/, '"null"'],
  [/\bNaN\b/, '"NaN"'],
  [/Invalid Date/, '"Invalid Date"'],
  [/\b0001-01-01/, 'DateTime.MinValue'],
  [/\b1 Jan(?:uary)? 1\b|\bJan(?:uary)? 1, 1\b|\b1\/1\/1\b/, 'a date in year 1'],
  [/\b9999\b/, 'DateTime.MaxValue'],
  [/\[object Object\]/, '"[object Object]"'],
];

/** Fails naming the first nonsense text found in `value` (a card, a dialog, an API answer). */
export function assertSensible(value: unknown, context: string): void {
  for (const text of stringsIn(value)) {
    for (const [pattern, what] of NONSENSE) {
      assert.doesNotMatch(text, pattern, `${context}: shows ${what} in "${text.slice(0, 160)}"`);
    }
  }
}
