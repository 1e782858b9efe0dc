import { invalidRequest } from './errors';
import type { DriveState, ItemState } from './store';

/** A parsed search query: plain terms (all must occur in the name) and `filetype:` filters. */
export interface NameQuery {
  terms: string[];
  fileTypes: string[];
}

/** Splits a query into lower-cased terms; `filetype:docx` restricts by extension (KQL-style). */
export function parseNameQuery(q: string): NameQuery {
  const terms: string[] = [];
  const fileTypes: string[] = [];
  for (const raw of q.toLowerCase().split(/\s+/).filter(Boolean)) {
    const word = raw.replace(/^"|"$/g, '');
    const ft = /^filetype:(\w+)$/.exec(word);
    if (ft) fileTypes.push(ft[1]);
    else if (word !== '*') terms.push(word);
  }
  return { terms, fileTypes };
}

/** Whether an item's name matches every term (case-insensitive substring) and any filetype filter. */
export function nameMatches(item: ItemState, query: NameQuery): boolean {
  const name = item.name.toLowerCase();
  if (query.fileTypes.length && (!item.file || !query.fileTypes.some((t) => name.endsWith(`.${t}`)))) return false;
  return query.terms.every((t) => name.includes(t));
}

/** Descendants of an item, depth-first in seed order. */
export function descendants(drive: DriveState, item: ItemState): ItemState[] {
  const out: ItemState[] = [];
  for (const c of drive.items.values()) {
    if (c.parentId !== item.id) continue;
    out.push(c, ...descendants(drive, c));
  }
  return out;
}

/** Reads `q='…'` from a `search(...)` function segment (OData doubles a quote inside the literal). */
export function parseSearchArgument(arg: string): string {
  const m = /^\s*q\s*=\s*'((?:[^']|'')*)'\s*$/s.exec(arg);
  if (!m) throw invalidRequest("The search function needs a parameter q='…' with the text in single quotes.");
  return m[1].replace(/''/g, "'");
}

/** A paging parameter ($top, $skiptoken, from, size) that must be a whole number in a range. */
export function wholeNumber(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw invalidRequest(
      `Invalid value '${String(value)}' for '${name}': expected a whole number from ${min} to ${max}.`,
    );
  return n;
}

/** The `summary` of a search hit: the name with matched terms wrapped in <c0> as Microsoft Search does. */
export function hitSummary(item: ItemState, query: NameQuery): string {
  let s = item.name;
  for (const t of query.terms) {
    const i = s.toLowerCase().indexOf(t);
    if (i >= 0) s = `${s.slice(0, i)}<c0>${s.slice(i, i + t.length)}</c0>${s.slice(i + t.length)}`;
  }
  return `${s}<ddd/>`;
}
