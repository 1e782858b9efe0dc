import * as fs from 'node:fs';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  /** Microseconds on the system's monotonic clock (the same clock as `process.hrtime` in any process). */
  startTime: number;
}

export interface ProfileEntry {
  name: string;
  ms: number;
  /** Share of the process's busy time (idle excluded). */
  pct: number;
}

export interface ProfileSummary {
  busyMs: number;
  topFunctions: ProfileEntry[];
  /** Self time grouped by where the code lives: our code, each package, Node internals, GC. */
  byOrigin: ProfileEntry[];
  /** Our own functions (dist/src, dist/bot) by inclusive time: what they and everything they call cost. */
  oursInclusive: ProfileEntry[];
}

/** Where a function lives: "ours (src|bot)", an npm package name, "node", or the V8 pseudo-frames. */
function originOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)(?!.*node_modules)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node';
  const ours = /\/dist\/(src|bot|sandbox|bench)\//.exec(url);
  if (ours) return `ours (${ours[1]}/)`;
  return url;
}

/** The monotonic clock `node --cpu-prof` stamps its samples with, in microseconds. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time per function and per origin from a V8 .cpuprofile (as written by `node --cpu-prof`). With a window
 * (monotonicUs() marks taken by any process of this machine), only the samples inside it count: start-up and
 * warm-up are left out.
 */
export function summarizeCpuProfile(
  file: string,
  top = 15,
  window: { fromUs: number; toUs: number } = { fromUs: -Infinity, toUs: Infinity },
): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < window.fromUs || at > window.toUs) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fnMs = new Map<string, number>();
  const originMs = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busyUs += us;
    const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    fnMs.set(key, (fnMs.get(key) ?? 0) + us / 1000);
    const origin = originOf(url, functionName);
    originMs.set(origin, (originMs.get(origin) ?? 0) + us / 1000);
  }
  const busyMs = busyUs / 1000;
  // Inclusive time of our functions; a function already on the stack (recursion) is not counted twice.
  const inclusive = new Map<string, number>();
  const childIds = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const totalOf = new Map<number, number>();
  const total = (id: number): number => {
    const known = totalOf.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const t =
      (selfUs.get(id) ?? 0) +
      (node.callFrame.functionName === '(idle)' ? -(selfUs.get(id) ?? 0) : 0) +
      (node.children ?? []).reduce((n, c) => n + total(c), 0);
    totalOf.set(id, t);
    return t;
  };
  const walk = (id: number, onStack: Set<string>) => {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    let key = '';
    if (/\/dist\/(src|bot)\//.test(url) && functionName) {
      key = `${functionName} ${url.replace(/^.*\/dist\//, '')}:${lineNumber + 1}`;
      if (!onStack.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + total(id) / 1000);
    }
    const next = key && !onStack.has(key) ? new Set(onStack).add(key) : onStack;
    for (const c of node.children ?? []) walk(c, next);
  };
  for (const n of profile.nodes) if (!childIds.has(n.id)) walk(n.id, new Set());
  const rank = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, pct: (100 * ms) / busyMs }));
  return { busyMs, topFunctions: rank(fnMs, top), byOrigin: rank(originMs, top), oursInclusive: rank(inclusive, top) };
}
