import { OnBehalfOfUserCredential } from '@microsoft/teamsfx';
import { loadConfig, type AppConfig } from '../src/config';
import { createLogger } from '../src/log';
import { listen } from '../src/server';
import { createAppServices, createHttpApp } from '../src/app';
import {
  DEFAULT_GRAPH_SCOPES,
  TenantNotAllowedError,
  TokenBroker,
  loadAuthorityMetadata,
  type GraphTokenRequest,
  type GraphTokenResult,
  type SsoTokenValidator,
  type TokenServiceClient,
} from '../src/auth';
import { InvalidSsoTokenError } from '../src/auth';
import { ShareError } from '../src/domain/errors';
import { createHttpFetch } from '../src/http/fetchAdapter';
import { ShareLinkBot } from '../bot/shareLinkBot';

/**
 * The baseline: the same app, but the Graph token obtained the way Microsoft's Teams samples do it:
 * - an invoke with an SSO token (search): `new OnBehalfOfUserCredential(ssoToken, authConfig).getToken(scopes)` from
 *   @microsoft/teamsfx 3.0.2 on every request (what `handleMessageExtensionQueryWithSSO` does): a new msal
 *   ConfidentialClientApplication per request, so no token cache across requests;
 * - an action invoke (no SSO in Teams): the Bot Framework Token Service `getUserToken` on every turn.
 * Everything else (JWT validation, SSO validation, share core, cards) is the app's own code.
 *
 * teamsfx builds its msal client from `{clientId, authority, clientSecret}` only. For login.microsoftonline.com
 * msal-common carries the authority metadata hard-coded (AuthorityMetadata.ts), so one OBO is one token request;
 * for the sandbox's authority msal would instead try instance discovery at a Microsoft host, which fails offline.
 * So the constructor of that msal copy (the one teamsfx resolves, msal-node 2.16) is wrapped to add
 * `knownAuthorities` and `authorityMetadata` (fetched once at start, standing in for the hard-coded values).
 * Nothing else about teamsfx's credential changes.
 */

interface MsalModule {
  ConfidentialClientApplication: new (config: { auth: Record<string, unknown> }) => object;
}

function letTeamsfxReachTheSandbox(config: AppConfig, authorityMetadata: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const msal = require(
    require.resolve('@azure/msal-node', { paths: [require.resolve('@microsoft/teamsfx')] }),
  ) as MsalModule;
  const Original = msal.ConfidentialClientApplication;
  const host = new URL(config.sso.authorityHost).host;
  msal.ConfidentialClientApplication = class extends Original {
    constructor(cfg: { auth: Record<string, unknown> }) {
      super({ ...cfg, auth: { ...cfg.auth, knownAuthorities: [host], authorityMetadata } });
    }
  };
}

interface SamplesBrokerDeps {
  config: AppConfig;
  validator: SsoTokenValidator;
  tokenService: TokenServiceClient;
}

/** The TokenBroker seam with the samples' behaviour: per-request OBO credential, Token Service on every action. */
class SamplesPatternBroker extends TokenBroker {
  private readonly allowedTenants: Set<string>;

  constructor(
    private readonly deps: SamplesBrokerDeps,
    base: ConstructorParameters<typeof TokenBroker>[0],
  ) {
    super(base);
    this.allowedTenants = new Set(deps.config.allowedTenantIds.map((t) => t.toLowerCase()));
  }

  override async getGraphToken(request: GraphTokenRequest): Promise<GraphTokenResult> {
    if (!this.allowedTenants.has((request.tenantId ?? '').toLowerCase()))
      throw new TenantNotAllowedError(request.tenantId);
    if (request.ssoToken) {
      // The app's SSO validation stays, so the only difference measured is the OBO step.
      const identity = await this.deps.validator.validate(request.ssoToken);
      if (request.aadObjectId && request.aadObjectId.toLowerCase() !== identity.userObjectId.toLowerCase()) {
        throw new InvalidSsoTokenError('subjectMismatch');
      }
      const { sso } = this.deps.config;
      const credential = new OnBehalfOfUserCredential(request.ssoToken, {
        authorityHost: sso.authorityHost,
        clientId: sso.clientId,
        tenantId: sso.tenantId,
        clientSecret: sso.clientSecret,
      });
      try {
        const token = await credential.getToken([...DEFAULT_GRAPH_SCOPES]);
        if (!token) throw new ShareError('transient', 'No token');
        return { kind: 'token', accessToken: token.token, expiresOn: token.expiresOnTimestamp, source: 'obo' };
      } catch (err) {
        if ((err as { code?: string }).code === 'UiRequiredError') return { kind: 'consentRequired' };
        throw err instanceof ShareError ? err : new ShareError('transient', 'Sign-in failed. Try again.');
      }
    }
    const { userTokenClient, teamsUserId, channelId } = request;
    if (!userTokenClient || !teamsUserId || !channelId) return { kind: 'signInRequired' };
    const token = await this.deps.tokenService.getToken(userTokenClient, teamsUserId, channelId, request.magicCode);
    if (!token) return { kind: 'signInRequired' };
    return {
      kind: 'token',
      accessToken: token.accessToken,
      expiresOn: token.expiresOn ?? Date.now() + 60_000,
      source: 'tokenService',
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const services = await createAppServices(config, log);
  letTeamsfxReachTheSandbox(
    config,
    await loadAuthorityMetadata(
      `${config.sso.authorityHost}/${config.sso.tenantId}`,
      createHttpFetch(services.http, { operation: 'entra' }),
    ),
  );
  const broker = new SamplesPatternBroker(
    { config, validator: services.auth.validator, tokenService: services.auth.tokenService },
    {
      validator: services.auth.validator,
      obo: services.auth.obo,
      tokenService: services.auth.tokenService,
      allowedTenantIds: config.allowedTenantIds,
      clock: services.clock,
      logger: log,
    },
  );
  services.bot = new ShareLinkBot({
    shares: services.shares,
    people: services.people,
    broker,
    tokenService: services.auth.tokenService,
    log: log.child({ component: 'bot' }),
    clock: services.clock,
    publicBaseUrl: config.publicBaseUrl,
    connectionName: config.bot.oauthConnectionName,
    teamsAppId: config.teamsAppId,
    allowedTenantIds: config.allowedTenantIds,
  });
  const server = await listen(createHttpApp(services), config.host, config.port);
  console.log(`baseline listening on ${server.url}`);
  process.on('SIGTERM', () => {
    void server.close().then(async () => {
      await services.close();
      process.exit(0);
    });
  });
}

main().catch((err) => {
  console.error('baseline failed to start:', (err as Error).message);
  process.exit(1);
});
