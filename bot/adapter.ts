import {
  CloudAdapter,
  type TurnContext,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import { AuthenticationError, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Activity } from 'botframework-schema';
import { decodeJwt } from 'jose';
import type { AppConfig } from '../src/config';
import { channelKeyCache } from './channelKeys';

const JWT_FAILURES = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * botbuilder's validation rejects a token signed with the wrong key by throwing a plain JsonWebTokenError, which
 * CloudAdapter turns into a 500. A forged token is an authentication failure: surface it as 401.
 */
export class ChannelAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string) {
    requireExpiry(authHeader);
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof AuthenticationError) throw err;
      if (err instanceof Error && JWT_FAILURES.has(err.name)) {
        throw new AuthenticationError(`Unauthorized: ${err.message}`, 401);
      }
      throw err;
    }
  }
}

/**
 * botbuilder (jsonwebtoken) accepts a token without `exp` as never expiring; the Bot Framework's own rule is that
 * the token has not expired, so one without an expiry is refused. Undecodable tokens are left to botbuilder.
 */
function requireExpiry(authHeader: string): void {
  const token = /^Bearer\s+(\S+)$/i.exec(authHeader ?? '')?.[1];
  if (!token) return;
  let exp: unknown;
  try {
    exp = decodeJwt(token).exp;
  } catch {
    return;
  }
  if (typeof exp !== 'number') throw new AuthenticationError('Unauthorized: the token has no expiry (exp)', 401);
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
