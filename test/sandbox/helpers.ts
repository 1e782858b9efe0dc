import { productionEnvFor as appProductionEnv } from '../../sandbox/appEnv';
import * as path from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server';
import { forgetBotAppTokens } from '../helpers/botAppTokenCache';
import { SANDBOX_IDENTITIES } from '../../sandbox/identities';

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

/** The bot's app token for the Bot Framework services, from the sandbox's Entra (client credentials). */
export async function botToken(sandbox: Sandbox): Promise<string> {
  const app = SANDBOX_IDENTITIES.app;
  const res = await fetch(`${sandbox.url}/botframework.com/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: 'https://api.botframework.com/.default',
    }).toString(),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
