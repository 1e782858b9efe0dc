import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as http from 'node:http';
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import type { Activity, ActivityHandler, InvokeResponse } from 'botbuilder';
import type { ShareLinkAdapter } from '../bot/adapter';
import { AuthenticationError } from 'botframework-connector';
import type { Logger } from './log';
import { asyncRoute, errorResponder, notFoundResponder, ServiceUnavailableError } from './routeErrors';

/** How long /readyz waits for one check; a hung dependency is reported as not ready, not waited for. */
const READINESS_CHECK_TIMEOUT_MS = 2_000;

/** How long a readiness outcome is reused: /readyz is unauthenticated, so it must not cost a dependency call each. */
export const READINESS_CACHE_MS = 5_000;

/**
 * A readiness check whose outcome is reused for `ttlMs` and whose concurrent callers share one run, so any number
 * of /readyz requests costs each dependency at most one call per `ttlMs` (issue 9, defect 10).
 */
export function cachedCheck(check: ReadinessCheck, ttlMs: number, now: () => number = Date.now): ReadinessCheck {
  let last: { at: number; outcome: Promise<void> } | undefined;
  return {
    ...check,
    check: () => {
      const t = now();
      if (!last || t - last.at >= ttlMs) {
        const outcome = Promise.resolve().then(() => check.check());
        const entry = { at: t, outcome };
        // Only a healthy outcome is reused: a dependency that is back must show as ready on the next probe.
        outcome.catch(() => {
          if (last === entry) last = undefined;
        });
        last = entry;
      }
      return last.outcome;
    },
  };
}

/** A dependency /readyz probes; it throws (or rejects) when the dependency is not usable. */
export interface ReadinessCheck {
  name: string;
  /** A failure means "degraded" (still serving, 200), not "not ready" (503). */
  degradesOnly?: boolean;
  check(): Promise<void>;
}

export interface ServerDeps {
  log: Logger;
  adapter: ShareLinkAdapter;
  bot: ActivityHandler;
  readiness?: ReadinessCheck[];
  /** Extra routes (tab API, static tab pages, sandbox-only endpoints), mounted after the built-in ones. */
  routers?: Router[];
  /** How long /readyz reuses a check's outcome (default READINESS_CACHE_MS). */
  readinessCacheMs?: number;
  /** Runs before the adapter sees a request; may answer it (e.g. the sandbox-only anonymous Playground path). */
  beforeBot?: (req: Request, res: Response, next: NextFunction) => void;
}

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

/** Builds the express app: the bot endpoint, health endpoints and any extra routers. */
export function createApp(deps: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const readiness = (deps.readiness ?? []).map((r) => cachedCheck(r, deps.readinessCacheMs ?? READINESS_CACHE_MS));
  /** Checks failing at the last probe, with their error, so a lasting failure is warned about once. */
  const failing = new Map<string, string>();
  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', req.id);
    req.log = deps.log.child({ requestId: req.id });
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get(
    '/readyz',
    asyncRoute(async (req, res) => {
      const results = await Promise.all(
        readiness.map(async (r) => {
          const degradesOnly = r.degradesOnly === true;
          try {
            await withTimeout(
              r.check(),
              READINESS_CHECK_TIMEOUT_MS,
              `${r.name}: no answer within ${READINESS_CHECK_TIMEOUT_MS} ms`,
            );
            failing.delete(r.name);
            return { name: r.name, ok: true, degradesOnly };
          } catch (err) {
            // One warning when a check starts failing, not one per probe: probes come every few seconds.
            const message = (err as Error).message;
            if (failing.get(r.name) !== message)
              req.log.warn({ check: r.name, err: message }, 'readiness check failed');
            else req.log.debug({ check: r.name, err: message }, 'readiness check still failing');
            failing.set(r.name, message);
            return { name: r.name, ok: false, degradesOnly, error: (err as Error).message };
          }
        }),
      );
      const ok = results.every((r) => r.ok || r.degradesOnly);
      const degraded = ok && results.some((r) => !r.ok);
      res.status(ok ? 200 : 503).json({
        status: !ok ? 'not ready' : degraded ? 'degraded' : 'ready',
        checks: results.map(({ degradesOnly: _, ...r }) => r),
      });
    }),
  );

  const botRoute = express.Router();
  botRoute.use(express.json({ limit: '1mb' }));
  if (deps.beforeBot) botRoute.use(asyncRoute(deps.beforeBot));
  botRoute.post(
    '/api/messages',
    asyncRoute(async (req, res) => {
      const activity = activityOf(req);
      if (!activity) {
        req.log.info({ contentType: req.header('content-type') }, 'refused: the body is not a Bot Framework activity');
        res.status(400).json({ message: 'The request body is not a Bot Framework activity.' });
        return;
      }
      req.log = req.log.child({ activityId: activity.id, activityType: activity.type, name: activity.name });
      let answer: InvokeResponse | undefined;
      try {
        answer = await deps.adapter.handleActivity(req.header('authorization') ?? '', activity, (context) =>
          deps.bot.run(context),
        );
      } catch (err) {
        // botbuilder reports channel keys it could not load as an AuthenticationError with status 500: an outage.
        if (err instanceof AuthenticationError && err.statusCode >= 500) {
          throw new ServiceUnavailableError('The Bot Framework signing keys cannot be loaded right now.');
        }
        if (err instanceof AuthenticationError) {
          req.log.info({ err: { name: err.name, message: err.message } }, 'refused: channel authentication failed');
          res.status(401).json({ message: 'The request is not authenticated by the Bot Framework.' });
          return;
        }
        throw err;
      }
      res.status(answer?.status ?? 200);
      if (answer?.body !== undefined) res.send(answer.body);
      res.end();
    }),
  );
  app.use(botRoute);
  for (const r of deps.routers ?? []) app.use(r);
  app.use(notFoundResponder());
  app.use(errorResponder(deps.log));
  return app;
}

/**
 * The activity in a request body, or undefined when the body is not one (no JSON object with a type). Timestamps
 * become Dates with the raw strings kept, as botbuilder's own CloudAdapter.process does.
 */
function activityOf(req: Request): Activity | undefined {
  const body: unknown = req.body;
  if (!req.is('application/json') || !body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const activity = body as Activity & Record<string, unknown>;
  if (typeof activity.type !== 'string' || !activity.type) return undefined;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      (activity as Record<string, unknown>)[field] = new Date(value);
    }
  }
  return activity;
}

/** Rejects with `message` when `work` has not settled within `ms`. */
function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

export interface RunningServer {
  server: http.Server;
  url: string;
  /** Stops accepting connections and resolves once in-flight requests have finished. */
  close(): Promise<void>;
}

/** Starts listening; resolves when the port is bound. */
export function listen(app: express.Express, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    server.keepAliveTimeout = 65_000;
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address() as AddressInfo;
      const url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
      resolve({
        server,
        url,
        close: () =>
          new Promise<void>((done) => {
            // Keep-alive connections would hold close() open for keepAliveTimeout: drop each one as soon as its
            // in-flight request has been answered.
            const sweep = setInterval(() => server.closeIdleConnections(), 50);
            server.close(() => {
              clearInterval(sweep);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
