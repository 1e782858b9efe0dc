/**
 * Validates Microsoft Graph request/response bodies against the vendored OpenAPI subsets
 * (test/contracts/graph-v1.0-drives.yaml, graph-beta-drives.yaml), following test/contracts/SOURCES.md §6 (a).
 * The documents are large: each version is parsed and compiled once, on first use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as yaml from 'js-yaml';

export type GraphVersion = 'v1.0' | 'beta';

export interface ContractResult {
  valid: boolean;
  /** ajv errors as "instancePath message" lines. */
  errors: string[];
}

interface OpenApiDoc {
  paths: Record<string, Record<string, unknown> & { 'x-contracts-canonical-path'?: string }>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
}

interface Compiled {
  doc: OpenApiDoc;
  ajv: Ajv;
  cache: Map<string, ValidateFunction>;
}

const CONTRACTS_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'contracts');
const compiled = new Map<GraphVersion, Compiled>();

/** Removes every `additionalProperties` key (SOURCES.md §6 a: AutoRest's "open type" marker breaks allOf). */
function stripAdditionalProperties(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripAdditionalProperties);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (k !== 'additionalProperties') out[k] = stripAdditionalProperties(v);
    return out;
  }
  return node;
}

/** Points local `#/components/...` refs at the registered `graph` schema. */
function rebaseRefs<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"graph#/components')) as T;
}

function load(version: GraphVersion): Compiled {
  const hit = compiled.get(version);
  if (hit) return hit;
  const file = path.join(CONTRACTS_DIR, `graph-${version}-drives.yaml`);
  const doc = yaml.load(fs.readFileSync(file, 'utf8')) as OpenApiDoc;
  // logger off: the documents use OpenAPI-only formats (int16, base64url, …) that ajv would warn about one by one.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const f of ['int16', 'uint8', 'sbyte', 'base64url', 'decimal']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: 'graph', components: stripAdditionalProperties(doc.components) });
  const c: Compiled = { doc, ajv, cache: new Map() };
  compiled.set(version, c);
  return c;
}

function run(validate: ValidateFunction, body: unknown): ContractResult {
  const valid = validate(body) as boolean;
  return {
    valid,
    errors: valid ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim()),
  };
}

/** JSON-pointer escaping of a component name ("application/json" → "application~1json"). */
const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Validates a response body. `schemaName` is a component schema ("microsoft.graph.permission", or short "permission",
 * "ODataErrors.ODataError", "permissionCollectionResponse") or a component response ("searchResponse", "recentResponse", "error").
 */
export function validateGraphResponse(version: GraphVersion, schemaName: string, body: unknown): ContractResult {
  const c = load(version);
  const cacheKey = `response:${schemaName}`;
  let validate = c.cache.get(cacheKey);
  if (!validate) {
    const schemas = c.doc.components.schemas;
    const responses = c.doc.components.responses;
    let ref: string;
    if (schemas[schemaName]) ref = `graph#/components/schemas/${escapePointer(schemaName)}`;
    else if (schemas[`microsoft.graph.${schemaName}`])
      ref = `graph#/components/schemas/${escapePointer(`microsoft.graph.${schemaName}`)}`;
    else if (responses[schemaName])
      ref = `graph#/components/responses/${escapePointer(schemaName)}/content/application~1json/schema`;
    else throw new Error(`No schema or response named '${schemaName}' in graph-${version}-drives.yaml`);
    validate = c.ajv.compile({ $ref: ref });
    c.cache.set(cacheKey, validate);
  }
  return run(validate, body);
}

/** Validates a request body for an operation found by canonical path (e.g. `/drives/{drive-id}/items/{driveItem-id}/createLink`). */
export function validateGraphRequest(
  version: GraphVersion,
  canonicalPath: string,
  method: string,
  body: unknown,
  options: { closed?: boolean } = {},
): ContractResult {
  const c = load(version);
  const cacheKey = `request:${method}:${canonicalPath}:${options.closed ? 'closed' : 'open'}`;
  let validate = c.cache.get(cacheKey);
  if (!validate) {
    const entry = Object.entries(c.doc.paths).find(
      ([p, item]) => p === canonicalPath || item['x-contracts-canonical-path'] === canonicalPath,
    );
    if (!entry) throw new Error(`No path '${canonicalPath}' in graph-${version}-drives.yaml`);
    const op = entry[1][method.toLowerCase()] as
      { requestBody?: { content?: Record<string, { schema?: unknown }> } } | undefined;
    const schema = op?.requestBody?.content?.['application/json']?.schema;
    if (!schema)
      throw new Error(
        `${method.toUpperCase()} ${canonicalPath} has no JSON request body in graph-${version}-drives.yaml`,
      );
    const rebased = rebaseRefs(stripAdditionalProperties(schema)) as Record<string, unknown>;
    // Closed: only the declared parameters, as the service binds action parameters by name.
    validate = c.ajv.compile(options.closed ? { ...rebased, additionalProperties: false } : rebased);
    c.cache.set(cacheKey, validate);
  }
  return run(validate, body);
}

/** Validates a createLink body: the declared eight parameters with their types, and nothing else. */
export function validateCreateLinkRequest(version: GraphVersion, body: unknown): ContractResult {
  return validateGraphRequest(version, '/drives/{drive-id}/items/{driveItem-id}/createLink', 'post', body, {
    closed: true,
  });
}

/** Throws an assertion-style error listing the contract violations of a response. */
export function assertGraphResponse(version: GraphVersion, schemaName: string, body: unknown): void {
  const r = validateGraphResponse(version, schemaName, body);
  if (!r.valid)
    throw new Error(
      `Body does not match ${schemaName} (${version}):\n  ${r.errors.join('\n  ')}\n${JSON.stringify(body, null, 2)}`,
    );
}

/** Throws when a createLink body breaks the contract. */
export function assertCreateLinkRequest(version: GraphVersion, body: unknown): void {
  const r = validateCreateLinkRequest(version, body);
  if (!r.valid) throw new Error(`createLink body does not match the ${version} contract:\n  ${r.errors.join('\n  ')}`);
}

/** The operation whose canonical path template matches a request path (e.g. `/drives/d/items/i/createLink`). */
function operationFor(version: GraphVersion, method: string, urlPath: string): Record<string, unknown> | undefined {
  const { doc } = load(version);
  for (const item of Object.values(doc.paths)) {
    const canonical = item['x-contracts-canonical-path'];
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

/** Whether the contract describes this method + request path (canonical forms only; `/me/…` aliases are not described). */
export function hasOperation(version: GraphVersion, method: string, urlPath: string): boolean {
  return operationFor(version, method, urlPath) !== undefined;
}

/**
 * Validates a request body against the operation matching `urlPath`; returns the problems (empty when valid). A
 * plain-valued property the description does not name counts as a problem (the description marks extra members as
 * open objects). Throws when no operation matches.
 */
export function requestBodyErrors(version: GraphVersion, method: string, urlPath: string, body: unknown): string[] {
  const op = operationFor(version, method, urlPath);
  if (!op) throw new Error(`no contract operation for ${method} ${urlPath}`);
  const schema = (op.requestBody as { content: Record<string, { schema: unknown }> }).content['application/json']
    .schema;
  const errors = run(load(version).ajv.compile(rebaseRefs(stripAdditionalProperties(schema)) as object), body).errors;
  const known = Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (!known.includes(k) && (typeof v !== 'object' || v === null))
      errors.push(`/${k} is not a property of the request body`);
  }
  return errors;
}
