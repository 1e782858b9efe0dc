import { createAppServices, createHttpApp, playgroundSigner, type AppServices } from '../app';
import { loadConfig, type AppConfig } from '../config';
import type { Logger } from '../log';
import { listen, type RunningServer } from '../server';
import { SANDBOX_IDENTITIES } from '../../sandbox/identities';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { DEFAULT_PLAYGROUND_PORT, findFreePort, type RunningPlayground } from './playground';
import { startSandboxPlayground } from './sandboxPlayground';

/** Who uses the Playground by default; signed in to the sandbox Token Service up front (it cannot show sign-in pages). */
export const DEFAULT_PLAYGROUND_USER = 'adele@contoso.example';

export interface SandboxAppOptions {
  /** Settings as loadConfig reads them (env files + process env). APP_MODE and SANDBOX_URL are set here. */
  env: Record<string, string | undefined>;
  log: Logger;
  /** The Playground's signed-in user (UPN, object id or Teams id). Default Adele. */
  playgroundUser?: string;
  /**
   * The Agents Playground: its port (0 = a free one) and where its config and log go (default the sandbox data
   * folder). `false`: no Playground.
   */
  playground?: { port?: number; dataDir?: string } | false;
}

export interface SandboxApp {
  config: AppConfig;
  sandbox: Sandbox;
  services: AppServices;
  server: RunningServer;
  /** The running Playground and the line telling a person where to click. */
  playground?: RunningPlayground & { banner: string };
  /** Why the Playground did not start (the bot runs without it). */
  playgroundError?: string;
  /** Stops the Playground, the HTTP server, the app services and the sandbox, in that order. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Sandbox mode as `npm start` runs it: the local Microsoft 365 sandbox (the Playground user signed in), the app
 * configured against it with the Playground's activities signed by the sandbox channel, and the Agents Playground.
 */
export async function startSandboxApp(options: SandboxAppOptions): Promise<SandboxApp> {
  const { log } = options;
  const user = options.playgroundUser ?? DEFAULT_PLAYGROUND_USER;
  const first = loadConfig({ ...options.env, APP_MODE: 'sandbox' });
  if (!first.sandbox) throw new Error('startSandboxApp needs sandbox mode');
  const closers: Array<() => Promise<void>> = [];
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const c of closers) await c();
    })());
  try {
    const sandbox = await startSandbox({
      dataDir: first.sandbox.dataDir,
      port: first.sandbox.port,
      signedInUsers: [user],
    });
    closers.unshift(sandbox.close);
    log.warn({ sandbox: sandbox.url }, 'SANDBOX MODE: talking to the local Microsoft 365 sandbox, not to Microsoft');
    // With SANDBOX_PORT=0 only the started sandbox knows its address: configure the app from it. PORT=0 is resolved
    // to a free port up front, so the icon URLs in cards (publicBaseUrl) name the port the app really listens on.
    const port = first.port === 0 ? await findFreePort() : first.port;
    const config = loadConfig({
      ...options.env,
      APP_MODE: 'sandbox',
      SANDBOX_URL: sandbox.url,
      SANDBOX_PORT: String(sandbox.port),
      PORT: String(port),
    });
    const services = await createAppServices(config, log, {
      organizationName: (tid) => sandbox.data.tenants.find((t) => t.id === tid)?.name,
    });
    closers.unshift(services.close);
    const beforeBot = playgroundSigner((activity) => sandbox.signActivity(activity), log);
    const server = await listen(createHttpApp(services, { beforeBot }), config.host, config.port);
    closers.unshift(server.close);
    log.info({ url: server.url, mode: config.mode }, 'Share Link is listening');

    const app: SandboxApp = { config, sandbox, services, server, close };
    if (options.playground !== false) {
      // The bot works without the Playground (e.g. its port is taken): report why and carry on.
      try {
        const playground = await startSandboxPlayground({
          dataDir: options.playground?.dataDir ?? first.sandbox.dataDir,
          port: options.playground?.port ?? DEFAULT_PLAYGROUND_PORT,
          botEndpoint: `${server.url}/api/messages`,
          currentUser: user,
          botId: SANDBOX_IDENTITIES.app.clientId,
        });
        closers.unshift(playground.close);
        app.playground = playground;
      } catch (err) {
        app.playgroundError = (err as Error).message;
      }
    }
    return app;
  } catch (err) {
    await close();
    throw err;
  }
}
