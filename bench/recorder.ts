import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { classifyRoute, type RouteKind } from '../sandbox/state';

/** One request the sandbox served: who it was for, when it started (epoch ms) and how long the sandbox spent. */
export interface SandboxCall {
  /** Entra object id of the person the call was made for, or '' (app-only calls). */
  user: string;
  kind: RouteKind;
  start: number;
  /** The sandbox's own x-sandbox-elapsed-ms (injected latency included). */
  elapsedMs: number;
}

/** High-resolution wall clock in epoch ms, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function jwtClaim(token: string | undefined, claim: string): string {
  if (!token) return '';
  const part = token.split('.')[1];
  if (!part) return '';
  try {
    const value = (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>)[claim];
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}

/**
 * Records every request the sandbox serves, attributed to a person, so the benchmark can subtract the time spent
 * in "Microsoft" from each invoke's latency at any concurrency. Attribution: the Graph bearer token's oid, the
 * OBO assertion's oid, or the Token Service's userId (Teams id, mapped through `teamsToOid`).
 * It wraps the request listener of the next https server created (the sandbox's), without touching sandbox code.
 */
export class SandboxRecorder {
  readonly calls: SandboxCall[] = [];
  recording = false;

  constructor(private readonly teamsToOid: Map<string, string>) {}

  /** Runs `start` (which creates the sandbox's https server) with the recorder wrapped around its listener. */
  async install<T>(start: () => Promise<T>): Promise<T> {
    type Listener = (req: IncomingMessage, res: ServerResponse) => void;
    const mod = https as unknown as { createServer: (options: unknown, listener: Listener) => https.Server };
    const original = mod.createServer;
    mod.createServer = (options: unknown, listener: Listener) =>
      original(options, (req: IncomingMessage, res: ServerResponse) => {
        if (this.recording) this.observe(req, res);
        listener(req, res);
      });
    try {
      return await start();
    } finally {
      mod.createServer = original;
    }
  }

  /** Hands over what was recorded since the last call. */
  drain(): SandboxCall[] {
    return this.calls.splice(0, this.calls.length);
  }

  private observe(req: IncomingMessage, res: ServerResponse): void {
    const start = nowMs();
    const url = new URL(req.url ?? '/', 'https://sandbox');
    let kind = classifyRoute(req.method ?? 'GET', url.pathname);
    if (kind === 'admin') return;
    let body = '';
    if (kind === 'entra.token') {
      // Peek at the form body as the sandbox reads it (the grant type and the OBO assertion name the person).
      const emit = req.emit;
      req.emit = function (this: IncomingMessage, event: string | symbol, ...args: unknown[]) {
        if (event === 'data') body += String(args[0]);
        return emit.call(this, event, ...args);
      } as typeof req.emit;
    }
    res.on('finish', () => {
      let user = '';
      if (kind === 'entra.token') {
        const form = new URLSearchParams(body);
        const grant = form.get('grant_type') ?? '';
        kind = grant.endsWith('jwt-bearer')
          ? 'entra.token.obo'
          : grant === 'client_credentials'
            ? 'entra.token.client_credentials'
            : 'entra.token.other';
        user = jwtClaim(form.get('assertion') ?? undefined, 'oid');
      } else if (kind.startsWith('graph.')) {
        user = jwtClaim(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1], 'oid');
      } else if (kind.startsWith('tokenservice.')) {
        user = this.teamsToOid.get(url.searchParams.get('userId') ?? '') ?? '';
      }
      const elapsed = Number(res.getHeader('x-sandbox-elapsed-ms'));
      this.calls.push({ user, kind, start, elapsedMs: Number.isFinite(elapsed) ? elapsed : nowMs() - start });
    });
  }
}
