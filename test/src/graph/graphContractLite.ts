import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as yaml from 'js-yaml';

/**
 * Minimal request validation against the vendored Graph OpenAPI subsets (test/contracts/SOURCES.md §6 a), for
 * this helper's tests only. TODO(lead): replace with test/helpers/graphContract.ts once it is merged.
 */
type Doc = { paths: Record<string, Record<string, unknown>>; components: Record<string, unknown> };

const cache = new Map<string, { doc: Doc; ajv: Ajv }>();

function stripAdditionalProperties(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripAdditionalProperties);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (k !== 'additionalProperties') out[k] = stripAdditionalProperties(v);
    return out;
  }
  return node;
}

function load(version: 'v1.0' | 'beta') {
  let entry = cache.get(version);
  if (!entry) {
    const file = path.resolve(__dirname, '../../../../test/contracts', `graph-${version}-drives.yaml`);
    const doc = yaml.load(fs.readFileSync(file, 'utf8')) as Doc;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'graph', components: stripAdditionalProperties(doc.components) });
    entry = { doc, ajv };
    cache.set(version, entry);
  }
  return entry;
}

/** The operation whose canonical path template matches `urlPath` (e.g. `/drives/d/items/i/createLink`). */
function operationFor(version: 'v1.0' | 'beta', method: string, urlPath: string) {
  const { doc } = load(version);
  for (const item of Object.values(doc.paths)) {
    const canonical = item['x-contracts-canonical-path'] as string | undefined;
    if (!canonical) continue;
    const pattern = new RegExp(
      '^' +
        canonical
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\\\(q='\{q\}'\\\)/g, "\\(q='.*'\\)")
          .replace(/\{[^}]+\}/g, '[^/]+') +
        '$',
    );
    if (pattern.test(urlPath) && item[method.toLowerCase()])
      return item[method.toLowerCase()] as Record<string, unknown>;
  }
  return undefined;
}

/** Validates a request body against the contract; returns ajv's errors (empty when valid). Throws if no operation matches. */
export function requestBodyErrors(version: 'v1.0' | 'beta', method: string, urlPath: string, body: unknown): string[] {
  const op = operationFor(version, method, urlPath);
  if (!op) throw new Error(`no contract operation for ${method} ${urlPath}`);
  const schema = (op.requestBody as { content: Record<string, { schema: unknown }> }).content['application/json']
    .schema;
  const { ajv } = load(version);
  const rewritten = JSON.parse(
    JSON.stringify(stripAdditionalProperties(schema)).replaceAll('"#/components', '"graph#/components'),
  );
  const validate: ValidateFunction = ajv.compile(rewritten);
  const errors = validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  // The description marks extra members as open objects; a plain-valued property it does not name is a mistake.
  const known = Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (!known.includes(k) && (typeof v !== 'object' || v === null))
      errors.push(`/${k} is not a property of the request body`);
  }
  return errors;
}

/** Whether the contract describes this method + path (canonical forms only; `/me/…` aliases are not described). */
export function hasOperation(version: 'v1.0' | 'beta', method: string, urlPath: string): boolean {
  return operationFor(version, method, urlPath) !== undefined;
}
