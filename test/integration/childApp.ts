/**
 * The app in a child process (production mode against a running sandbox), for tests that kill it with SIGKILL
 * at a chosen moment and start it again on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { productionEnvFor } from '../../sandbox/appEnv';
import type { Sandbox } from '../../sandbox/server';
import { plainFetch } from './harness';

export interface ChildApp {
  url: string;
  /** Every log line so far (JSON). */
  logs: string[];
  /** POSTs a signed activity to the child's /api/messages (resolves with the status and body). */
  send(activity: object): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Ends the process at once (SIGKILL), as a crash or an OOM kill would. */
  kill9(): Promise<void>;
}

/** Starts `node dist/src/main.js` with the production settings pointing at the sandbox; resolves once it listens. */
export async function startChildApp(sandbox: Sandbox, env: Record<string, string>): Promise<ChildApp> {
  const main = path.resolve(__dirname, '..', '..', 'src', 'main.js');
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      ...productionEnvFor(sandbox.url, { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'debug', ...env }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let buffered = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${logs.join('\n')}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        const m = /"url":"(http:\/\/[^"]+)".*Share Link is listening/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  return {
    url,
    logs,
    async send(activity) {
      const authorization = await sandbox.signActivity(activity as { serviceUrl?: string });
      const res = await plainFetch()(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
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
