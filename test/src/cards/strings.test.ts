import { strict as assert } from 'node:assert';
import {
  bundle,
  formattingLocale,
  isPluralText,
  LANGUAGES,
  pickLanguage,
  plural,
  strings,
  type PluralText,
  textDirection,
} from '../../../src/cards/strings';
import { DOMAIN_MESSAGES } from '../../../src/domain/messages';

type Tree = Record<string, unknown>;

/** Every leaf of a bundle as "a.b.c" → text or plural forms. */
function leaves(tree: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree as Tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string' || isPluralText(v)) out.set(key, v);
    else if (v !== null && typeof v === 'object') for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

// The reference: en.json plus the domain's English messages, which other languages translate under "domain".
const en = leaves({ ...(bundle('en') as Tree), domain: DOMAIN_MESSAGES });
const others = LANGUAGES.filter((l) => l !== 'en');

describe('cards: strings in every language', () => {
  it('has English plus German, French, Spanish, Japanese and Arabic', () => {
    for (const l of ['en', 'de', 'fr', 'es', 'ja', 'ar']) assert.ok(LANGUAGES.includes(l), l);
  });

  for (const lang of others) {
    describe(lang, () => {
      const texts = leaves(bundle(lang));

      it("has exactly en.json's keys", () => {
        const missing = [...en.keys()].filter((k) => !texts.has(k));
        const extra = [...texts.keys()].filter((k) => !en.has(k));
        assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
      });

      it("keeps every text's placeholders, and plural texts have exactly the language's plural categories", () => {
        const categories = [...new Intl.PluralRules(lang).resolvedOptions().pluralCategories].sort();
        const problems: string[] = [];
        for (const [key, ref] of en) {
          const text = texts.get(key);
          if (typeof ref === 'string') {
            if (typeof text !== 'string') problems.push(`${key}: not a text`);
            else if (placeholders(text).join() !== placeholders(ref).join())
              problems.push(`${key}: {${placeholders(text)}} instead of {${placeholders(ref)}}`);
            continue;
          }
          if (!isPluralText(ref) || !isPluralText(text)) {
            problems.push(`${key}: plural forms expected`);
            continue;
          }
          const forms = Object.keys(text).sort();
          if (forms.join() !== categories.join()) problems.push(`${key}: forms ${forms} instead of ${categories}`);
          const wanted = placeholders(ref.other);
          for (const [form, value] of Object.entries(text)) {
            const got = placeholders(value!);
            // "one"/"two" may spell the number out ("ثانيتين"); every other placeholder must stay.
            const ok =
              form === 'other'
                ? got.join() === wanted.join()
                : got.every((p) => wanted.includes(p)) && wanted.every((p) => p === 'count' || got.includes(p));
            if (!ok) problems.push(`${key}.${form}: {${got}} instead of {${wanted}}`);
          }
        }
        assert.deepEqual(problems, []);
      });

      it('is translated, not English copied over (brand names and separators aside)', () => {
        const same = [...en]
          .filter(([k, v]) => typeof v === 'string' && /[a-z]{4,}/.test(v) && texts.get(k) === v)
          .map(([k]) => k)
          .filter((k) => !/dialogTitle$|errors\.dialogTitle|bot\.dialogTitles\.error|drives\.|Placeholder$/.test(k));
        // A few words are the same in some languages (German "Link", French "Image"/"Audio"...); never many.
        assert.ok(same.length <= 8, `${lang} copies English for ${same.join(', ')}`);
      });
    });
  }

  it('English plural texts have one and other', () => {
    for (const [key, v] of en)
      if (typeof v !== 'string') assert.deepEqual(Object.keys(v as Tree).sort(), ['one', 'other'], key);
  });
});

describe('cards: choosing the language', () => {
  it('serves a locale by its language, in any spelling, and English for any other language', () => {
    assert.equal(pickLanguage('de-DE'), 'de');
    assert.equal(pickLanguage('de_at'), 'de');
    assert.equal(pickLanguage('AR-sa'), 'ar');
    assert.equal(pickLanguage('ja-JP'), 'ja');
    assert.equal(pickLanguage('fr-CA'), 'fr');
    assert.equal(pickLanguage('es-419'), 'es');
    assert.equal(pickLanguage('pt-BR'), 'en');
    assert.equal(pickLanguage('x-klingon'), 'en');
    assert.equal(pickLanguage(''), 'en');
    assert.equal(pickLanguage(undefined), 'en');
    assert.equal(pickLanguage('pt-BR, es;q=0.8, en;q=0.5'), 'es');
    assert.equal(strings('de-DE').options.create, 'Link erstellen');
    assert.equal(strings('pt-BR').options.create, 'Create link');
  });

  it('formats in the person’s locale when their language has texts, else in English', () => {
    assert.equal(formattingLocale('de-AT'), 'de-AT');
    assert.equal(formattingLocale('ar_SA'), 'ar-SA');
    assert.equal(formattingLocale('en-GB'), 'en-GB');
    assert.equal(formattingLocale('pl-PL'), 'en');
    assert.equal(formattingLocale(undefined), 'en');
  });

  it('reads Arabic right to left and the rest left to right', () => {
    assert.equal(textDirection('ar-SA'), 'rtl');
    assert.equal(textDirection('ar'), 'rtl');
    assert.equal(textDirection('de-DE'), 'ltr');
    assert.equal(textDirection('he-IL'), 'ltr', 'no Hebrew texts: served in English, left to right');
  });
});

describe('cards: plural texts', () => {
  it('picks each of the six Arabic forms', () => {
    const forms = strings('ar').common.itemCount as PluralText;
    const got = [0, 1, 2, 3, 11, 100].map((n) => plural(forms, n, 'ar-SA'));
    assert.deepEqual(got, [forms.zero, forms.one, forms.two, '٣ عناصر', '١١ عنصرًا', '١٠٠ عنصر']);
  });

  it('English, German, French and Japanese pick their own forms and format the number for the locale', () => {
    assert.equal(plural(strings('en').common.itemCount, 1, 'en-US'), '1 item');
    assert.equal(plural(strings('en').common.itemCount, 1200, 'en-US'), '1,200 items');
    assert.equal(plural(strings('de').common.itemCount, 1200, 'de-DE'), '1.200 Elemente');
    assert.equal(plural(strings('fr').common.itemCount, 0, 'fr-FR'), '0 élément', 'French: 0 is singular');
    assert.equal(plural(strings('fr').common.itemCount, 1_000_000, 'fr-FR'), '1\u202f000\u202f000 d’éléments');
    assert.equal(plural(strings('ja').common.itemCount, 1, 'ja-JP'), '1 個のアイテム');
  });
});
