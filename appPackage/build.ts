import * as fs from 'node:fs';
import * as path from 'node:path';
import AdmZip from 'adm-zip';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { readEnvFiles } from '../src/config';

/**
 * Builds the Teams app package: renders appPackage/manifest.json with the environment's `${{VAR}}` values,
 * validates it offline against the Teams manifest JSON schema, and zips it with the two icons.
 * Usage: `npm run package:app [-- <env>]` (default env: $TEAMSFX_ENV, else "dev").
 */

type Env = Record<string, string | undefined>;
export type Manifest = Record<string, unknown>;

/** Toolkit placeholder syntax: `${{NAME}}`. */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Placeholders that may legitimately render empty (the production app name has no suffix). */
export const MAY_BE_EMPTY: ReadonlySet<string> = new Set(['APP_NAME_SUFFIX']);

/** A template still references variables that have no value in the chosen environment. */
export class UnresolvedPlaceholderError extends Error {
  constructor(
    public readonly names: string[],
    where: string,
  ) {
    super(
      `${where} references ${names.length === 1 ? 'a variable' : 'variables'} with no value: ` +
        `${names.map((n) => '${{' + n + '}}').join(', ')}. Set ${names.length === 1 ? 'it' : 'them'} in ` +
        'env/.env.<env>, env/.env.<env>.user or the process environment (Toolkit provision writes most of them).',
    );
    this.name = 'UnresolvedPlaceholderError';
  }
}

/** Where the package is published (APP_DISTRIBUTION): the organization's app catalog, or the Teams Store. */
export type Distribution = 'organization' | 'store';
export const DISTRIBUTIONS: readonly Distribution[] = ['organization', 'store'];

/**
 * Suffixes nobody publishing this app controls: Microsoft's shared SharePoint, tenant and consumer OneDrive domains.
 * Learn "Link unfurling" and the manifest schema (validDomains): "Don't add domains that are outside your control,
 * either directly or through wildcards" (their example: `*.onmicrosoft.com`).
 */
const SHARED_SUFFIXES = [
  'sharepoint.com',
  'sharepoint.us',
  'sharepoint.de',
  'sharepoint.cn',
  'sharepoint-mil.us',
  'onmicrosoft.com',
  'live.com',
  'microsoft.com',
  'office.com',
  'cloud.microsoft',
  '1drv.ms',
];
const HOST_LABEL = /^(?:\*|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/;

/** Why one link-unfurling domain may not be registered ([] when it may): a domain your organization controls. */
export function unfurlDomainProblems(domain: string): string[] {
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => HOST_LABEL.test(l))) {
    return [`"${domain}" is not a host name (no scheme, path or port; a wildcard only as a whole leading label)`];
  }
  const wildcards = labels.findIndex((l) => l !== '*');
  if (wildcards < 0 || labels.slice(wildcards).includes('*')) {
    return [`"${domain}": a wildcard label may only be followed by other wildcards or the domain`];
  }
  const base = labels.slice(wildcards).join('.');
  const underShared = SHARED_SUFFIXES.some((s) => base === s || base.endsWith(`.${s}`));
  if (wildcards > 0 && (labels.length - wildcards < 2 || underShared)) {
    return [`"${domain}" covers hosts outside your control (other organizations' or Microsoft's)`];
  }
  if (SHARED_SUFFIXES.includes(base) || base === 'onedrive.live.com') {
    return [`"${domain}" is a Microsoft domain, not one your organization controls`];
  }
  return [];
}

/**
 * The build-time choice of where the package goes (docs/deploy.md, "Distribution and link unfurling"):
 * `organization` (default) registers `LINK_UNFURL_DOMAINS` — your tenant's own SharePoint hosts — for link
 * unfurling; `store` registers none, since SharePoint and OneDrive hosts belong to Microsoft and to each customer.
 * Sets `composeExtensions[0].messageHandlers` on the rendered manifest and returns what is wrong ([] when fine).
 */
export function applyDistribution(manifest: Manifest, vars: Env): string[] {
  const distribution = (vars.APP_DISTRIBUTION ?? '').trim() || 'organization';
  if (!(DISTRIBUTIONS as readonly string[]).includes(distribution)) {
    return [`APP_DISTRIBUTION "${distribution}" is not one of ${DISTRIBUTIONS.join(', ')}`];
  }
  const domains = [
    ...new Set(
      (vars.LINK_UNFURL_DOMAINS ?? '')
        .split(/[\s,;]+/)
        .map((d) => d.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const problems: string[] = [];
  if (distribution === 'store' && domains.length) {
    problems.push(
      'LINK_UNFURL_DOMAINS must be empty for APP_DISTRIBUTION=store: the Store accepts only domains you control, ' +
        "and SharePoint and OneDrive hosts are Microsoft's and your customers'",
    );
  }
  if (distribution === 'organization') for (const d of domains) problems.push(...unfurlDomainProblems(d));
  const ext = (manifest.composeExtensions as Array<Record<string, unknown>> | undefined)?.[0];
  if (ext) delete ext.messageHandlers;
  if (ext && domains.length && !problems.length) {
    ext.messageHandlers = [{ type: 'link', value: { domains, supportsAnonymizedPayloads: false } }];
  }
  return problems.map((p) => (p.startsWith('LINK_') || p.startsWith('APP_') ? p : `LINK_UNFURL_DOMAINS: ${p}`));
}

/** The rendered manifest breaks the Teams schema or one of the cross-field rules. */
export class ManifestInvalidError extends Error {
  constructor(public readonly problems: string[]) {
    super(`The rendered manifest is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ManifestInvalidError';
  }
}

/** Names of every `${{VAR}}` in a text, each once, in order of first use. */
export function findPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * Replaces every `${{VAR}}` in a JSON template with its value (JSON-escaped) and parses the result.
 * Throws UnresolvedPlaceholderError naming every variable that is missing (or empty, unless in MAY_BE_EMPTY).
 */
export function renderTemplate(template: string, vars: Env, where = 'The manifest template'): Manifest {
  const missing = findPlaceholders(template).filter((name) => {
    const value = vars[name];
    return value === undefined || (value.trim() === '' && !MAY_BE_EMPTY.has(name));
  });
  if (missing.length) throw new UnresolvedPlaceholderError(missing, where);
  const text = template.replace(PLACEHOLDER, (_m, name: string) => JSON.stringify(vars[name] ?? '').slice(1, -1));
  return JSON.parse(text) as Manifest;
}

/** Renders appPackage/manifest.json (or another template file) with the given variables. */
export function renderManifest(
  vars: Env,
  templatePath = path.join(repoRoot(), 'appPackage', 'manifest.json'),
): Manifest {
  return renderTemplate(fs.readFileSync(templatePath, 'utf8'), vars, path.relative(repoRoot(), templatePath));
}

/** Folder where @microsoft/app-manifest ships every published Teams manifest schema (v1.0 … v1.30). */
function bundledSchemaDir(): string {
  return path.join(path.dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams');
}

const schemaCache = new Map<string, object>();

/**
 * Loads the Teams manifest schema for a manifestVersion from the local bundle; never touches the network.
 * Throws when no such version was ever published (e.g. "1.18").
 */
export function loadManifestSchema(manifestVersion: string): object {
  const cached = schemaCache.get(manifestVersion);
  if (cached) return cached;
  const file = path.join(bundledSchemaDir(), `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  if (!/^\d+\.\d+$/.test(manifestVersion) || !fs.existsSync(file)) {
    const known = fs
      .readdirSync(bundledSchemaDir())
      .map((d) => d.replace(/^v/, ''))
      .filter((v) => /^\d+\.\d+$/.test(v))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    throw new ManifestInvalidError([
      `manifestVersion "${manifestVersion}" has no published Teams schema (known: ${known.join(', ')})`,
    ]);
  }
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as object;
  schemaCache.set(manifestVersion, schema);
  return schema;
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Compiles (once per schema object) a draft-04 validator the way the Teams schemas need it. The localization
 * schema's key patterns (`…\\b]\\.description$`) are valid JavaScript regular expressions only without the
 * `u` flag Ajv adds by default, so `unicodeRegExp` is off for it.
 */
function validatorFor(schema: object, unicodeRegExp = true): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const ajv = new Ajv04({ strict: false, allErrors: true, unicodeRegExp });
    addFormats(ajv);
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Rules the JSON schema cannot express but Teams enforces (or that break SSO silently when wrong). */
export function checkManifestRules(manifest: Manifest): string[] {
  const problems: string[] = [];
  const version = String(manifest.manifestVersion ?? '');
  const schemaUrl = manifest.$schema;
  if (typeof schemaUrl === 'string' && !schemaUrl.includes(`/v${version}/`)) {
    problems.push(`$schema (${schemaUrl}) does not match manifestVersion ${version}`);
  }
  const bots = (manifest.bots as Array<{ botId?: string }> | undefined) ?? [];
  const extensions = (manifest.composeExtensions as Array<{ botId?: string }> | undefined) ?? [];
  for (const ext of extensions) {
    if (ext.botId && bots.length && !bots.some((b) => b.botId === ext.botId)) {
      problems.push(`composeExtensions botId ${ext.botId} is not the bot declared in bots[]`);
    }
  }
  const validDomains = (manifest.validDomains as string[] | undefined) ?? [];
  const webApp = manifest.webApplicationInfo as { resource?: string } | undefined;
  if (webApp?.resource) {
    const m = /^api:\/\/([^/]+)\//.exec(webApp.resource);
    if (m && !validDomains.includes(m[1])) {
      problems.push(`webApplicationInfo.resource domain ${m[1]} is not in validDomains`);
    }
  }
  for (const domain of validDomains) {
    if (/^\*\.[^.]+$/.test(domain) || domain === '*') problems.push(`validDomains entry "${domain}" is too broad`);
  }
  // Link-unfurling domains, however they got into the manifest, must be ones the publisher controls.
  for (const ext of (manifest.composeExtensions as Array<Record<string, unknown>> | undefined) ?? []) {
    const handlers = (ext.messageHandlers as Array<{ value?: { domains?: string[] } }> | undefined) ?? [];
    for (const d of handlers.flatMap((h) => h.value?.domains ?? [])) {
      problems.push(...unfurlDomainProblems(d).map((p) => `messageHandlers: ${p}`));
    }
  }
  return problems;
}

/**
 * Validates a rendered manifest offline: the Teams JSON schema of its manifestVersion (or the schema given) plus
 * checkManifestRules. Returns readable problems; an empty list means valid.
 */
export function validateManifest(manifest: Manifest, schema?: object): string[] {
  let resolved: object;
  try {
    resolved = schema ?? loadManifestSchema(String(manifest.manifestVersion ?? ''));
  } catch (err) {
    if (err instanceof ManifestInvalidError) return [...err.problems, ...checkManifestRules(manifest)];
    throw err;
  }
  const validate = validatorFor(resolved);
  const problems = validate(manifest)
    ? []
    : (validate.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`,
      );
  return [...problems, ...checkManifestRules(manifest)];
}

/** The Teams localization schema (language files) of a manifestVersion, from the same local bundle. */
export function loadLocalizationSchema(manifestVersion: string): object {
  const key = `localization ${manifestVersion}`;
  const cached = schemaCache.get(key);
  if (cached) return cached;
  const file = path.join(bundledSchemaDir(), `v${manifestVersion}`, 'MicrosoftTeams.Localization.schema.json');
  if (!/^\d+\.\d+$/.test(manifestVersion) || !fs.existsSync(file)) {
    throw new ManifestInvalidError([`manifestVersion "${manifestVersion}" has no published Teams localization schema`]);
  }
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as object;
  schemaCache.set(key, schema);
  return schema;
}

interface LocalizationInfo {
  defaultLanguageTag?: string;
  defaultLanguageFile?: string;
  additionalLanguages?: Array<{ languageTag: string; file: string }>;
}

/** The language files `localizationInfo` names, each rendered with the environment's variables (file → JSON). */
export function renderLocalizations(manifest: Manifest, vars: Env, pkgDir: string): Map<string, Manifest> {
  const info = (manifest.localizationInfo ?? {}) as LocalizationInfo;
  const files = new Map<string, Manifest>();
  const names = [info.defaultLanguageFile, ...(info.additionalLanguages ?? []).map((l) => l.file)];
  for (const name of names) {
    if (!name || files.has(name)) continue;
    const file = path.join(pkgDir, name);
    if (!fs.existsSync(file)) throw new ManifestInvalidError([`language file appPackage/${name} does not exist`]);
    files.set(name, renderTemplate(fs.readFileSync(file, 'utf8'), vars, `appPackage/${name}`));
  }
  return files;
}

/** The manifest value a localization key such as `composeExtensions[0].commands[1].title` replaces. */
function valueAt(manifest: Manifest, key: string): unknown {
  let node: unknown = manifest;
  for (const part of key.match(/[^.[\]]+/g) ?? []) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * Validates the language files offline: each against the Teams localization schema of the manifest's version,
 * each key pointing at a text the manifest has, every language localizing the same keys, and distinct language
 * tags that differ from the default one. Returns readable problems; an empty list means valid.
 */
export function validateLocalizations(manifest: Manifest, files: Map<string, Manifest>): string[] {
  const info = (manifest.localizationInfo ?? {}) as LocalizationInfo;
  const problems: string[] = [];
  const tags = (info.additionalLanguages ?? []).map((l) => l.languageTag.toLowerCase());
  if (new Set(tags).size !== tags.length) problems.push('localizationInfo lists a language twice');
  if (info.defaultLanguageTag && tags.includes(info.defaultLanguageTag.toLowerCase()))
    problems.push(`localizationInfo lists the default language ${info.defaultLanguageTag} as an additional one`);
  if (!files.size) return problems;
  const version = String(manifest.manifestVersion ?? '');
  const validate = validatorFor(loadLocalizationSchema(version), false);
  let reference: string[] | undefined;
  for (const [name, strings] of files) {
    if (!validate(strings)) {
      for (const e of validate.errors ?? [])
        problems.push(`${name}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`);
    }
    const schemaUrl = strings.$schema;
    if (typeof schemaUrl === 'string' && !schemaUrl.includes(`/v${version}/`))
      problems.push(`${name}: $schema (${schemaUrl}) does not match manifestVersion ${version}`);
    const keys = Object.keys(strings)
      .filter((k) => k !== '$schema' && k !== 'localizationKeys')
      .sort();
    for (const key of keys) {
      if (typeof valueAt(manifest, key) !== 'string') problems.push(`${name}: "${key}" is not a text of the manifest`);
    }
    if (reference && keys.join() !== reference.join())
      problems.push(`${name}: localizes ${keys.length} texts, the first language file ${reference.length}`);
    reference ??= keys;
  }
  return problems;
}

/** Repository root (this file runs from dist/appPackage/). */
export function repoRoot(): string {
  const up = path.resolve(__dirname, '..');
  return path.basename(up) === 'dist' ? path.dirname(up) : up;
}

/** The variables a Toolkit environment provides: env/.env.{name}, then its .user file, then the process env. */
export function loadBuildEnv(envName: string, rootDir = repoRoot(), processEnv: Env = process.env): Env {
  return { ...readEnvFiles(path.join(rootDir, 'env'), envName), ...processEnv, TEAMSFX_ENV: envName };
}

export interface BuildResult {
  zipPath: string;
  manifestPath: string;
  manifest: Manifest;
}

/**
 * Renders, validates and zips the app package into `{outDir}/appPackage.{env}.zip` and writes
 * `{outDir}/manifest.{env}.json`. Throws UnresolvedPlaceholderError or ManifestInvalidError.
 */
export function buildAppPackage(opts: { envName: string; vars: Env; rootDir?: string; outDir?: string }): BuildResult {
  const rootDir = opts.rootDir ?? repoRoot();
  const pkgDir = path.join(rootDir, 'appPackage');
  const outDir = opts.outDir ?? path.join(pkgDir, 'build');
  const manifest = renderManifest(opts.vars, path.join(pkgDir, 'manifest.json'));
  const problems = applyDistribution(manifest, opts.vars);
  problems.push(...validateManifest(manifest));
  const languages = renderLocalizations(manifest, opts.vars, pkgDir);
  problems.push(...validateLocalizations(manifest, languages));
  const icons = manifest.icons as { color: string; outline: string };
  for (const icon of [icons.color, icons.outline]) {
    if (!fs.existsSync(path.join(pkgDir, icon))) problems.push(`icon file appPackage/${icon} does not exist`);
  }
  if (problems.length) throw new ManifestInvalidError(problems);

  fs.mkdirSync(outDir, { recursive: true });
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const manifestPath = path.join(outDir, `manifest.${opts.envName}.json`);
  fs.writeFileSync(manifestPath, manifestText);
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(manifestText, 'utf8'));
  for (const icon of [icons.color, icons.outline]) zip.addFile(icon, fs.readFileSync(path.join(pkgDir, icon)));
  for (const [name, strings] of languages)
    zip.addFile(name, Buffer.from(`${JSON.stringify(strings, null, 2)}\n`, 'utf8'));
  const zipPath = path.join(outDir, `appPackage.${opts.envName}.zip`);
  zip.writeZip(zipPath);
  return { zipPath, manifestPath, manifest };
}

if (require.main === module) {
  const envName = process.argv[2] || process.env.TEAMSFX_ENV || 'dev';
  try {
    const result = buildAppPackage({ envName, vars: loadBuildEnv(envName) });
    console.log(`manifest: ${path.relative(process.cwd(), result.manifestPath)}`);
    console.log(`package:  ${path.relative(process.cwd(), result.zipPath)}`);
  } catch (err) {
    if (err instanceof UnresolvedPlaceholderError || err instanceof ManifestInvalidError) {
      console.error(`Cannot build the app package for env "${envName}".\n${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
