import type { ConfidentialClientApplication } from '@azure/msal-node';
import type { Clock } from '../clock';
import type { AppConfig } from '../config';
import type { Logger } from '../log';
import type { SharedState } from '../state';
import type { FetchLike } from './fetchLike';
import { createOboMsalClient } from './msalClient';
import type { MetadataDocuments } from './metadataDocuments';
import { MsalPartitions } from './msalPartitions';
import { OboTokenProvider } from './oboProvider';
import { SsoTokenValidator } from './ssoValidator';
import { TokenBroker } from './tokenBroker';
import { TokenServiceClient } from './tokenService';

export { InvalidSsoTokenError, TenantNotAllowedError, type SsoRejectionReason } from './errors';
export type { FetchLike } from './fetchLike';
export {
  createBotCredentialsFactory,
  createMsalClient,
  createOboMsalClient,
  loadAuthorityMetadata,
  warmAuthorityMetadata,
  warmBotAppToken,
} from './msalClient';
export { MetadataDocuments } from './metadataDocuments';
export { DEFAULT_GRAPH_SCOPES, OboTokenProvider, mapOboError, type GraphToken } from './oboProvider';
export { SsoTokenValidator, type SsoIdentity } from './ssoValidator';
export { TokenBroker, type GraphTokenRequest, type GraphTokenResult } from './tokenBroker';
export { TokenServiceClient, asMagicCode, type UserTokenClientLike } from './tokenService';

export interface AuthDeps {
  logger: Logger;
  clock: Clock;
  /** The app's shared http layer; the platform fetch when absent. */
  fetch?: FetchLike;
  /**
   * openid-configuration of `{authorityHost}/{sso.tenantId}` as msal's `authorityMetadata` (used for every tenant);
   * without it msal asks for each tenant's document, through `documents` when given.
   */
  authorityMetadata?: string;
  /** Authority metadata shared by every msal client of the process (fetched once per tenant, warmed at start). */
  documents?: MetadataDocuments;
  /** Graph scopes for OBO; DEFAULT_GRAPH_SCOPES when absent. */
  graphScopes?: readonly string[];
  /** Token caches and leases: per process when absent. */
  state?: SharedState;
}

export interface AuthServices {
  broker: TokenBroker;
  validator: SsoTokenValidator;
  obo: OboTokenProvider;
  tokenService: TokenServiceClient;
  /** The process's one OBO msal client. */
  msal: ConfidentialClientApplication;
}

/** Wires the auth layer for the configured cloud: one validator, one msal client, one broker per process. */
export function createAuthServices(config: AppConfig, deps: AuthDeps): AuthServices {
  const logger = deps.logger.child({ component: 'auth' });
  const validator = new SsoTokenValidator({
    clientId: config.sso.clientId,
    applicationIdUri: config.sso.applicationIdUri,
    authorityHost: config.sso.authorityHost,
    allowedTenantIds: config.allowedTenantIds,
    clock: deps.clock,
    logger,
    fetch: deps.fetch,
  });
  const msalDeps = {
    logger,
    fetch: deps.fetch,
    authorityMetadata: deps.authorityMetadata,
    documents: deps.documents,
  };
  const msal = createOboMsalClient(config, msalDeps);
  // Shared state in Redis: msal's cache is one encrypted partition per person there, so any instance reuses an OBO.
  const partitions =
    deps.state?.engine === 'redis'
      ? new MsalPartitions(deps.state.cache('msal'), (cachePlugin) =>
          createOboMsalClient(config, { ...msalDeps, cachePlugin }),
        )
      : undefined;
  const obo = new OboTokenProvider({
    cca: msal,
    partitions,
    authorityHost: config.sso.authorityHost,
    scopes: deps.graphScopes,
    clock: deps.clock,
    logger,
  });
  const tokenService = new TokenServiceClient(config.bot.oauthConnectionName, logger, () => deps.clock.now());
  const broker = new TokenBroker({
    validator,
    obo,
    tokenService,
    allowedTenantIds: config.allowedTenantIds,
    clock: deps.clock,
    logger,
    cache: deps.state?.cache('graph-token'),
    leases: deps.state?.leases,
  });
  return { broker, validator, obo, tokenService, msal };
}
