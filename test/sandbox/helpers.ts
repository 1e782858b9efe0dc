import * as path from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server';
import { SANDBOX_IDENTITIES } from '../../sandbox/identities';
import { forgetBotAppTokens } from '../helpers/botAppTokenCache';

const APP = SANDBOX_IDENTITIES.app;

/** The data dir whose CA the test process trusts (scripts/with-sandbox-ca.ts uses the same default). */
export const SANDBOX_DATA_DIR = process.env.SANDBOX_DATA_DIR || path.resolve('.sandbox-data');

/** Starts a sandbox on a free port for one suite. */
export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  forgetBotAppTokens();
  return startSandbox({ dataDir: SANDBOX_DATA_DIR, port: 0, ...options });
}

/** Production-mode settings with every Microsoft endpoint pointed at the sandbox through the env overrides. */
export function productionEnvFor(sandbox: Sandbox): Record<string, string> {
  return {
    APP_MODE: 'production',
    BOT_ID: APP.clientId,
    BOT_PASSWORD: APP.clientSecret,
    BOT_TENANT_ID: SANDBOX_IDENTITIES.homeTenantId,
    APPLICATION_ID_URI: APP.applicationIdUri,
    BOT_ENDPOINT: 'https://share.example.com',
    OAUTH_CONNECTION_NAME: APP.oauthConnectionName,
    AAD_APP_OAUTH_AUTHORITY_HOST: sandbox.endpoints.authorityHost,
    GRAPH_BASE_URL: sandbox.endpoints.graph,
    BOTFRAMEWORK_OPENID_METADATA_URL: sandbox.endpoints.botFrameworkOpenIdMetadata,
    BOTFRAMEWORK_EMULATOR_OPENID_METADATA_URL: sandbox.endpoints.botFrameworkOpenIdMetadata,
    BOTFRAMEWORK_LOGIN_URL: sandbox.endpoints.botFrameworkLoginUrl,
    BOTFRAMEWORK_TOKEN_SERVICE_URL: sandbox.endpoints.tokenService,
    BOTFRAMEWORK_VALIDATE_AUTHORITY: 'false',
  };
}
