import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as plain JSON, ready to go into an attachment. */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string; [key: string]: unknown };

/** Result of expanding a template: the card and what the templating engine complained about. */
export interface Expansion<T = AdaptiveCardJson> {
  card: T;
  warnings: string[];
}

/** Keys whose empty-string value means "not set": dropped after expansion so inputs get no bogus value. */
const OPTIONAL_WHEN_EMPTY = new Set(['value', 'min', 'max', 'placeholder', 'errorMessage', 'altText', 'tooltip']);

/**
 * Expands a JSON template with `${…}` bindings against view data (every binding must be present in the data:
 * a missing one would stay in the output as literal text). Data values are never re-evaluated as expressions.
 */
export function expandTemplate<T = AdaptiveCardJson>(template: object, data: object): Expansion<T> {
  const tpl = prepared(template);
  const expanded = tpl.expand({ $root: data }) as unknown;
  // The typings mark the warnings private although the engine documents them; read them without `any`.
  const raw = (tpl as unknown as { templateExpansionWarnings?: unknown[] }).templateExpansionWarnings ?? [];
  const warnings = raw.map(String).filter((w) => !isFalseWhenWarning(w));
  return { card: prune(expanded) as T, warnings };
}

/**
 * Parsing a template's `${…}` expressions was the largest share of the service's own CPU per invoke (benchmark
 * profile). The engine parses in the Template constructor and resets its warnings on every expand, and expansion
 * is synchronous, so one prepared Template per template object serves every call.
 */
const preparedTemplates = new WeakMap<object, ACData.Template>();

function prepared(template: object): ACData.Template {
  let tpl = preparedTemplates.get(template);
  if (!tpl) {
    tpl = new ACData.Template(template);
    preparedTemplates.set(template, tpl);
  }
  return tpl;
}

/**
 * adaptivecards-templating logs a warning for every `$when` that evaluates to false (AdaptiveCards#7945);
 * those are normal here. Any other warning is a template bug.
 */
function isFalseWhenWarning(w: string): boolean {
  return /The \$when condition has been set to false by default\.$/.test(w);
}

function prune(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prune);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (v === '' && OPTIONAL_WHEN_EMPTY.has(k)) continue;
    out[k] = prune(v);
  }
  return out;
}
