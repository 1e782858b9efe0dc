import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/** The real entry point (`npm start`'s `dist/src/main.js`) running as a child process of a test. */
export interface AppProcess {
  child: ChildProcess;
  url: string;
  /** Every line the process wrote to stdout and stderr so far. */
  lines: string[];
  /** True while the process has not exited. */
  alive(): boolean;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string | null>;
  stop(): Promise<void>;
}

const MAIN = path.resolve(__dirname, '..', '..', 'src', 'main.js');

/**
 * Starts main.js with exactly `env` layered over this process's environment (which carries the sandbox CA) and
 * resolves once it logs that it is listening. The working directory is `cwd`, so no env/ files are read.
 */
export async function startAppProcess(
  env: Record<string, string>,
  cwd: string,
  options: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<AppProcess> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN], {
    cwd,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let exitCode: number | string | null | undefined;
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve(exitCode);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`main.js did not start:\n${lines.join('\n')}`)), timeoutMs);
    const onLine = (line: string) => {
      lines.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'Share Link is listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a JSON log line
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        parts.filter(Boolean).forEach(onLine);
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`main.js exited (${code}) before listening:\n${lines.join('\n')}`));
    });
  });
  return {
    child,
    url,
    lines,
    alive: () => exitCode === undefined,
    exited,
    stop: async () => {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
