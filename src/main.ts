import * as path from 'node:path';
import { ConfigError, loadConfig, readEnvFiles, type AppConfig } from './config';
import { createLogger } from './log';
import { listen } from './server';
import { createAppServices, createHttpApp, playgroundSigner } from './app';
import { processTrustsSandbox, runTrusting } from '../sandbox/trust';
import { startSandbox } from '../sandbox/server';
import { SANDBOX_IDENTITIES } from '../sandbox/identities';
import { startSandboxPlayground } from './dev/sandboxPlayground';

const PLAYGROUND_USER = 'adele@contoso.example';

/** Entry point: `npm start`. With no cloud settings it runs the embedded sandbox and the Agents Playground. */
async function main(): Promise<void> {
  const envName = process.env.TEAMSFX_ENV || 'local';
  const env = { ...readEnvFiles(path.resolve('env'), envName), ...process.env };
  let config: AppConfig;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      console.error('See README.md, "Configuration", for every setting.');
      process.exit(1);
    }
    throw err;
  }

  if (config.sandbox && !processTrustsSandbox(config.sandbox.dataDir)) {
    // Node reads extra CAs only at start: restart this process trusting the sandbox's local CA.
    const code = await runTrusting(config.sandbox.dataDir, process.execPath, [...process.execArgv, ...process.argv.slice(1)]);
    process.exit(code);
  }

  const log = createLogger(config.logLevel);
  const closers: Array<() => Promise<void>> = [];
  let beforeBot;
  let organizationName: ((tenantId: string) => string | undefined) | undefined;
  if (config.sandbox) {
    // The Playground cannot show sign-in pages: its user is signed in to the sandbox Token Service up front.
    const sandbox = await startSandbox({
      dataDir: config.sandbox.dataDir,
      port: config.sandbox.port,
      signedInUsers: [PLAYGROUND_USER],
    });
    closers.push(sandbox.close);
    log.warn({ sandbox: sandbox.url }, 'SANDBOX MODE: talking to the local Microsoft 365 sandbox, not to Microsoft');
    beforeBot = playgroundSigner((activity) => sandbox.signActivity(activity), log);
    organizationName = (tid) => sandbox.data.tenants.find((t) => t.id === tid)?.name;
  }

  const services = await createAppServices(config, log, { organizationName });
  closers.push(services.close);
  const server = await listen(createHttpApp(services, { beforeBot }), config.host, config.port);
  closers.unshift(server.close);
  log.info({ url: server.url, mode: config.mode }, 'Share Link is listening');
  if (config.sandbox && env.PLAYGROUND !== 'off') {
    // The bot works without the Playground (e.g. its port is taken): say so and carry on.
    try {
      const playground = await startSandboxPlayground({
        dataDir: config.sandbox.dataDir,
        port: Number(env.PLAYGROUND_PORT || 56150),
        botEndpoint: `${server.url}/api/messages`,
        currentUser: PLAYGROUND_USER,
        botId: SANDBOX_IDENTITIES.app.clientId,
      });
      closers.unshift(playground.close);
      console.log(`\n  ${playground.banner}\n`);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'the Agents Playground did not start (set PLAYGROUND_PORT, or PLAYGROUND=off)');
    }
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    for (const close of closers) await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error('Share Link failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
