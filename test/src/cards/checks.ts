/** Contract checks for cards: the Adaptive Card JSON schema, per-element versions, and the `adaptivecards` parser. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';

const CONTRACTS = path.resolve(__dirname, '../../../../test/contracts');
const PEOPLE_PICKER_DATA = { type: 'Data.Query', dataset: 'graph.microsoft.com/users' };

type Json = Record<string, unknown>;
let schema15: { validate: ValidateFunction; definitions: Record<string, Json> } | undefined;

function loadSchema() {
  if (schema15) return schema15;
  // SOURCES.md §6 c: draft-06 meta-schema, legacy top-level `id` renamed to `$id`.
  const doc = JSON.parse(fs.readFileSync(path.join(CONTRACTS, 'adaptive-card-1.5.schema.json'), 'utf8')) as Json;
  doc.$id = doc.id;
  delete doc.id;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(draft06);
  addFormats(ajv);
  schema15 = { validate: ajv.compile(doc), definitions: doc.definitions as Record<string, Json> };
  return schema15;
}

/**
 * The Teams people picker (`choices.data` with the graph.microsoft.com/users dataset) is a Teams feature the 1.5
 * schema does not list; check its exact shape, then remove it so the rest of the card is held to the schema.
 */
export function withoutPeoplePicker(card: unknown): unknown {
  if (Array.isArray(card)) return card.map(withoutPeoplePicker);
  if (card === null || typeof card !== 'object') return card;
  const out: Json = {};
  for (const [k, v] of Object.entries(card as Json)) {
    if (k === 'choices.data') {
      if (JSON.stringify(v) !== JSON.stringify(PEOPLE_PICKER_DATA))
        throw new Error(`unexpected choices.data ${JSON.stringify(v)}`);
      continue;
    }
    out[k] = withoutPeoplePicker(v);
  }
  return out;
}

/** Schema errors of a card against the Adaptive Card 1.5 JSON schema ([] when valid). */
export function schemaErrors(card: unknown): string[] {
  const { validate } = loadSchema();
  if (validate(withoutPeoplePicker(card))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Elements and properties newer than `target`, read from the schema's own `version` annotations. */
export function newerThan(card: unknown, target: string): string[] {
  const { definitions } = loadSchema();
  const found: string[] = [];
  const newer = (v: unknown) => typeof v === 'string' && Number(v) > Number(target);
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
    if (node === null || typeof node !== 'object') return;
    const obj = node as Json;
    const def = typeof obj.type === 'string' ? definitions[obj.type] : undefined;
    if (def && newer(def.version)) found.push(`${at}: ${obj.type} is ${def.version}`);
    for (const [k, v] of Object.entries(obj)) {
      const version = def ? propertyVersion(def, k, definitions) : undefined;
      if (newer(version)) found.push(`${at}: ${String(obj.type)}.${k} is ${version}`);
      if (k !== 'data') walk(v, `${at}/${k}`);
    }
  };
  walk(card, '');
  return found;
}

/** The highest `version` annotation of a property on a definition or the definitions it extends (allOf). */
function propertyVersion(def: Json, key: string, definitions: Record<string, Json>): string | undefined {
  const versions: string[] = [];
  const own = (def.properties as Record<string, Json> | undefined)?.[key]?.version;
  if (typeof own === 'string') versions.push(own);
  for (const part of (def.allOf as Json[] | undefined) ?? []) {
    const ref = typeof part.$ref === 'string' ? definitions[part.$ref.replace('#/definitions/', '')] : undefined;
    const v = ref ? propertyVersion(ref, key, definitions) : undefined;
    if (v) versions.push(v);
  }
  return versions.sort((a, b) => Number(b) - Number(a))[0];
}

// The ESM build fails in Node; the UMD bundle parses and validates without a DOM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

/** Parser and validateProperties messages at the target version, minus the two the people picker always causes. */
export function parserIssues(card: unknown, target: '1.3' | '1.4' | '1.5'): string[] {
  const version = { '1.3': AC.Versions.v1_3, '1.4': AC.Versions.v1_4, '1.5': AC.Versions.v1_5 }[target];
  const ac = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(version);
  ac.parse(card, ctx);
  const messages: Array<{ message: string; source?: { id?: string } }> = [];
  for (let i = 0; i < ctx.eventCount; i++) messages.push(ctx.getEventAt(i));
  messages.push(...ac.validateProperties().validationEvents);
  return messages
    .filter(
      (m) => !(m.message === 'Property "choices.data" is supported in version 1.6, but you are using version 1.5.'),
    )
    .filter(
      (m) =>
        !(m.message === 'An Input.ChoiceSet must have at least one choice defined.' && m.source?.id === 'recipients'),
    )
    .map((m) => m.message);
}

/** Every node of a card (depth first), for assertions on elements and actions. */
export function nodes(card: unknown): Json[] {
  const out: Json[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n === null || typeof n !== 'object') return;
    out.push(n as Json);
    Object.values(n as Json).forEach(walk);
  };
  walk(card);
  return out;
}

/** All texts a person can see (TextBlock/TextRun text, labels, titles, choice titles, placeholders). */
export function visibleTexts(card: unknown): string[] {
  const out: string[] = [];
  for (const n of nodes(card))
    for (const k of ['text', 'label', 'title', 'placeholder']) if (typeof n[k] === 'string') out.push(n[k] as string);
  return out;
}
