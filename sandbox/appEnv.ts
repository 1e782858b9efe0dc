import { SANDBOX_TEAMS_APP_ID, sandboxEndpoints } from '../src/config';
import { SANDBOX_IDENTITIES } from './identities';

/**
 * The app's **production-mode** settings with every Microsoft endpoint pointed at a running sandbox: the real auth
 * paths (Bot Framework JWTs, SSO validation, OBO, Token Service) against the local stand-ins. Used by the
 * integration tests, the browser tests and the benchmark; `overrides` wins.
 */
export function productionEnvFor(sandboxUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  const app = SANDBOX_IDENTITIES.app;
  const bf = sandboxEndpoints(sandboxUrl).botFramework;
  return {
    APP_MODE: 'production',
    BOT_ID: app.clientId,
    BOT_PASSWORD: app.clientSecret,
    BOT_TENANT_ID: SANDBOX_IDENTITIES.homeTenantId,
    APPLICATION_ID_URI: app.applicationIdUri,
    BOT_ENDPOINT: 'https://share.example.test',
    OAUTH_CONNECTION_NAME: app.oauthConnectionName,
    TEAMS_APP_ID: SANDBOX_TEAMS_APP_ID,
    GRAPH_BASE_URL: sandboxUrl,
    AAD_APP_OAUTH_AUTHORITY_HOST: sandboxUrl,
    BOTFRAMEWORK_OPENID_METADATA_URL: bf.openIdMetadataUrl,
    BOTFRAMEWORK_EMULATOR_OPENID_METADATA_URL: bf.emulatorOpenIdMetadataUrl,
    BOTFRAMEWORK_LOGIN_URL: bf.loginUrl,
    BOTFRAMEWORK_TOKEN_SERVICE_URL: bf.tokenServiceUrl,
    BOTFRAMEWORK_VALIDATE_AUTHORITY: 'false',
    ALLOWED_TENANT_IDS: SANDBOX_IDENTITIES.allowedTenantIds.join(','),
    ...overrides,
  };
}
