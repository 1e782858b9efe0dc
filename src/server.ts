import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as http from 'node:http';
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import type { CloudAdapter, ActivityHandler } from 'botbuilder';
import type { Logger } from './log';

/** A dependency /readyz probes; it throws (or rejects) when the dependency is not usable. */
export interface ReadinessCheck {
  name: string;
  /** A failure means "degraded" (still serving, 200), not "not ready" (503). */
  degradesOnly?: boolean;
  check(): Promise<void>;
}

export interface ServerDeps {
  log: Logger;
  adapter: CloudAdapter;
  bot: ActivityHandler;
  readiness?: ReadinessCheck[];
  /** Extra routes (tab API, static tab pages, sandbox-only endpoints), mounted after the built-in ones. */
  routers?: Router[];
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

  app.get('/readyz', async (req, res) => {
    const results = await Promise.all(
      (deps.readiness ?? []).map(async (r) => {
        try {
          await r.check();
          return { name: r.name, ok: true, degradesOnly: r.degradesOnly === true };
        } catch (err) {
          req.log.warn({ check: r.name, err: (err as Error).message }, 'readiness check failed');
          return { name: r.name, ok: false, degradesOnly: r.degradesOnly === true, error: (err as Error).message };
        }
      }),
    );
    const ok = results.every((r) => r.ok || r.degradesOnly);
    const degraded = ok && results.some((r) => !r.ok);
    res.status(ok ? 200 : 503).json({
      status: !ok ? 'not ready' : degraded ? 'degraded' : 'ready',
      checks: results.map(({ degradesOnly: _, ...r }) => r),
    });
  });

  const botRoute = express.Router();
  botRoute.use(express.json({ limit: '1mb' }));
  botRoute.use((err: Error, req: Request, res: Response, next: NextFunction) => {
    if (err) {
      req.log.warn({ err: err.message }, 'malformed request body');
      res.status(400).json({ error: 'The request body is not valid JSON.' });
      return;
    }
    next();
  });
  if (deps.beforeBot) botRoute.use(deps.beforeBot);
  botRoute.post('/api/messages', (req, res) => {
    const activityId = typeof req.body?.id === 'string' ? req.body.id : undefined;
    req.log = req.log.child({ activityId, activityType: req.body?.type, name: req.body?.name });
    deps.adapter
      .process(req, res, (context) => deps.bot.run(context))
      .catch((err: Error) => {
        req.log.error({ err: err.message }, 'bot turn failed');
        if (!res.headersSent) res.status(500).json({ error: 'Internal error' });
      });
  });
  app.use(botRoute);
  for (const r of deps.routers ?? []) app.use(r);
  return app;
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
