import * as fs from 'node:fs';
import * as path from 'node:path';
import semver from 'semver';

/**
 * Offline dependency audit: every package the lockfile installs for production (direct and transitive) is checked
 * against advisories of the GitHub Advisory Database in OSV form, with no network. The vendored set lives in
 * `security/advisories.json`; `--db DIR` adds a local checkout of the database (any folder of OSV *.json files);
 * `--refresh-from DIR` rewrites the vendored set from such a checkout. See docs/dependencies.md.
 *
 *   node dist/scripts/audit-deps.js [--lockfile package-lock.json] [--advisories security/advisories.json]
 *                                   [--db DIR] [--exceptions security/audit-exceptions.json] [--include-dev]
 *   node dist/scripts/audit-deps.js --refresh-from DIR   (writes --advisories)
 */

/** One OSV range event (ECOSYSTEM ranges use npm versions). */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/** The subset of an OSV advisory the audit reads. */
export interface OsvAdvisory {
  id: string;
  summary?: string;
  aliases?: string[];
  published?: string;
  modified?: string;
  withdrawn?: string;
  affected?: Array<{
    package?: { ecosystem?: string; name?: string };
    ranges?: Array<{ type?: string; events?: OsvEvent[] }>;
    versions?: string[];
  }>;
  database_specific?: { severity?: string; source?: string; [key: string]: unknown };
}

/** A package version installed from the lockfile. */
export interface InstalledPackage {
  name: string;
  version: string;
  /** Where it is installed, e.g. node_modules/botbuilder/node_modules/axios. */
  location: string;
  dev: boolean;
}

export interface Finding {
  pkg: InstalledPackage;
  advisory: OsvAdvisory;
  /** The lowest version that fixes this range, when the advisory names one. */
  fixedIn?: string;
}

/** An advisory accepted on purpose, with why and until when (then it fails again). */
export interface AuditException {
  reason: string;
  until: string;
}

interface LockfileV3 {
  lockfileVersion?: number;
  packages?: Record<string, { name?: string; version?: string; dev?: boolean; link?: boolean }>;
}

/**
 * Packages a lockfile (v2/v3, npm 7+) installs. `dev` is true only for packages installed for development alone;
 * optional and dev-or-optional packages count as production (they can be installed in production).
 */
export function installedPackages(lock: LockfileV3): InstalledPackage[] {
  if (!lock.packages) throw new Error('The lockfile has no "packages" section (lockfileVersion 2 or 3 is needed).');
  const out: InstalledPackage[] = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (!location || entry.link || !entry.version) continue;
    const name = entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    out.push({ name, version: entry.version, location, dev: entry.dev === true });
  }
  return out;
}

/** The first fixed version of a range, if any. */
function fixedOf(events: OsvEvent[]): string | undefined {
  return events.find((e) => e.fixed !== undefined)?.fixed;
}

/**
 * Whether `version` lies in an OSV ECOSYSTEM range: events sorted by version; affected from an `introduced` up to
 * (not including) the next `fixed`, or up to and including a `last_affected`. "0" means every version.
 */
export function inRange(version: string, events: OsvEvent[]): boolean {
  const v = semver.parse(version, { loose: true });
  if (!v) return false;
  const point = (e: OsvEvent) => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '0';
  const sorted = [...events].sort((a, b) => compare(point(a), point(b)));
  let affected = false;
  for (const e of sorted) {
    if (e.introduced !== undefined) {
      if (e.introduced === '0' || compare(version, e.introduced) >= 0) affected = true;
    } else if (e.fixed !== undefined) {
      if (compare(version, e.fixed) >= 0) affected = false;
    } else if (e.last_affected !== undefined) {
      if (compare(version, e.last_affected) > 0) affected = false;
    } else if (e.limit !== undefined && e.limit !== '*') {
      if (compare(version, e.limit) >= 0) affected = false;
    }
  }
  return affected;
}

function compare(a: string, b: string): number {
  if (a === '0') return b === '0' ? 0 : -1;
  if (b === '0') return 1;
  const pa = semver.parse(a, { loose: true });
  const pb = semver.parse(b, { loose: true });
  if (!pa || !pb) return a.localeCompare(b);
  return semver.compare(pa, pb);
}

/** Findings: each installed package version that an advisory's npm entry covers. */
export function audit(packages: InstalledPackage[], advisories: OsvAdvisory[]): Finding[] {
  const byName = new Map<string, Array<{ advisory: OsvAdvisory; events?: OsvEvent[]; versions?: string[] }>>();
  for (const advisory of advisories) {
    if (advisory.withdrawn) continue;
    for (const a of advisory.affected ?? []) {
      if (a.package?.ecosystem !== 'npm' || !a.package.name) continue;
      const key = a.package.name.toLowerCase();
      const list = byName.get(key) ?? [];
      for (const r of a.ranges ?? []) {
        if (r.type === 'ECOSYSTEM' || r.type === 'SEMVER') list.push({ advisory, events: r.events ?? [] });
      }
      if (a.versions?.length) list.push({ advisory, versions: a.versions });
      byName.set(key, list);
    }
  }
  const findings: Finding[] = [];
  for (const pkg of packages) {
    const seen = new Set<string>();
    for (const entry of byName.get(pkg.name.toLowerCase()) ?? []) {
      if (seen.has(entry.advisory.id)) continue;
      const hit = entry.events ? inRange(pkg.version, entry.events) : entry.versions!.includes(pkg.version);
      if (!hit) continue;
      seen.add(entry.advisory.id);
      findings.push({ pkg, advisory: entry.advisory, fixedIn: entry.events ? fixedOf(entry.events) : undefined });
    }
  }
  return findings;
}

/** Every OSV advisory (*.json) under a folder, e.g. a checkout of github/advisory-database. */
export function readOsvFolder(dir: string): OsvAdvisory[] {
  const out: OsvAdvisory[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const doc = JSON.parse(fs.readFileSync(p, 'utf8')) as OsvAdvisory;
        if (typeof doc.id === 'string' && Array.isArray(doc.affected)) out.push(doc);
      }
    }
  };
  walk(dir);
  return out;
}

/** The vendored advisories file: `{ source, refreshed, advisories: OsvAdvisory[] }`. */
export function readVendored(file: string): OsvAdvisory[] {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { advisories?: OsvAdvisory[] };
  if (!Array.isArray(doc.advisories)) throw new Error(`${file}: no "advisories" array`);
  return doc.advisories;
}

/**
 * The vendored set from a full database checkout: npm advisories (not withdrawn) about any package the lockfile
 * installs, production or development, reduced to the fields the audit reads.
 */
export function selectForVendoring(all: OsvAdvisory[], packages: InstalledPackage[]): OsvAdvisory[] {
  const names = new Set(packages.map((p) => p.name.toLowerCase()));
  return all
    .filter((a) => !a.withdrawn)
    .map((a) => ({
      ...a,
      affected: (a.affected ?? []).filter(
        (x) => x.package?.ecosystem === 'npm' && names.has((x.package.name ?? '').toLowerCase()),
      ),
    }))
    .filter((a) => a.affected.length > 0)
    .map((a) => ({
      id: a.id,
      modified: a.modified,
      published: a.published,
      aliases: a.aliases,
      summary: a.summary,
      affected: a.affected.map((x) => ({ package: x.package, ranges: x.ranges, versions: x.versions })),
      database_specific: { severity: a.database_specific?.severity },
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Findings not covered by a current exception; expired exceptions stop covering. */
export function unexcused(findings: Finding[], exceptions: Record<string, AuditException>, today: Date): Finding[] {
  return findings.filter((f) => {
    const ex = exceptions[f.advisory.id];
    return !ex || !(new Date(ex.until).getTime() >= today.getTime());
  });
}

function describe(f: Finding): string {
  const sev = f.advisory.database_specific?.severity ?? 'UNKNOWN';
  const fix = f.fixedIn ? `fixed in ${f.fixedIn}` : 'no fixed version named';
  return `${f.pkg.name}@${f.pkg.version} (${f.pkg.location}): ${f.advisory.id} [${sev}] ${f.advisory.summary ?? ''} — ${fix}`;
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The command line; returns the exit code (0 clean, 1 vulnerable, 2 usage or data error). */
export function main(argv: string[], out: (line: string) => void = console.log): number {
  const root = path.resolve(__dirname, '..', '..');
  const lockfile = arg(argv, 'lockfile') ?? path.join(root, 'package-lock.json');
  const vendored = arg(argv, 'advisories') ?? path.join(root, 'security', 'advisories.json');
  const exceptionsFile = arg(argv, 'exceptions') ?? path.join(root, 'security', 'audit-exceptions.json');
  const packages = installedPackages(JSON.parse(fs.readFileSync(lockfile, 'utf8')) as LockfileV3);

  const refreshFrom = arg(argv, 'refresh-from');
  if (refreshFrom) {
    const selected = selectForVendoring(readOsvFolder(refreshFrom), packages);
    const doc = {
      source:
        'GitHub Advisory Database (github/advisory-database, advisories/github-reviewed; CC-BY-4.0), OSV format, npm entries for packages in package-lock.json',
      refreshed: new Date().toISOString().slice(0, 10),
      advisories: selected,
    };
    fs.writeFileSync(vendored, `${JSON.stringify(doc, null, 1)}\n`);
    out(`audit-deps: wrote ${selected.length} advisories to ${vendored}`);
    return 0;
  }

  const advisories = readVendored(vendored);
  const db = arg(argv, 'db');
  if (db) advisories.push(...readOsvFolder(db));
  const exceptions = fs.existsSync(exceptionsFile)
    ? (JSON.parse(fs.readFileSync(exceptionsFile, 'utf8')) as Record<string, AuditException>)
    : {};
  const scope = argv.includes('--include-dev') ? packages : packages.filter((p) => !p.dev);
  const findings = unexcused(audit(scope, advisories), exceptions, new Date());
  if (findings.length) {
    out(`audit-deps: ${findings.length} known vulnerable package version(s) installed:`);
    for (const f of findings) out(`  ${describe(f)}`);
    out('Upgrade (npm update / npm install pkg@fixed, or an "overrides" entry for a transitive package), or add a');
    out('dated exception with its reason to security/audit-exceptions.json. See docs/dependencies.md.');
    return 1;
  }
  out(
    `audit-deps: ${scope.length} ${argv.includes('--include-dev') ? '' : 'production '}packages, ${advisories.length} advisories: none affected`,
  );
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
