import {
  CloudAdapter,
  type TurnContext,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import {
  AuthenticationConstants,
  type AuthenticateRequestResult,
  AuthenticationError,
  ConnectorFactory,
  type ClaimsIdentity,
  type ConnectorClient,
  type ServiceClientCredentialsFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botframework-schema';
import { decodeJwt } from 'jose';
import type { AppConfig } from '../src/config';
import { LruCache } from '../src/util/lruCache';
import { channelKeyCache } from './channelKeys';

const JWT_FAILURES = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/** The bot's app id in an authenticated identity, as botbuilder reads it (audience, else appid claim). */
function appIdOf(identity: ClaimsIdentity): string {
  return (
    identity.getClaimValue(AuthenticationConstants.AudienceClaim) ??
    identity.getClaimValue(AuthenticationConstants.AppIdClaim) ??
    ''
  );
}

/**
 * Hands out one ConnectorClient per app id, service URL and audience (what botbuilder's factory builds them from)
 * instead of a new one, with its own HTTP pipeline, on every turn.
 */
class ReusingConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly clients: LruCache<Promise<ConnectorClient>>,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = JSON.stringify([this.appId, serviceUrl, audience ?? null]);
    let client = this.clients.get(key);
    if (!client) {
      client = this.inner.create(serviceUrl, audience);
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }
}

/** A validated channel token is taken as valid again for at most this long (never past its own expiry). */
const VALIDATION_REUSE_MS = 10 * 60_000;

/**
 * botbuilder's validation rejects a token signed with the wrong key by throwing a plain JsonWebTokenError, which
 * CloudAdapter turns into a 500. A forged token is an authentication failure: surface it as 401.
 *
 * The channel reuses its token for every activity of the hour, and checking it (RSA signature, issuer, audience,
 * endorsement, service URL) was the largest single cost of an invoke (14 % of the app's CPU per submit in the
 * benchmark profile). So a token that passed is remembered with the activity fields the check reads (channel id,
 * service URL): the same token string for the same channel and service URL passes again until it expires (at
 * most 10 minutes). Anything else is checked in full. Only exactly that string can hit, so nobody gets in who
 * could not have sent the token anyway; a signing key the channel withdraws is honoured at most 10 minutes longer
 * (botbuilder itself refreshes the channel's keys only every 24 hours).
 *
 * botbuilder builds a ConnectorClient and a UserTokenClient (each a client with its own pipeline) for every turn,
 * used or not (2–3 % of the app's CPU per invoke in the benchmark profile). They hold nothing of the turn (only the
 * app id, the service URL and audience, and the app's credentials), so they are built once and reused.
 */
export class ChannelAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new LruCache<Promise<ConnectorClient>>(64);
  private readonly tokenClients = new LruCache<Promise<UserTokenClient>>(8);
  private readonly passed = new LruCache<{ result: AuthenticateRequestResult; untilMs: number }>(1000);

  override async authenticateRequest(activity: Activity, authHeader: string) {
    // Only tokens with an expiry are remembered, so a remembered one needs no second look at its claims.
    const key = JSON.stringify([authHeader, activity.channelId, activity.serviceUrl]);
    const known = this.passed.get(key);
    if (known && Date.now() < known.untilMs) return this.withReusedConnectors(known.result);
    const exp = requireExpiry(authHeader);
    let result: AuthenticateRequestResult;
    try {
      result = await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof AuthenticationError) throw err;
      if (err instanceof Error && JWT_FAILURES.has(err.name)) {
        throw new AuthenticationError(`Unauthorized: ${err.message}`, 401);
      }
      throw err;
    }
    if (exp !== undefined) {
      this.passed.set(key, { result, untilMs: Math.min(exp * 1000, Date.now() + VALIDATION_REUSE_MS) });
    }
    return this.withReusedConnectors(result);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const key = appIdOf(claimsIdentity);
    let client = this.tokenClients.get(key);
    if (!client) {
      client = super.createUserTokenClient(claimsIdentity);
      client.catch(() => this.tokenClients.delete(key));
      this.tokenClients.set(key, client);
    }
    return client;
  }

  private withReusedConnectors(result: AuthenticateRequestResult): AuthenticateRequestResult {
    if (!result.connectorFactory) return result;
    return {
      ...result,
      connectorFactory: new ReusingConnectorFactory(
        result.connectorFactory,
        appIdOf(result.claimsIdentity),
        this.connectors,
      ),
    };
  }
}

/**
 * botbuilder (jsonwebtoken) accepts a token without `exp` as never expiring; the Bot Framework's own rule is that
 * the token has not expired, so one without an expiry is refused. Undecodable tokens are left to botbuilder.
 * Returns the token's expiry (seconds), or undefined when there is no decodable token.
 */
function requireExpiry(authHeader: string): number | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(authHeader ?? '')?.[1];
  if (!token) return undefined;
  let exp: unknown;
  try {
    exp = decodeJwt(token).exp;
  } catch {
    return undefined;
  }
  if (typeof exp !== 'number') throw new AuthenticationError('Unauthorized: the token has no expiry (exp)', 401);
  return exp;
}

/** botbuilder settings for the configured cloud (public, national, or the local sandbox). */
export function botFrameworkOptions(config: AppConfig): ConfigurationBotFrameworkAuthenticationOptions {
  const bf = config.botFramework;
  return {
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
    ToBotFromChannelOpenIdMetadataUrl: bf.openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: bf.tokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: bf.emulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: bf.loginUrl,
    ToChannelFromBotOAuthScope: bf.oauthScope,
    OAuthUrl: bf.tokenServiceUrl,
    CallerId: bf.callerId,
    ValidateAuthority: bf.validateAuthority,
  };
}

/**
 * botbuilder's CloudAdapter with its activity pipeline reachable by the server: CloudAdapter.process would print
 * every failure (a forged token too) with console.error and send the raw error message as the body; the server
 * parses the request itself and answers failures as JSON.
 */
export class ShareLinkAdapter extends CloudAdapter {
  /** Authenticates the activity's channel token and runs the turn; rejects with AuthenticationError when refused. */
  handleActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** The CloudAdapter that validates every inbound activity's Bot Framework JWT. */
export function createCloudAdapter(
  config: AppConfig,
  credentialsFactory?: ServiceClientCredentialsFactory,
): ShareLinkAdapter {
  // Concurrent validations share one load of the channel's (and the emulator's) signing keys.
  channelKeyCache(config.botFramework.openIdMetadataUrl);
  channelKeyCache(config.botFramework.emulatorOpenIdMetadataUrl);
  return new ShareLinkAdapter(new ChannelAuthentication(botFrameworkOptions(config), credentialsFactory));
}
