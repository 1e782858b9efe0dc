/**
 * The app in a child process (production mode against a running sandbox), for tests that kill it with SIGKILL
 * at a chosen moment and start it again on the same data; and a second process that locks a SQLite file.
 */
import { spawn } from 'node:child_process';
import { productionEnvFor } from '../../sandbox/appEnv';
import type { Sandbox } from '../../sandbox/server';
import { startAppProcess } from '../helpers/appProcess';
import { plainFetch } from './harness';

export interface ChildApp {
  url: string;
  /** POSTs a signed activity to the child's /api/messages (resolves with the status and body). */
  send(activity: object): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Ends the process at once (SIGKILL), as a crash or an OOM kill would. */
  kill9(): Promise<void>;
}

/** Starts main.js with the production settings pointing at the sandbox, in `cwd`; resolves once it listens. */
export async function startChildApp(sandbox: Sandbox, env: Record<string, string>, cwd: string): Promise<ChildApp> {
  const app = await startAppProcess(productionEnvFor(sandbox.url, { LOG_LEVEL: 'info', ...env }), cwd);
  return {
    url: app.url,
    async send(activity) {
      const authorization = await sandbox.signActivity(activity as { serviceUrl?: string });
      const res = await plainFetch()(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async kill9() {
      if (!app.alive()) return;
      app.child.kill('SIGKILL');
      await app.exited;
    },
  };
}

/** A process that holds `BEGIN EXCLUSIVE` on a SQLite file until released (another writer of the same file). */
export async function lockSqlite(file: string): Promise<{ release(): Promise<void> }> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)}, { timeout: 10000 });
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
  return {
    async release() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
