import { numberFormat } from '../../domain/intl';
import type { DomainMessageKey } from '../../domain/messages';
import ar from './ar.json';
import de from './de.json';
import en from './en.json';
import es from './es.json';
import fr from './fr.json';
import ja from './ja.json';

/** The shape of one language's card texts; English is the reference every other language is checked against. */
export type CardStrings = typeof en;

/**
 * A text that depends on a number: one form per CLDR plural category the language uses (Intl.PluralRules), at
 * least `other`. English has one/other, French and Spanish add many, Japanese has only other, Arabic has all six.
 */
export type PluralText = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/**
 * Languages with a resource file. Add a language by adding `xx.json` with the same keys (plural texts with the
 * language's own plural categories) and listing it here; test/src/cards/strings.test.ts checks both.
 */
const BUNDLES: Record<string, DeepPartial<CardStrings>> = { en, de, fr, es, ja, ar };

/** Languages written right to left among those with a bundle. */
const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur']);

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

const cache = new Map<string, CardStrings>();

/** The language codes that have a bundle ("en", "de", …). */
export const LANGUAGES: readonly string[] = Object.keys(BUNDLES);

/** One language's raw bundle, as translated (tests compare them key by key). */
export function bundle(lang: string): unknown {
  return BUNDLES[lang];
}

/** A language's translations of the domain's messages (src/domain/messages.ts holds the English). */
export function domainTexts(lang: string): Partial<Record<DomainMessageKey, string>> {
  const texts = (BUNDLES[lang] as { domain?: Partial<Record<DomainMessageKey, string>> } | undefined)?.domain;
  return texts ?? {};
}

/** The card texts for a locale ("de-DE", "de", …), falling back key by key to English. */
export function strings(locale?: string): CardStrings {
  const lang = pickLanguage(locale);
  let texts = cache.get(lang);
  if (!texts) {
    texts = lang === 'en' ? en : (mergeDeep(en, BUNDLES[lang] ?? {}) as CardStrings);
    cache.set(lang, texts);
  }
  return texts;
}

/**
 * The language code whose bundle serves `locale` ("en" when none matches). Accepts BCP 47 tags in any case and
 * with "_" ("de-DE", "de_de", "ar-SA") and Accept-Language lists ("fr-CH, fr;q=0.9, en;q=0.8": the first
 * language with a bundle wins).
 */
export function pickLanguage(locale?: string): string {
  if (!locale) return 'en';
  for (const entry of locale.split(',')) {
    const tag = (entry.split(';')[0] ?? '').trim().toLowerCase();
    if (BUNDLES[tag]) return tag;
    const base = tag.split(/[-_]/)[0] ?? '';
    if (BUNDLES[base]) return base;
  }
  return 'en';
}

/** "rtl" for a locale whose texts are served in a right-to-left language, else "ltr". */
export function textDirection(locale?: string): 'rtl' | 'ltr' {
  return RTL_LANGUAGES.has(pickLanguage(locale)) ? 'rtl' : 'ltr';
}

/**
 * The locale dates and numbers are formatted in: the person's own locale when their language has texts, else
 * English (an English sentence with, say, a Polish month name in it reads as a mistake).
 */
export function formattingLocale(locale?: string): string {
  const first = (locale ?? '').split(',')[0]?.split(';')[0]?.trim().replace(/_/g, '-') ?? '';
  const lang = pickLanguage(first);
  if (!first || lang === 'en') return /^en\b/i.test(first) ? first : 'en';
  return first;
}

/** Fills `{name}` placeholders; unknown placeholders stay visible so a missing value is noticed in review. */
export function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

const pluralRules = new Map<string, Intl.PluralRules>();

/**
 * The form of a plural text for `count` in the language of `locale`, with `{count}` (formatted for the locale)
 * and the other params filled in. A form the bundle lacks falls back to `other`.
 */
export function plural(
  forms: PluralText,
  count: number,
  locale: string | undefined,
  params: Record<string, string | number> = {},
): string {
  const lang = pickLanguage(locale);
  let rules = pluralRules.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(lang);
    pluralRules.set(lang, rules);
  }
  const text = forms[rules.select(count)] ?? forms.other;
  return fill(text, { ...params, count: numberFormat(formattingLocale(locale), {}).format(count) });
}

/** True for a plural text: an object whose keys are CLDR plural categories, `other` among them. */
export function isPluralText(value: unknown): value is PluralText {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.includes('other') && keys.every((k) => PLURAL_CATEGORIES.has(k));
}

const PLURAL_CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

function mergeDeep(base: unknown, over: unknown): unknown {
  // A plural text is replaced whole: English "one" must not leak into a language that has no "one".
  if (isPluralText(over)) return over;
  if (typeof base !== 'object' || base === null || typeof over !== 'object' || over === null) {
    return over === undefined ? base : over;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = mergeDeep(out[k], v);
  return out;
}
