import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ensureSandboxTls } from './tls';
import { loadSigningKeys, type Authority, type SigningKey } from './keys';
import { loadTenantData, type SandboxUser, type TenantData } from './tenant-data';
import { SANDBOX_IDENTITIES } from './identities';
import { mintGraphToken, mintSsoToken, toOpaqueToken } from './tokens';
import { createGraphSandbox } from './graph';
import { createChatsRouter } from './graph/chats';
import { FaultController, faultMiddleware, type FaultRule } from './faults';
import { classifyRoute, StatsRecorder, type LatencyProfile, type RouteKind, type SandboxStats } from './state';
import { createAdminRouter } from './admin';
import { Directory, type InteractionChallenge } from './entra/directory';
import { createEntraRouter } from './entra';
import { openIdConfiguration } from './entra/metadata';
import { SANDBOX_APP, type SignInAudience } from './entra/app-registration';
import { createBotFrameworkRouter } from './botframework';
import { signChannelToken, type ChannelTokenOptions } from './botframework/channel-token';
import { CONNECTOR_PREFIX, createConnectorRouter } from './botframework/connector';
import { createTokenServiceRouter, defaultConnections, TokenService } from './tokenservice';
import { TokenStore, type OAuthConnection } from './tokenservice/store';
import { DEFAULT_FIDELITY, fidelityFromEnv, parseFidelity, type FidelitySwitches } from './fidelity';

export interface SandboxOptions {
  /** Folder for the CA, server certificate and signing keys (kept across restarts). */
  dataDir: string;
  host?: string;
  /** Default 3979; 0 picks a free port. */
  port?: number;
  /** Seeded directory file (default sandbox/data/tenant.json). */
  tenantFile?: string;
  /** Latency added per route group (the benchmark's stand-in for real service times). */
  latencyProfile?: LatencyProfile;
  /** Fault rules active from the start (and again after reset). */
  faults?: FaultRule[];
  /**
   * Users signed in to the Token Service up front (UPN, object id or Teams id): the Agents Playground cannot show
   * sign-in pages. Restored on reset.
   */
  signedInUsers?: string[];
  /** Lifetime of every access token the sandbox issues (default 3600 s). */
  tokenLifetimeSeconds?: number;
  /** OAuth connections of the sandbox bot (default: one Graph connection named as in sandbox/identities.ts). */
  connections?: OAuthConnection[];
  /**
   * Switches for behaviours where real tenants differ (sandbox/fidelity.ts). Start values: all off, then the names
   * in `SANDBOX_FIDELITY` (comma-separated), then these.
   */
  fidelity?: Partial<FidelitySwitches>;
  /**
   * Who the app registration admits, as Entra enforces it for SSO tokens, OBO and sign-in. Default: the
   * `signInAudience` of the project's aad.manifest.json (AzureADMyOrg: the home tenant only).
   */
  signInAudience?: SignInAudience;
}

export interface SsoTokenOptions {
  /** Default: the app's client id (v2 tokens). Use the Application ID URI for v1-style audiences. */
  audience?: string;
  scopes?: string[];
  lifetimeSeconds?: number;
  /** Issue time in epoch seconds (to make expired tokens). */
  nowSeconds?: number;
}

export interface SignInOptions {
  connectionName?: string;
  /** Default "msteams". */
  channelId?: string;
  /** Token Service user id; default the user's Teams id (29:…). */
  userId?: string;
}

/** Endpoints of the running sandbox, for configuration and msal. */
export interface SandboxEndpointUrls {
  graph: string;
  authorityHost: string;
  tokenService: string;
  botFrameworkOpenIdMetadata: string;
  botFrameworkLoginUrl: string;
  /**
   * A serviceUrl of the sandbox's Bot Connector (`…/smba/amer/`): activities that carry it (signed with it) make
   * the app call the connector here, as Teams' `https://smba.trafficmanager.net/amer/` does.
   */
  connectorServiceUrl: string;
}

export interface Sandbox {
  url: string;
  port: number;
  keys: Record<Authority, SigningKey>;
  /** The local CA the app must trust (NODE_EXTRA_CA_CERTS, see sandbox/trust.ts). */
  caPath: string;
  /** The seeded directory as loaded. */
  data: TenantData;
  endpoints: SandboxEndpointUrls;
  close(): Promise<void>;
  /** Back to the started state: Graph, Token Service, consent, faults (to the start options) and stats. */
  reset(): void;
  /** Sharing notifications the Graph part "sent". */
  outbox(): unknown[];
  faults: FaultController;
  stats(): SandboxStats;
  /** Requests of a route kind, or of every kind with that prefix ("entra.token.obo", "graph."). */
  count(kindOrPrefix: RouteKind | string): number;
  resetStats(): void;
  /** A seeded user by UPN, object id, mail or Teams id; throws naming the seeded users. */
  user(key: string): SandboxUser;
  /** A Teams SSO token for the app, as Teams hands it to the client (aud = app, scp access_as_user). */
  ssoToken(user: string, opts?: SsoTokenOptions): Promise<string>;
  /** A delegated Graph token for the user (default: the app's granted Graph scopes). */
  graphToken(user: string, scopes?: string[]): Promise<string>;
  /** A Bot Framework channel token, as Teams sends with an activity. */
  channelToken(opts: ChannelTokenOptions): Promise<string>;
  /** The Authorization header value for posting this activity to a bot, as the channel would. */
  signActivity(activity: { serviceUrl?: string }, opts?: Omit<ChannelTokenOptions, 'serviceUrl'>): Promise<string>;
  /** Signs a user in to the Token Service up front (as if they had completed the sign-in page). */
  signIn(user: string, opts?: SignInOptions): void;
  /** Grants or withdraws the user's consent to the app (AADSTS65001 when withdrawn). */
  setConsent(user: string, consented: boolean): void;
  /**
   * Per-user Conditional Access switch: OBO and the Token Service exchange answer `interaction_required`
   * (AADSTS50076 `mfa`, AADSTS50079 `mfaRegistration`, with a claims challenge) until the user signs in
   * interactively (the Token Service sign-in page) or it is lifted (undefined).
   */
  requireInteraction(user: string, challenge: InteractionChallenge | undefined): void;
  /** The fidelity switches in force. */
  fidelity(): FidelitySwitches;
  /** Changes fidelity switches until the next reset (unknown names or non-booleans throw). */
  setFidelity(switches: Partial<FidelitySwitches>): FidelitySwitches;
  /**
   * Most roster members the connector serves per page whatever the bot asks (undefined: the documented sizes
   * alone), until the next reset.
   */
  setRosterPageSize(size: number | undefined): void;
  /** msal-node settings that keep it offline: authority, knownAuthorities and authorityMetadata. */
  msalAuthority(tenant?: string): { authority: string; knownAuthorities: string[]; authorityMetadata: string };
}

/** Starts the local Microsoft 365 sandbox over https: Entra ID, Bot Framework channel + Token Service, Graph. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const tls = ensureSandboxTls(options.dataDir);
  const keys = loadSigningKeys(options.dataDir);
  const data = loadTenantData(options.tenantFile);
  const directory = new Directory(data, options.signInAudience);
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const startFidelity: FidelitySwitches = {
    ...DEFAULT_FIDELITY,
    ...fidelityFromEnv(process.env.SANDBOX_FIDELITY),
    ...parseFidelity(options.fidelity ?? {}),
  };
  let fidelity: FidelitySwitches = { ...startFidelity };
  const setFidelity = (switches: Partial<FidelitySwitches>): FidelitySwitches => {
    fidelity = { ...fidelity, ...parseFidelity(switches) };
    return { ...fidelity };
  };
  let rosterPageSize: number | undefined;
  let baseUrl = '';
  const sandboxUrl = () => baseUrl;
  const faults = new FaultController({ ...options.latencyProfile });
  if (options.faults?.length) faults.set(options.faults);
  const stats = new StatsRecorder();
  const store = new TokenStore();
  const tsDeps = {
    entraKey: keys.entra,
    directory,
    store,
    connections: options.connections ?? defaultConnections(),
    sandboxUrl,
    tokenLifetimeSeconds,
    fidelity: () => fidelity,
  };
  const tokenService = new TokenService(tsDeps);
  const graph = createGraphSandbox({ data, entraKey: keys.entra, baseUrl: sandboxUrl, fidelity: () => fidelity });

  const signIn = (user: string, opts: SignInOptions = {}) => {
    const u = directory.requireUser(user);
    tokenService.signIn(
      opts.userId ?? u.teamsId,
      u,
      opts.connectionName ?? tsDeps.connections[0].name,
      opts.channelId ?? 'msteams',
    );
  };
  const reset = () => {
    graph.reset();
    store.reset();
    directory.reset();
    faults.set(options.faults ?? []);
    faults.latencyProfile = { ...options.latencyProfile };
    stats.reset();
    fidelity = { ...startFidelity };
    rosterPageSize = undefined;
    for (const u of options.signedInUsers ?? []) signIn(u);
  };
  for (const u of options.signedInUsers ?? []) signIn(u);

  // A token signed as Entra would for any seeded user (tests also need foreign ones); whom the registration admits
  // is enforced where Entra does it for this app: OBO, the Token Service exchange and the sign-in page.
  const ssoToken = (user: string, opts: SsoTokenOptions = {}) =>
    mintSsoToken(keys.entra, baseUrl, directory.requireUser(user), opts);
  const setConsent = (user: string, consented: boolean) =>
    directory.setConsent(directory.requireUser(user).id, consented);
  const requireInteraction = (user: string, challenge: InteractionChallenge | undefined) =>
    directory.setInteractionRequired(directory.requireUser(user).id, challenge);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Front: classify, time, and stamp every response with the time the sandbox spent on it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    res.locals.routeKind = classifyRoute(req.method, req.path);
    res.locals.injectedMs = 0;
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      if (!this.headersSent) this.setHeader('x-sandbox-elapsed-ms', elapsed().toFixed(1));
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as typeof res.writeHead;
    // The sandbox's own admin calls stay out of the figures.
    let recorded = res.locals.routeKind === 'admin';
    const record = (status: number | 'dropped') => {
      if (recorded) return;
      recorded = true;
      stats.record(res.locals.routeKind as RouteKind, elapsed(), res.locals.injectedMs as number, status);
    };
    // Recorded when the handler ends the response, so a client that got its answer also sees it counted.
    const end = res.end;
    res.end = function (this: Response, ...args: unknown[]) {
      record(this.statusCode);
      return (end as (...a: unknown[]) => Response).apply(this, args);
    } as typeof res.end;
    res.on('close', () => record('dropped'));
    next();
  });
  // Token requests are told apart by grant type, so faults and stats can target the OBO grant alone.
  app.use(
    /^\/[^/]+\/oauth2\/v2\.0\/token$/i,
    express.urlencoded({ extended: false, limit: '64kb' }),
    (req, res, next) => {
      const grant = String(req.body?.grant_type ?? '');
      res.locals.routeKind =
        grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer'
          ? 'entra.token.obo'
          : grant === 'client_credentials'
            ? 'entra.token.client_credentials'
            : 'entra.token.other';
      next();
    },
  );
  app.use(faultMiddleware(faults));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    createAdminRouter({
      faults,
      stats: () => stats.snapshot(),
      resetStats: () => stats.reset(),
      reset,
      outbox: () => graph.outbox(),
      users: () => directory.users.map((u) => ({ ...u, consented: directory.hasConsented(u.id) })),
      ssoToken: (user, opts) => ssoToken(user, opts),
      signIn,
      setConsent,
      fidelity: () => ({ ...fidelity }),
      setFidelity,
      requireInteraction,
    }),
  );
  app.use(createBotFrameworkRouter({ channelKey: keys.botframework, sandboxUrl }));
  app.use(createTokenServiceRouter(tsDeps, tokenService));
  app.use(
    createConnectorRouter({
      entraKey: keys.entra,
      directory,
      sandboxUrl,
      data,
      fidelity: () => fidelity,
      servedPageSize: () => rosterPageSize,
    }),
  );
  app.use(graph.router);
  app.use(createChatsRouter({ data, entraKey: keys.entra, baseUrl: sandboxUrl }));
  app.use(
    createEntraRouter({ entraKey: keys.entra, directory, sandboxUrl, tokenLifetimeSeconds, fidelity: () => fidelity }),
  );
  app.use((req, res) => {
    res
      .status(404)
      .json({ error: { code: 'NotFound', message: `The sandbox has no route ${req.method} ${req.path}.` } });
  });
  app.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'BadRequest', message: 'The request body is not valid JSON.' } });
      return;
    }
    res.status(500).json({ error: { code: 'InternalServerError', message: err.message } });
  });

  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3979, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://127.0.0.1:${port}`;
  const url = baseUrl;

  return {
    url,
    port,
    keys,
    caPath: tls.caPath,
    data,
    endpoints: {
      graph: url,
      authorityHost: url,
      tokenService: `${url}/tokenservice`,
      botFrameworkOpenIdMetadata: `${url}/botframework/v1/.well-known/openidconfiguration`,
      botFrameworkLoginUrl: `${url}/${SANDBOX_IDENTITIES.botFrameworkTenantId}`,
      connectorServiceUrl: `${url}${CONNECTOR_PREFIX}/amer/`,
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    reset,
    outbox: () => graph.outbox(),
    faults,
    stats: () => stats.snapshot(),
    count: (kind) => stats.count(kind),
    resetStats: () => stats.reset(),
    user: (key) => directory.requireUser(key),
    ssoToken,
    graphToken: async (user, scopes) => {
      const signed = await mintGraphToken(
        keys.entra,
        url,
        directory.requireUser(user),
        scopes ?? [...SANDBOX_APP.grantedGraphScopes],
        SANDBOX_APP.clientId,
        tokenLifetimeSeconds,
      );
      return fidelity.opaqueGraphTokens ? toOpaqueToken(signed) : signed;
    },
    channelToken: (opts) => signChannelToken(keys.botframework, opts),
    signActivity: async (activity, opts = {}) => {
      if (!activity.serviceUrl) throw new Error('The activity needs a serviceUrl: the channel token carries it.');
      return `Bearer ${await signChannelToken(keys.botframework, { ...opts, serviceUrl: activity.serviceUrl })}`;
    },
    signIn,
    setConsent,
    fidelity: () => ({ ...fidelity }),
    setFidelity,
    requireInteraction,
    setRosterPageSize: (size) => {
      if (size !== undefined && !(Number.isInteger(size) && size > 0))
        throw new Error('The roster page size must be a positive whole number (or undefined).');
      rosterPageSize = size;
    },
    msalAuthority: (tenant = SANDBOX_IDENTITIES.homeTenantId) => ({
      authority: `${url}/${tenant}`,
      knownAuthorities: [`127.0.0.1:${port}`],
      authorityMetadata: JSON.stringify(openIdConfiguration(url, tenant)),
    }),
  };
}
