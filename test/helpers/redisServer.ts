import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** A redis-server of its own for one suite: a free port, a temp dir, no persistence; stop() removes it all. */
export interface TestRedis {
  url: string;
  port: number;
  /** kill -9, as a crash or a failover would. */
  kill(): Promise<void>;
  /** Starts again on the same port (empty: nothing was persisted). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Every key with its value (strings, sets and counters), for the "nothing in clear" scan. */
  dump(): Promise<Array<{ key: string; value: string }>>;
}

/** True when Debian's redis-server is installed (scripts/install-system-deps.sh installs it). */
export function redisServerAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * In a `describe`: skips the suite on a machine without redis-server (a newcomer's `npm test` needs none), but fails
 * in CI, where the install script must have put it there.
 */
export function requireRedisServer(ctx: Mocha.Context): void {
  if (redisServerAvailable()) return;
  if (process.env.CI) throw new Error('redis-server is missing: scripts/install-system-deps.sh installs it');
  console.error('  (redis-server not installed: skipping; `bash scripts/install-system-deps.sh` installs it)');
  ctx.skip();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-redis-'));
  let child: ChildProcess | undefined;

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = proc;
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out.slice(-500)}`)), 10_000);
      proc.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`));
      });
    });

  const halt = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.removeAllListeners('exit');
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });

  await launch();
  const cli = (...args: string[]) =>
    execFileSync('redis-cli', ['-p', String(port), '--raw', ...args], { encoding: 'utf8' }).replace(/\n$/, '');
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => halt('SIGKILL'),
    restart: launch,
    stop: async () => {
      await halt('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
    dump: async () => {
      const keys = cli('--scan').split('\n').filter(Boolean);
      return keys.map((key) => {
        const type = cli('TYPE', key);
        const value = type === 'set' ? cli('SMEMBERS', key) : type === 'hash' ? cli('HGETALL', key) : cli('GET', key);
        return { key, value };
      });
    },
  };
}
