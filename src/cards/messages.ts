import { numberFormat } from '../domain/intl';
import { english, fillText, DOMAIN_MESSAGES, type DomainMessage, type DomainMessageParam } from '../domain/messages';
import type { ShareError } from '../domain/errors';
import type { ResolvedEnv } from './common';
import { formatDate, isolate } from './format';
import { domainTexts, pickLanguage } from './strings';

/**
 * A domain message in the card's language. English is the domain's own text (so cards, logs and API answers say
 * the same thing); other languages fill their translation with values worded in that language: link types and
 * scopes by the names the dialog shows, dates in the person's locale and zone, names and addresses isolated.
 */
export function say(m: DomainMessage, env: ResolvedEnv): string {
  const lang = pickLanguage(env.locale);
  if (lang === 'en') return english(m);
  const values: Record<string, string> = {};
  for (const [name, p] of Object.entries(m.params ?? {})) values[name] = word(p, env);
  return fillText(domainTexts(lang)[m.key] ?? DOMAIN_MESSAGES[m.key], values);
}

/** Text for a validation problem or reason that is either already a sentence or a domain message. */
export function sayEither(text: string | DomainMessage, env: ResolvedEnv): string {
  return typeof text === 'string' ? text : say(text, env);
}

/**
 * What a card may show of an error's own text: its message in the card's language, or (English cards only) its
 * English text. Texts that exist only in English (Microsoft's own error messages) stay out of other languages'
 * cards; the kind's translated title, explanation and advice say what happened.
 */
export function errorText(err: ShareError, env: ResolvedEnv): string {
  if (err.details.message) return say(err.details.message, env);
  return pickLanguage(env.locale) === 'en' ? err.message.trim() : '';
}

function word(p: DomainMessageParam, env: ResolvedEnv): string {
  const s = env.s;
  if (typeof p === 'string') return isolate(p);
  if (typeof p === 'number') return numberFormat(env.locale, {}).format(p);
  if ('linkType' in p) return s.linkTypes[p.linkType as keyof typeof s.linkTypes] ?? p.linkType;
  if ('scope' in p) return s.tab.scopes[p.scope as keyof typeof s.tab.scopes] ?? p.scope;
  if ('drive' in p) return s.drives[p.drive] ?? p.drive;
  if ('day' in p) return formatDate(p.day, env.locale, p.timeZone ?? env.timeZone);
  if ('date' in p) return formatDate(p.date, env.locale, env.timeZone);
  if ('list' in p) return p.list.map(isolate).join(s.common.listSeparator);
  return say(p.message, env);
}
