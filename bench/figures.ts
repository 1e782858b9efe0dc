import type { SandboxCall } from './recorder';
import type { InvokeKind, InvokeRecord } from './protocol';

/** The q-th percentile (0..100) of already sorted numbers, nearest-rank; NaN when empty. */
export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((q / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** Calls that run beside the invoke rather than inside it (the broker's background Token Service exchange). */
export const BACKGROUND_KINDS = new Set(['tokenservice.exchange']);

/** One invoke joined with the sandbox calls made for it. */
export interface JoinedInvoke extends InvokeRecord {
  latencyMs: number;
  /** Time the sandbox spent on this invoke's Graph, Entra and Token Service calls. */
  externalMs: number;
  overheadMs: number;
  graphCalls: number;
  entraCalls: number;
  tokenServiceCalls: number;
  /** Every sandbox call attributed to this invoke. */
  calls: number;
}

/**
 * Attributes each sandbox call to the invoke of the same person that was in flight when the call started (each
 * virtual user has at most one invoke in flight), and derives the service's own overhead per invoke.
 * `clockOffsetMs` = load process clock − driver clock.
 */
export function joinCalls(records: InvokeRecord[], calls: SandboxCall[], clockOffsetMs: number): JoinedInvoke[] {
  const byUser = new Map<string, SandboxCall[]>();
  for (const c of calls) {
    if (!c.user || BACKGROUND_KINDS.has(c.kind)) continue;
    let list = byUser.get(c.user);
    if (!list) byUser.set(c.user, (list = []));
    list.push(c);
  }
  for (const list of byUser.values()) list.sort((a, b) => a.start - b.start);
  return records.map((r) => {
    const start = r.start - clockOffsetMs - 0.2;
    const end = r.end - clockOffsetMs;
    let externalMs = 0;
    let graphCalls = 0;
    let entraCalls = 0;
    let tokenServiceCalls = 0;
    let matched = 0;
    for (const c of byUser.get(r.user) ?? []) {
      if (c.start < start) continue;
      if (c.start > end) break;
      matched++;
      externalMs += c.elapsedMs;
      if (c.kind.startsWith('graph.')) graphCalls++;
      else if (c.kind.startsWith('entra.token')) entraCalls++;
      else if (c.kind.startsWith('tokenservice.')) tokenServiceCalls++;
    }
    const latencyMs = r.end - r.start;
    return {
      ...r,
      latencyMs,
      externalMs,
      overheadMs: latencyMs - externalMs,
      graphCalls,
      entraCalls,
      tokenServiceCalls,
      calls: matched,
    };
  });
}

export interface KindFigures {
  kind: InvokeKind;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  overheadP50: number;
  overheadP95: number;
  overheadP99: number;
  /** Mean Graph / Entra token / Token Service calls per invoke of this kind. */
  graphPerInvoke: number;
  entraPerInvoke: number;
  tokenServicePerInvoke: number;
  /** Successful invokes of this kind per second of the phase. */
  rps: number;
  firstErrors: string[];
}

/** Latency, overhead and call figures per invoke kind of one phase. */
export function figuresByKind(joined: JoinedInvoke[], wallMs: number): KindFigures[] {
  const kinds: InvokeKind[] = ['query', 'fetchTask', 'submit', 'messageAction'];
  const out: KindFigures[] = [];
  for (const kind of kinds) {
    const rs = joined.filter((r) => r.kind === kind);
    if (!rs.length) continue;
    const ok = rs.filter((r) => r.ok);
    const lat = ok.map((r) => r.latencyMs).sort((a, b) => a - b);
    const ovh = ok.map((r) => r.overheadMs).sort((a, b) => a - b);
    const mean = (f: (r: JoinedInvoke) => number) => (ok.length ? ok.reduce((s, r) => s + f(r), 0) / ok.length : NaN);
    out.push({
      kind,
      requests: rs.length,
      errors: rs.length - ok.length,
      p50: percentile(lat, 50),
      p95: percentile(lat, 95),
      p99: percentile(lat, 99),
      overheadP50: percentile(ovh, 50),
      overheadP95: percentile(ovh, 95),
      overheadP99: percentile(ovh, 99),
      graphPerInvoke: mean((r) => r.graphCalls),
      entraPerInvoke: mean((r) => r.entraCalls),
      tokenServicePerInvoke: mean((r) => r.tokenServiceCalls),
      rps: ok.length / (wallMs / 1000),
      firstErrors: [...new Set(rs.filter((r) => !r.ok).map((r) => r.error ?? '?'))].slice(0, 3),
    });
  }
  return out;
}

/** Rounds for display and JSON: 1 decimal below 100, integers above. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
}

/** A plain-text table with right-aligned numeric columns. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? String(round(c)) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
