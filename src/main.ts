import * as path from 'node:path';
import { ConfigError, loadConfig, readEnvFiles, type AppConfig } from './config';
import { createLogger } from './log';
import { listen } from './server';
import { logUnhandledRejections, routeConsoleToLogger } from './processSafety';
import { createAppServices, createHttpApp } from './app';
import { processTrustsSandbox, runTrusting } from '../sandbox/trust';
import { DEFAULT_PLAYGROUND_PORT } from './dev/playground';
import { startSandboxApp } from './dev/sandboxApp';

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
    const code = await runTrusting(config.sandbox.dataDir, process.execPath, [
      ...process.execArgv,
      ...process.argv.slice(1),
    ]);
    process.exit(code);
  }

  const log = createLogger(config.logLevel);
  logUnhandledRejections(log);
  routeConsoleToLogger(log);
  const closers: Array<() => Promise<void>> = [];
  if (config.sandbox) {
    const app = await startSandboxApp({
      env,
      log,
      playground: env.PLAYGROUND === 'off' ? false : { port: Number(env.PLAYGROUND_PORT || DEFAULT_PLAYGROUND_PORT) },
    });
    closers.push(app.close);
    if (app.playground) console.log(`\n  ${app.playground.banner}\n`);
    if (app.playgroundError) {
      log.warn(
        { err: app.playgroundError },
        'the Agents Playground did not start (set PLAYGROUND_PORT, or PLAYGROUND=off)',
      );
    }
  } else {
    const services = await createAppServices(config, log);
    closers.push(services.close);
    const server = await listen(createHttpApp(services), config.host, config.port);
    closers.unshift(server.close);
    log.info({ url: server.url, mode: config.mode }, 'Share Link is listening');
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
