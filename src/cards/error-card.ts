import { ShareError, type ShareErrorKind } from '../domain/errors';
import { resolveEnv, withDirection } from './common';
import { errorText } from './messages';
import { SUBMIT_ACTIONS } from './contract';
import { fill, plural, type PluralText } from './strings';
import { expandTemplate, type Expansion } from './template';
import template from './templates/error.json';

export interface ErrorCardOptions {
  locale?: string;
  /** Inside a dialog: add a "Back" button (Action.Submit `{action:"back"}`) to return to the finder. */
  inDialog?: boolean;
}

/** Kinds that are the person's to fix are shown calmly; the rest as warnings. */
const STYLE: Record<ShareErrorKind, 'warning' | 'attention'> = {
  consentRequired: 'warning',
  signInRequired: 'warning',
  accessDenied: 'attention',
  notFound: 'attention',
  policyBlocked: 'attention',
  unsupported: 'warning',
  invalidRequest: 'warning',
  throttled: 'warning',
  transient: 'warning',
};

/**
 * The AC 1.4 card for one error kind of the closed taxonomy: what happened, what the person can do, and
 * Graph's request id in small print for support. Works as a message card and as a dialog body.
 */
export function errorCard(kindOrError: ShareError | ShareErrorKind, opts: ErrorCardOptions = {}): Expansion {
  const env = resolveEnv({ publicBaseUrl: '', locale: opts.locale });
  const { s } = env;
  const err = kindOrError instanceof ShareError ? kindOrError : undefined;
  const kind: ShareErrorKind = err ? err.kind : (kindOrError as ShareErrorKind);
  const texts = s.errors[kind];
  const details = err?.details ?? {};
  const requestId = details.requestId ?? '';
  const message = err ? errorText(err, env) : '';
  const expansion = expandTemplate(template, {
    s: s.errors,
    style: STYLE[kind],
    title: texts.title,
    // The app's own per-person share limit, not Microsoft 365's throttling.
    what: kind === 'throttled' && details.code === 'shareRateLimit' ? s.errors.throttled.whatShareLimit : texts.what,
    hasDetails: message !== '',
    detailsText: fill(s.errors.details, { message }),
    todo: kind === 'throttled' ? retryText(details.retryAfterSeconds, s.errors.throttled, env.locale) : texts.todo,
    hasRequestId: requestId !== '',
    requestIdText: details.code
      ? fill(s.common.requestIdWithCode, { id: requestId, code: details.code })
      : fill(s.common.requestId, { id: requestId }),
    actions: opts.inDialog
      ? [{ type: 'Action.Submit', title: s.common.back, data: { action: SUBMIT_ACTIONS.back } }]
      : [],
  });
  return withDirection(expansion, env);
}

function retryText(
  seconds: number | undefined,
  t: { todo: PluralText; todoMinutes: PluralText; todoUnknown: string },
  locale: string,
): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return t.todoUnknown;
  const whole = Math.ceil(seconds);
  return whole < 120 ? plural(t.todo, whole, locale) : plural(t.todoMinutes, Math.ceil(whole / 60), locale);
}

/**
 * One line for an error where no card fits (a search answer, a Universal Action error): the error's own text in
 * the person's language when it has one, else its kind's explanation and advice.
 */
export function errorSummary(err: ShareError, locale: string | undefined): string {
  const env = resolveEnv({ publicBaseUrl: '', locale });
  const own = errorText(err, env);
  if (own) return own;
  const texts = env.s.errors[err.kind];
  const todo =
    err.kind === 'throttled'
      ? retryText(err.details.retryAfterSeconds, env.s.errors.throttled, env.locale)
      : texts.todo;
  return `${texts.what} ${todo}`;
}
