/**
 * Route kinds and request statistics of the sandbox. Stats, latency profiles and fault rules speak in route kinds
 * so tests can say "exactly one OBO token request" without knowing URL shapes.
 */
export type RouteKind =
  | 'entra.metadata'
  | 'entra.keys'
  | 'entra.token'
  | 'entra.token.obo'
  | 'entra.token.client_credentials'
  | 'entra.token.other'
  | 'botframework.metadata'
  | 'botframework.keys'
  | 'botframework.connector'
  | 'tokenservice.getToken'
  | 'tokenservice.exchange'
  | 'tokenservice.signInResource'
  | 'tokenservice.signOut'
  | 'tokenservice.tokenStatus'
  | 'tokenservice.signInPage'
  | 'tokenservice.other'
  | 'graph.createLink'
  | 'graph.itemLookup'
  | 'graph.shares'
  | 'graph.search'
  | 'graph.permissions'
  | 'graph.members'
  | 'graph.other'
  | 'admin'
  | 'other';

const TOKEN_SERVICE: Array<[RegExp, RouteKind]> = [
  [/^\/api\/usertoken\/gettoken$/i, 'tokenservice.getToken'],
  [/^\/api\/usertoken\/exchange$/i, 'tokenservice.exchange'],
  [/^\/api\/usertoken\/signout$/i, 'tokenservice.signOut'],
  [/^\/api\/usertoken\/gettokenstatus$/i, 'tokenservice.tokenStatus'],
  [/^\/api\/botsignin\/getsigninresource$/i, 'tokenservice.signInResource'],
  [/^\/api\/oauth\/signin/i, 'tokenservice.signInPage'],
];

function graphKind(method: string, rest: string): RouteKind {
  if (/\/createLink$/i.test(rest)) return 'graph.createLink';
  if (/^\/(me\/)?chats\//i.test(rest)) return 'graph.members';
  if (/^\/search\/query$/i.test(rest) || /\/search\(q=/i.test(rest)) return 'graph.search';
  if (/^\/shares\//i.test(rest)) return 'graph.shares';
  if (/\/permissions(\/|$)/i.test(rest)) return 'graph.permissions';
  if (method === 'GET' && (/\/items\/[^/]+$/i.test(rest) || /\/root(:[^:]*:?)?$/i.test(rest)))
    return 'graph.itemLookup';
  return 'graph.other';
}

/** Classifies a request by method and path (without query) into a route kind. */
export function classifyRoute(method: string, path: string): RouteKind {
  const m = method.toUpperCase();
  if (path.startsWith('/admin/')) return 'admin';
  if (path.startsWith('/tokenservice/')) {
    const rest = path.slice('/tokenservice'.length);
    return TOKEN_SERVICE.find(([re]) => re.test(rest))?.[1] ?? 'tokenservice.other';
  }
  if (path.startsWith('/smba/')) return 'botframework.connector';
  if (path.startsWith('/botframework/')) {
    return /openidconfiguration$/i.test(path) ? 'botframework.metadata' : 'botframework.keys';
  }
  const graph = /^\/(v1\.0|beta)(\/.*)?$/i.exec(path);
  if (graph) return graphKind(m, graph[2] ?? '/');
  if (/^\/[^/]+\/oauth2\/v2\.0\/token$/i.test(path)) return 'entra.token';
  if (/^\/[^/]+\/v2\.0\/\.well-known\/openid-configuration$/i.test(path)) return 'entra.metadata';
  if (/^\/[^/]+\/discovery\/(v2\.0\/)?keys$/i.test(path)) return 'entra.keys';
  return 'other';
}

/**
 * Latency to add per group of routes, in milliseconds (the benchmark's stand-in for real service times).
 * token: Entra token endpoint; metadata: OpenID documents and keys; tokenService: Bot Framework Token Service API;
 * createLink; itemLookup: item GETs and /shares/ resolution; search; permissions; graph: any other Graph call.
 */
export interface LatencyProfile {
  token?: number;
  metadata?: number;
  tokenService?: number;
  createLink?: number;
  itemLookup?: number;
  search?: number;
  permissions?: number;
  /** Chat and member lookups (Graph `/chats/…`, the Bot Connector roster). */
  members?: number;
  graph?: number;
}

/** The profile entry that applies to a route kind, if any. */
export function profileLatency(profile: LatencyProfile | undefined, kind: RouteKind): number {
  if (!profile) return 0;
  const pick = (v: number | undefined) => (typeof v === 'number' && v > 0 ? v : 0);
  if (kind.startsWith('entra.token')) return pick(profile.token);
  if (
    kind === 'entra.metadata' ||
    kind === 'entra.keys' ||
    kind === 'botframework.metadata' ||
    kind === 'botframework.keys'
  )
    return pick(profile.metadata);
  if (kind.startsWith('tokenservice.') && kind !== 'tokenservice.signInPage') return pick(profile.tokenService);
  switch (kind) {
    case 'graph.createLink':
      return pick(profile.createLink);
    case 'graph.itemLookup':
    case 'graph.shares':
      return pick(profile.itemLookup);
    case 'graph.search':
      return pick(profile.search);
    case 'graph.permissions':
      return pick(profile.permissions);
    case 'graph.members':
    case 'botframework.connector':
      return pick(profile.members);
    case 'graph.other':
      return pick(profile.graph);
    default:
      return 0;
  }
}

/** Counters of one route kind. */
export interface KindStats {
  count: number;
  /** Wall time from request arrival to response end (or socket drop), including injected latency. */
  totalMs: number;
  /** Of which injected latency (profile + fault rules). */
  injectedMs: number;
  /** Responses by HTTP status; dropped connections count under "dropped". */
  statuses: Record<string, number>;
}

export interface SandboxStats {
  total: KindStats;
  byKind: Partial<Record<RouteKind, KindStats>>;
}

function emptyKind(): KindStats {
  return { count: 0, totalMs: 0, injectedMs: 0, statuses: {} };
}

/** Per-kind request counters and time spent, for tests ("exactly one OBO request") and the benchmark. */
export class StatsRecorder {
  private total = emptyKind();
  private byKind = new Map<RouteKind, KindStats>();

  /** Records one finished (or dropped) request. */
  record(kind: RouteKind, ms: number, injectedMs: number, status: number | 'dropped'): void {
    for (const s of [this.total, this.kindStats(kind)]) {
      s.count += 1;
      s.totalMs += ms;
      s.injectedMs += injectedMs;
      s.statuses[String(status)] = (s.statuses[String(status)] ?? 0) + 1;
    }
  }

  /** Requests of a kind, or of every kind starting with the prefix (e.g. "entra.token", "graph."). */
  count(kindOrPrefix: string): number {
    let n = 0;
    for (const [k, s] of this.byKind) if (k === kindOrPrefix || k.startsWith(kindOrPrefix)) n += s.count;
    return n;
  }

  /** A deep copy of the counters, with times rounded to 0.1 ms. */
  snapshot(): SandboxStats {
    const copy = (s: KindStats): KindStats => ({
      count: s.count,
      totalMs: Math.round(s.totalMs * 10) / 10,
      injectedMs: Math.round(s.injectedMs * 10) / 10,
      statuses: { ...s.statuses },
    });
    const byKind: Partial<Record<RouteKind, KindStats>> = {};
    for (const [k, s] of [...this.byKind].sort(([a], [b]) => a.localeCompare(b))) byKind[k] = copy(s);
    return { total: copy(this.total), byKind };
  }

  reset(): void {
    this.total = emptyKind();
    this.byKind.clear();
  }

  private kindStats(kind: RouteKind): KindStats {
    let s = this.byKind.get(kind);
    if (!s) this.byKind.set(kind, (s = emptyKind()));
    return s;
  }
}
