import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from './redisServer';

/** The app as its own Node process (`dist/src/main.js`), as App Service runs each instance. */
export interface AppProcess {
  name: string;
  url: string;
  /** Its log lines (pino JSON on stdout and anything on stderr). */
  logs: string[];
  stop(): Promise<void>;
}

/** Starts `node dist/src/main.js` with `env` (plus PORT and HOST) and waits until /healthz answers. */
export async function startAppProcess(name: string, env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  const logs: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [path.resolve(__dirname, '..', '..', 'src', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
      // No env/.env.* file of the checkout may add settings.
      TEAMSFX_ENV: 'test-no-env-files',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    logs.push(...lines.filter(Boolean));
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited = false;
  child.once('exit', () => void (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited at start: ${logs.slice(-10).join('\n')}`);
    if (Date.now() > until) throw new Error(`${name} did not start: ${logs.slice(-10).join('\n')}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    url,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
