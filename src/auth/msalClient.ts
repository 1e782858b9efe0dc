import {
  ConfidentialClientApplication,
  LogLevel,
  ServerError,
  type AuthenticationResult,
  type ClientCredentialRequest,
  type ICachePlugin,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { AppCredentials, MsalServiceClientCredentialsFactory } from 'botframework-connector';
import type { AppConfig } from '../config';
import { createLogger, type Logger } from '../log';
import { fetchJson, platformFetch, type FetchLike } from './fetchLike';
import type { MetadataDocuments } from './metadataDocuments';
import { InFlight } from '../util/inFlight';

/** Deadline of one msal request to Entra when the caller passes none. */
const DEFAULT_TIMEOUT_MS = 5_000;

const JWT_LIKE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

function parseBody(status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Same shape msal's own HttpClient produces for non-JSON answers, so its error handling still applies.
    const kind = status >= 500 ? 'server_error' : status >= 400 ? 'client_error' : 'unknown_error';
    return { error: kind, error_description: `Non-JSON answer, HTTP status ${status}` };
  }
}

/**
 * msal's network interface over one fetch function, so msal's traffic goes through the app's http layer.
 * Errors carry the URL and cause, never request bodies (they hold the client secret and the user's assertion).
 * With `documents`, msal's GETs (authority metadata) are shared with every other msal client of the process.
 */
export class FetchNetworkModule implements INetworkModule {
  constructor(
    private readonly fetchFn: FetchLike = platformFetch,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
    private readonly documents?: MetadataDocuments,
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    const load = () => this.send<T>('GET', url, options, timeout);
    return this.documents ? this.documents.get(url, load) : load();
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(
    method: string,
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method,
        headers: options?.headers,
        body: method === 'POST' ? (options?.body ?? '') : undefined,
        signal: AbortSignal.timeout(timeout ?? this.timeoutMs),
      });
    } catch (err) {
      const cause = err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
      throw new Error(`${method} ${new URL(url).origin}${new URL(url).pathname} failed: ${cause}`);
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const body = parseBody(res.status, await res.text());
    if (res.status === 429 || res.status >= 500) throw throttlingFreeError(res.status, body, headers, options);
    if (res.status >= 300) delete headers['retry-after'];
    return { status: res.status, headers, body: body as T };
  }
}

/**
 * msal remembers a 429/5xx answer (or any error with Retry-After) under a key made of client id, authority and
 * scopes, and refuses every later request with that key, without sending it, for 60 s up to an hour. For OBO that key
 * has no user in it, so one person's throttled or failed exchange would refuse everyone in the tenant (issue 9,
 * defect 5). msal skips that bookkeeping for an error the network module raises itself, so 429/5xx answers become
 * msal's own ServerError here (same code, AADSTS number and status as msal would report, plus Retry-After), and
 * the app keeps its backoff per person (OboTokenProvider).
 */
function throttlingFreeError(
  status: number,
  body: unknown,
  headers: Record<string, string>,
  options: NetworkRequestOptions | undefined,
): ServerError {
  const b = (body ?? {}) as { error?: string; error_description?: string; suberror?: string; error_codes?: unknown };
  const errorNo = Array.isArray(b.error_codes) && b.error_codes.length ? String(b.error_codes[0]) : undefined;
  const correlationId = options?.headers?.['client-request-id'] ?? '';
  const err = new ServerError(
    b.error || (status === 429 ? 'too_many_requests' : 'server_error'),
    correlationId,
    b.error_description || `HTTP ${status}`,
    b.suberror,
    errorNo,
    status,
  );
  return Object.assign(err, { retryAfterSeconds: retryAfterSeconds(headers['retry-after']) });
}

/** Retry-After as seconds (delta or HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}

const MSAL_TO_PINO: Record<LogLevel, 'error' | 'warn' | 'info' | 'debug' | 'trace'> = {
  [LogLevel.Error]: 'error',
  [LogLevel.Warning]: 'warn',
  [LogLevel.Info]: 'debug',
  [LogLevel.Verbose]: 'trace',
  [LogLevel.Trace]: 'trace',
};

/** msal log level that matches the pino logger, so msal does not build messages nobody will read. */
function msalLevel(logger: Logger): LogLevel {
  const level = logger.level;
  if (level === 'trace') return LogLevel.Verbose;
  if (level === 'debug') return LogLevel.Info;
  if (level === 'info' || level === 'warn') return LogLevel.Warning;
  return LogLevel.Error;
}

/** Removes anything token-shaped and the client secret from an msal log line (defence in depth: PII is off). */
function scrub(message: string, secret: string): string {
  let out = message.replace(JWT_LIKE, '[jwt]');
  if (secret) out = out.split(secret).join('[secret]');
  return out;
}

export interface MsalClientOptions {
  clientId: string;
  clientSecret: string;
  /** `{authorityHost}/{tenant}`; must be https. */
  authority: string;
  /** openid-configuration of the authority as a JSON string; without it msal fetches it once, via `fetch`. */
  authorityMetadata?: string;
  fetch?: FetchLike;
  /** Deadline of one request to Entra. */
  timeoutMs?: number;
  logger: Logger;
  /** Where msal persists its token cache (e.g. a person's encrypted partition in Redis); memory when absent. */
  cachePlugin?: ICachePlugin;
  /** Authority metadata shared with the process's other msal clients (see MetadataDocuments). */
  documents?: MetadataDocuments;
}

/**
 * Builds a ConfidentialClientApplication for any cloud (public, national, or the local sandbox): the authority's
 * host is a known authority, so msal performs no instance discovery against login.microsoftonline.com; all traffic
 * goes through `fetch`; logs go to pino without PII. Create one per purpose per process: its token cache is what
 * makes repeated OBO exchanges for the same SSO token free.
 */
export function createMsalClient(options: MsalClientOptions): ConfidentialClientApplication {
  const authority = options.authority.replace(/\/+$/, '');
  const url = new URL(authority);
  if (url.protocol !== 'https:') throw new Error(`The Entra authority must be https (got ${url.origin})`);
  const log = options.logger.child({ component: 'msal' });
  return new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority,
      knownAuthorities: [url.host],
      authorityMetadata: options.authorityMetadata,
    },
    cache: options.cachePlugin ? { cachePlugin: options.cachePlugin } : undefined,
    system: {
      networkClient: new FetchNetworkModule(options.fetch, options.timeoutMs, options.documents),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: msalLevel(options.logger),
        loggerCallback: (level, message, containsPii) => {
          if (containsPii) return;
          log[MSAL_TO_PINO[level] ?? 'debug'](scrub(message, options.clientSecret));
        },
      },
    },
  });
}

/** Where msal (and Entra's docs) find an authority's OpenID configuration. */
function openIdConfigurationUrl(authority: string): string {
  return `${authority.replace(/\/+$/, '')}/v2.0/.well-known/openid-configuration`;
}

/** Fetches an authority's openid-configuration as the JSON string msal takes. */
export async function loadAuthorityMetadata(
  authority: string,
  fetchFn: FetchLike = platformFetch,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<string> {
  const doc = await fetchJson(fetchFn, openIdConfigurationUrl(authority), timeoutMs);
  return JSON.stringify(doc);
}

/**
 * Loads an authority's openid-configuration into `documents` through msal's own network path (start-up warm-up),
 * so the first token request for that authority finds it in memory. Throws when Entra does not serve it.
 */
export async function warmAuthorityMetadata(
  authority: string,
  documents: MetadataDocuments,
  fetchFn: FetchLike = platformFetch,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<void> {
  const url = openIdConfigurationUrl(authority);
  const res = await new FetchNetworkModule(fetchFn, timeoutMs, documents).sendGetRequestAsync<{
    token_endpoint?: unknown;
  }>(url);
  if (res.status !== 200 || typeof res.body?.token_endpoint !== 'string') {
    throw new Error(`GET ${url} answered HTTP ${res.status} without an OpenID configuration`);
  }
}

export interface AppMsalDeps {
  logger: Logger;
  fetch?: FetchLike;
  /** Metadata of the configured tenant's authority; see loadAuthorityMetadata. */
  authorityMetadata?: string;
  timeoutMs?: number;
  cachePlugin?: ICachePlugin;
  documents?: MetadataDocuments;
}

/** The process's one OBO client: the SSO app's credentials against `{authorityHost}/{sso.tenantId}`. */
export function createOboMsalClient(config: AppConfig, deps: AppMsalDeps): ConfidentialClientApplication {
  return createMsalClient({
    clientId: config.sso.clientId,
    clientSecret: config.sso.clientSecret,
    authority: `${config.sso.authorityHost.replace(/\/+$/, '')}/${config.sso.tenantId}`,
    authorityMetadata: deps.authorityMetadata,
    fetch: deps.fetch,
    timeoutMs: deps.timeoutMs,
    logger: deps.logger,
    cachePlugin: deps.cachePlugin,
    documents: deps.documents,
  });
}

/**
 * botbuilder's credentials factory for the bot's outbound app tokens (replies, Token Service calls), backed by a
 * CCA whose authority is the configured Bot Framework login URL, so it works in every cloud and in the sandbox.
 * botframework-connector asks msal with `skipCache` on every miss of its own token cache, so concurrent cold
 * invokes would each send a client-credentials request: concurrent requests for the same scopes share one here.
 */
export function createBotCredentialsFactory(
  config: AppConfig,
  fetch?: FetchLike,
  logger?: Logger,
  documents?: MetadataDocuments,
): MsalServiceClientCredentialsFactory {
  const cca = createMsalClient({
    clientId: config.bot.appId,
    clientSecret: config.bot.appPassword,
    authority: config.botFramework.loginUrl,
    fetch,
    logger: logger ?? createLogger('silent'),
    documents,
  });
  const flights = new InFlight<AuthenticationResult | null>();
  const shared = {
    // botframework-connector sends `skipCache` because it keeps the token itself (until 5 min before expiry), but it
    // fills its cache only after msal answers: callers missing it in that window get msal's cached token (msal
    // renews 5 min before expiry too) instead of a new request each.
    acquireTokenByClientCredential: (request: ClientCredentialRequest) =>
      flights.run(
        JSON.stringify([[...(request.scopes ?? [])].sort(), request.authority ?? '', request.claims ?? '']),
        () => cca.acquireTokenByClientCredential({ ...request, skipCache: false }),
      ),
  };
  // botframework-connector is typed against its own msal-node 2.x copy; it only calls acquireTokenByClientCredential.
  type BotCca = ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1];
  return new MsalServiceClientCredentialsFactory(config.bot.appId, shared as unknown as BotCca);
}

/**
 * Gets the bot's app token for the Bot Framework scope through botbuilder's own credentials (start-up warm-up), as
 * CloudAdapter does for its UserTokenClient and connector clients, so it sits in botbuilder's token cache before the
 * first invoke. Throws when Entra does not issue it.
 */
export async function warmBotAppToken(config: AppConfig, factory: MsalServiceClientCredentialsFactory): Promise<void> {
  const credentials = await factory.createCredentials(
    config.bot.appId,
    config.botFramework.oauthScope,
    config.botFramework.loginUrl,
    config.botFramework.validateAuthority,
  );
  if (!(credentials instanceof AppCredentials)) throw new Error('The bot has no app credentials to warm');
  await credentials.getToken();
}
