import * as path from 'node:path';
import express, { type Request, type Response, type NextFunction } from 'express';
import { createCloudAdapter, type ShareLinkAdapter } from '../bot/adapter';
import { ShareLinkBot } from '../bot/shareLinkBot';
import { warmChannelKeys } from '../bot/channelKeys';
import { ConversationPeopleService } from './share/conversationPeople';
import {
  createAuthServices,
  createBotCredentialsFactory,
  loadAuthorityMetadata,
  MetadataDocuments,
  warmAuthorityMetadata,
  warmBotAppToken,
  type AuthServices,
} from './auth';
import { iconDirectory } from './cards';
import type { Clock } from './clock';
import { systemClock } from './clock';
import type { AppConfig } from './config';
import { createDriveClient, type DriveClient } from './graph/driveClient';
import { createHttpClient, SHARE_LINK_USER_AGENT, type HttpClient } from './http/httpClient';
import { createHttpFetch } from './http/fetchAdapter';
import type { Logger } from './log';
import { createApp, type ReadinessCheck, type ServerDeps } from './server';
import { ShareService } from './share/shareService';
import { ItemSeal } from './share/itemSeal';
import { ShareError } from './domain/errors';
import type { JournaledShareLog } from './store/journaledShareLog';
import { openShareLog } from './store';
import { createTabRouter } from './tabApi';
import { createSharedState, type SharedState } from './state';
import { WarmUp } from './warmUp';

/** Everything the running app is made of, built once per process from the configuration. */
export interface AppServices {
  config: AppConfig;
  log: Logger;
  clock: Clock;
  http: HttpClient;
  graph: DriveClient;
  auth: AuthServices;
  /** The share log (store behind the share journal). */
  shareLog: JournaledShareLog;
  /** Hot state: per process, or shared by every instance through Redis. */
  state: SharedState;
  shares: ShareService;
  people: ConversationPeopleService;
  adapter: ShareLinkAdapter;
  bot: ShareLinkBot;
  /** Start-up warm-up (keys, metadata, the bot's app token), running in the background; /readyz waits for it. */
  warmUp: WarmUp;
  close(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  /** Tenant display names for cards ("People in Contoso with the link"). */
  organizationName?: (tenantId: string) => string | undefined;
}

/** Builds the app's services for the configured cloud (public, national, or the local sandbox). */
export async function createAppServices(
  config: AppConfig,
  log: Logger,
  options: AppOptions = {},
): Promise<AppServices> {
  const clock = options.clock ?? systemClock;
  const http = createHttpClient({
    userAgent: SHARE_LINK_USER_AGENT,
    log: log.child({ component: 'http' }),
    defaultTimeoutMs: 10_000,
    clock,
  });
  const entraFetch = createHttpFetch(http, { operation: 'entra' });
  // Every msal client finds an authority's metadata here: fetched once per tenant (warmed below), never per request.
  const documents = new MetadataDocuments();
  const state = createSharedState(config.state.redis, { clock, log });
  await state.start();
  const auth = createAuthServices(config, { logger: log, clock, fetch: entraFetch, documents, state });
  const graph = createDriveClient({
    baseUrl: config.graph.baseUrl,
    http,
    clock,
    log: log.child({ component: 'graph' }),
  });
  const shareLog = await openShareLog(config.store, config.dataDir, log);
  const shares = new ShareService({
    graph,
    shareLog,
    appId: config.sso.clientId,
    policy: config.policy,
    clock,
    log: log.child({ component: 'share' }),
    state,
    rateLimit: config.state.shareRateLimit,
    // Every instance derives the same key from the bot's secret, so a dialog opened on one is trusted by another.
    itemSeal: new ItemSeal(config.bot.appPassword, () => clock.now()),
  });
  const people = new ConversationPeopleService({
    graph,
    policy: config.policy,
    log: log.child({ component: 'people' }),
  });
  const botFetch = createHttpFetch(http, { operation: 'botframework' });
  const botCredentials = createBotCredentialsFactory(config, botFetch, log, documents);
  const adapter = createCloudAdapter(config, botCredentials);
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error.message, activityId: context.activity.id }, 'unhandled turn error');
  };
  const bot = new ShareLinkBot({
    shares,
    people,
    broker: auth.broker,
    tokenService: auth.tokenService,
    log: log.child({ component: 'bot' }),
    clock,
    publicBaseUrl: config.publicBaseUrl,
    connectionName: config.bot.oauthConnectionName,
    teamsAppId: config.teamsAppId,
    allowedTenantIds: config.allowedTenantIds,
    organizationName: options.organizationName,
  });
  const host = config.sso.authorityHost.replace(/\/+$/, '');
  const warmUp = new WarmUp(
    [
      // OBO asks the authority of each person's tenant, and SSO tokens are checked with its keys: one task per
      // allowed tenant, so a tenant whose documents fail (say, one deleted from Entra) degrades only itself.
      ...config.allowedTenantIds.map((tid) => ({
        name: `tenant ${tid}`,
        group: 'tenants',
        run: async () => {
          await Promise.all([
            warmAuthorityMetadata(`${host}/${tid}`, documents, entraFetch),
            auth.validator.warmKeys([tid]),
          ]);
        },
      })),
      { name: 'botframework-keys', run: () => warmChannelKeys(config.botFramework.openIdMetadataUrl) },
      { name: 'bot-token', run: () => warmBotAppToken(config, botCredentials) },
    ],
    { log: log.child({ component: 'warm-up' }) },
  );
  warmUp.start();
  return {
    config,
    log,
    clock,
    http,
    graph,
    auth,
    shareLog,
    state,
    shares,
    people,
    adapter,
    bot,
    warmUp,
    close: async () => {
      warmUp.stop();
      await auth.broker.drain();
      await shareLog.close();
      await state.close();
    },
  };
}

/** The express app serving the bot, the tab, icons and health endpoints. */
export function createHttpApp(services: AppServices, extra: Pick<ServerDeps, 'beforeBot'> = {}): express.Express {
  const { config, log, shares, auth } = services;
  const readiness: ReadinessCheck[] = [
    // Not ready until the start-up warm-up is done: the first invokes must not pay for cold fetches.
    { name: 'warm-up', check: () => services.warmUp.check() },
    // An allowed tenant whose Entra documents cannot be loaded yet: that tenant's people wait, others are served.
    { name: 'warm-up-tenants', degradesOnly: true, check: () => services.warmUp.checkGroups() },
    { name: 'share-log', check: () => services.shareLog.ping() },
    // Without Redis the app still serves (per-process state): "degraded", not "not ready".
    ...(services.state.engine === 'redis'
      ? [{ name: 'redis', degradesOnly: true, check: () => services.state.check() }]
      : []),
    {
      name: 'entra',
      check: async () => {
        await loadAuthorityMetadata(
          `${config.sso.authorityHost}/${config.sso.tenantId}`,
          createHttpFetch(services.http, { operation: 'readyz', timeoutMs: 2000 }),
        );
      },
    },
  ];
  const tabRouter = createTabRouter({
    shareLog: services.shareLog,
    clock: services.clock,
    authenticate: async (ssoToken) => {
      const id = await auth.validator.validate(ssoToken);
      return { tenantId: id.tenantId, userObjectId: id.userObjectId };
    },
    revoke: async (user, record) => {
      const token = await auth.broker.getGraphToken({
        ssoToken: user.ssoToken,
        tenantId: user.tenantId,
        aadObjectId: user.userObjectId,
      });
      if (token.kind !== 'token')
        throw new ShareError(token.kind, 'Sign in again to revoke links.', {
          interactionRequired: token.kind === 'signInRequired' && token.interactionRequired === true,
        });
      await shares.revoke(
        {
          caller: { tenantId: user.tenantId, userObjectId: user.userObjectId },
          token: token.accessToken,
          deadline: services.clock.now() + 5000,
        },
        record.permissionId,
      );
    },
  });
  const icons = express.Router();
  icons.use('/static/icons', express.static(iconDirectory(), { maxAge: '7d', immutable: true }));
  // The manifest's developer links: home, privacy and terms pages.
  icons.use(
    express.static(path.resolve(__dirname, '..', '..', 'tabs', 'site'), { extensions: ['html'], index: 'index.html' }),
  );
  return createApp({
    log,
    adapter: services.adapter,
    bot: services.bot,
    readiness,
    routers: [icons, tabRouter],
    beforeBot: extra.beforeBot,
  });
}

/**
 * Sandbox mode only: the Agents Playground sends activities without a Bot Framework JWT. The sandbox stands in
 * for the Bot Framework channel, so it signs them as the channel would, and the bot's normal validation runs.
 */
export function playgroundSigner(
  sign: (activity: { serviceUrl?: string }) => Promise<string>,
  log: Logger,
): (req: Request, res: Response, next: NextFunction) => void {
  let warned = false;
  return (req, _res, next) => {
    if (
      req.method !== 'POST' ||
      req.path !== '/api/messages' ||
      req.headers.authorization ||
      req.header('x-ms-agents-playground') !== 'true'
    ) {
      next();
      return;
    }
    if (!warned) {
      warned = true;
      log.warn(
        'SANDBOX MODE: accepting unauthenticated Agents Playground activities (signed by the local sandbox channel)',
      );
    }
    sign(req.body ?? {})
      .then((authorization) => {
        req.headers.authorization = authorization;
        next();
      })
      .catch(next);
  };
}
