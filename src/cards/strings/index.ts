import en from './en.json';

/** The shape of one language's card texts; English is the reference every other language is checked against. */
export type CardStrings = typeof en;

/** Languages with a resource file. Add a language by adding `xx.json` with the same keys and listing it here. */
const BUNDLES: Record<string, DeepPartial<CardStrings>> = { en };

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

const cache = new Map<string, CardStrings>();

/** The card texts for a locale ("de-DE", "de", …), falling back key by key to English. */
export function strings(locale?: string): CardStrings {
  const lang = pickLanguage(locale);
  let bundle = cache.get(lang);
  if (!bundle) {
    bundle = lang === 'en' ? en : (mergeDeep(en, BUNDLES[lang] ?? {}) as CardStrings);
    cache.set(lang, bundle);
  }
  return bundle;
}

/** The language code whose bundle serves `locale` ("en" when none matches). */
export function pickLanguage(locale?: string): string {
  if (!locale) return 'en';
  const lower = locale.toLowerCase();
  if (BUNDLES[lower]) return lower;
  const base = lower.split(/[-_]/)[0] ?? '';
  return BUNDLES[base] ? base : 'en';
}

/** Fills `{name}` placeholders; unknown placeholders stay visible so a missing value is noticed in review. */
export function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

function mergeDeep(base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || typeof over !== 'object' || over === null) {
    return over === undefined ? base : over;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = mergeDeep(out[k], v);
  return out;
}
