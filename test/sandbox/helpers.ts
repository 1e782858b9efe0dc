import { productionEnvFor as appProductionEnv } from '../../sandbox/appEnv';
import * as path from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server';
import { forgetBotAppTokens } from '../helpers/botAppTokenCache';

/** The data dir whose CA the test process trusts (scripts/with-sandbox-ca.ts uses the same default). */
export const SANDBOX_DATA_DIR = process.env.SANDBOX_DATA_DIR || path.resolve('.sandbox-data');

/** Starts a sandbox on a free port for one suite. */
export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  forgetBotAppTokens();
  return startSandbox({ dataDir: SANDBOX_DATA_DIR, port: 0, ...options });
}

/** Production-mode settings with every Microsoft endpoint pointed at the sandbox through the env overrides. */
export function productionEnvFor(sandbox: Sandbox): Record<string, string> {
  return appProductionEnv(sandbox.url, { BOT_ENDPOINT: 'https://share.example.com' });
}
