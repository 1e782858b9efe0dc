import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureSandboxTls } from './tls';

/**
 * Node reads NODE_EXTRA_CA_CERTS once, at process start. The sandbox's CA is handed to the app (and to msal,
 * botbuilder and the Graph client inside it) by starting the process with a bundle that keeps whatever extra
 * CAs the machine already trusted and adds the sandbox's.
 */
export function ensureTrustBundle(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const tls = ensureSandboxTls(dataDir);
  const bundlePath = path.join(dataDir, 'tls', 'trust-bundle.pem');
  const inherited = env.NODE_EXTRA_CA_CERTS && env.NODE_EXTRA_CA_CERTS !== bundlePath ? env.NODE_EXTRA_CA_CERTS : '';
  let content = '';
  if (inherited && fs.existsSync(inherited)) content += fs.readFileSync(inherited, 'utf8').trimEnd() + '\n';
  content += tls.caCertPem;
  const current = fs.existsSync(bundlePath) ? fs.readFileSync(bundlePath, 'utf8') : '';
  if (current !== content) fs.writeFileSync(bundlePath, content);
  return bundlePath;
}

/** True when this process was started trusting the sandbox CA bundle. */
export function processTrustsSandbox(dataDir: string): boolean {
  return process.env.NODE_EXTRA_CA_CERTS === path.join(dataDir, 'tls', 'trust-bundle.pem');
}

/** Runs a command with the sandbox CA trusted; resolves with its exit code. Signals are passed on. */
export function runTrusting(dataDir: string, command: string, args: string[]): Promise<number> {
  const bundle = ensureTrustBundle(dataDir);
  const child = spawn(command, args, {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle },
  });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
