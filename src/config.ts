import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { parseStateKey } from './state/cipher';
import { SANDBOX_IDENTITIES } from '../sandbox/identities';

/**
 * Typed, validated configuration. Two modes:
 * - sandbox: no cloud settings; every Microsoft endpoint points at the local sandbox (SANDBOX_URL).
 * - production: the bot's credentials, the SSO app and the tenants are required; Microsoft endpoints default to
 *   the public cloud and can each be overridden (national clouds, or the sandbox in integration tests/benchmark).
 */
export type AppMode = 'sandbox' | 'production';

export interface BotFrameworkEndpoints {
  /** OpenID metadata of the Bot Framework channel (inbound JWT validation). */
  openIdMetadataUrl: string;
  /** `iss` of channel tokens. */
  tokenIssuer: string;
  emulatorOpenIdMetadataUrl: string;
  /** Authority botbuilder uses to get its own app token for outbound calls. */
  loginUrl: string;
  /** Scope of the bot's outbound app token. */
  oauthScope: string;
  /** Bot Framework Token Service base URL. */
  tokenServiceUrl: string;
  callerId: string;
  validateAuthority: boolean;
}

export interface LinkPolicyConfig {
  /** Scopes people may create; empty = all the seed allows. */
  allowedScopes: string[];
  /** Link types people may create; empty = all the seed allows. */
  allowedTypes: string[];
  /** Longest expiration people may choose, in days; 0 = no limit. */
  maxExpirationDays: number;
  /** Anonymous links must carry an expiration date. */
  requireExpirationForAnonymous: boolean;
}

export type StoreConfig =
  { kind: 'sqlite'; path: string } | { kind: 'azureTable'; connectionString: string; table: string };

/** Hot state shared by instances (idempotency, token caches, item cache, rate limit). */
export interface StateConfig {
  /** Redis (Azure Cache for Redis) when REDIS_URL is set; per-process memory otherwise. */
  redis?: { url: string; key: Buffer; prefix: string; timeoutMs: number };
  /** Shares one person may create per window (0 = no limit), the same across instances with Redis. */
  shareRateLimit: { max: number; windowMs: number };
}

export interface AppConfig {
  mode: AppMode;
  host: string;
  port: number;
  /** Public https origin of this service (tab pages, auth pages, manifest). */
  publicBaseUrl: string;
  logLevel: string;
  bot: {
    appId: string;
    appPassword: string;
    appType: 'SingleTenant' | 'MultiTenant';
    tenantId: string;
    /** OAuth connection on the Azure Bot whose token exchange URL is the app's Application ID URI. */
    oauthConnectionName: string;
  };
  sso: {
    /** Entra app that Teams issues SSO tokens for (often the bot's app). */
    clientId: string;
    clientSecret: string;
    /** `api://{domain}/botid-{BOT_ID}` — the audience Teams puts in SSO tokens may be this or the client id. */
    applicationIdUri: string;
    /** Entra authority host, e.g. https://login.microsoftonline.com */
    authorityHost: string;
    /** Tenant of the app registration (used for the OBO authority when single-tenant). */
    tenantId: string;
  };
  /**
   * Teams app id used in deep links to the "My shared links" tab: the organization's catalog id (or Store id) once
   * published (TEAMS_APP_CATALOG_ID), else the manifest id (TEAMS_APP_ID) as for an uploaded custom app.
   */
  teamsAppId: string;
  /** Tenants served. Tokens and activities from other tenants are refused. */
  allowedTenantIds: string[];
  graph: { baseUrl: string };
  botFramework: BotFrameworkEndpoints;
  policy: LinkPolicyConfig;
  store: StoreConfig;
  state: StateConfig;
  /** Local files of this service (the SQLite share log by default, the share log's spool): DATA_DIR. */
  dataDir: string;
  /** Present in sandbox mode only. */
  sandbox?: { url: string; port: number; dataDir: string };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Configuration is incomplete or invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

/** The manifest id of the app package sandbox mode renders for the Agents Playground (nothing checks it). */
export const SANDBOX_TEAMS_APP_ID = '5ca1ab1e-0000-4000-8000-0000000a99ed';
const httpsUrl = z.url('must be a URL').refine((u) => u.startsWith('https://'), 'must be an https:// URL');
const anyUrl = z.url('must be a URL');

const LINK_SCOPES = ['anonymous', 'organization', 'users'];
const LINK_TYPES = ['view', 'review', 'edit', 'embed', 'blocksDownload', 'createOnly', 'addressBar', 'adminDefault'];

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const policySchema = z.object({
  allowedScopes: z.array(z.enum(LINK_SCOPES as [string, ...string[]])),
  allowedTypes: z.array(z.enum(LINK_TYPES as [string, ...string[]])),
  maxExpirationDays: z.coerce.number().int().min(0).max(36500),
  requireExpirationForAnonymous: z.boolean(),
});

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

/** Reads Teams Toolkit style env files (`env/.env.{name}` then `.user`) into a plain object; process env wins. */
export function readEnvFiles(dir: string, envName: string): Env {
  const out: Env = {};
  for (const file of [`.env.${envName}`, `.env.${envName}.user`]) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) continue;
    for (const line of fs.readFileSync(full, 'utf8').split(/\r?\n/)) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
      if (!m || line.trimStart().startsWith('#')) continue;
      out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  return out;
}

/** Names of settings that, when present, mean the operator intends to run against a real tenant. */
const CLOUD_SETTINGS = ['BOT_ID', 'BOT_PASSWORD', 'AAD_APP_CLIENT_ID', 'AAD_APP_CLIENT_SECRET', 'BOT_TENANT_ID'];

/** Picks the mode: explicit APP_MODE wins; otherwise any cloud setting means production. */
export function resolveMode(env: Env): AppMode {
  const explicit = env.APP_MODE?.trim().toLowerCase();
  if (explicit === 'sandbox' || explicit === 'production') return explicit;
  if (explicit) throw new ConfigError([`APP_MODE must be "sandbox" or "production" (got "${explicit}")`]);
  if (env.NODE_ENV === 'production') return 'production';
  return CLOUD_SETTINGS.some((k) => env[k]) ? 'production' : 'sandbox';
}

function collect<T>(problems: string[], name: string, schema: z.ZodType<T>, value: unknown, required = true): T {
  if ((value === undefined || value === '') && required) {
    problems.push(`${name} is required`);
    return undefined as T;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    problems.push(`${name} ${parsed.error.issues.map((i) => i.message).join('; ')} (got "${String(value)}")`);
    return undefined as T;
  }
  return parsed.data;
}

function loadPolicy(env: Env, problems: string[]): LinkPolicyConfig {
  const parsed = policySchema.safeParse({
    allowedScopes: list(env.POLICY_ALLOWED_SCOPES),
    allowedTypes: list(env.POLICY_ALLOWED_TYPES),
    maxExpirationDays: env.POLICY_MAX_EXPIRATION_DAYS ?? '0',
    requireExpirationForAnonymous: bool(env.POLICY_REQUIRE_EXPIRATION_FOR_ANONYMOUS, false),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = {
        allowedScopes: 'POLICY_ALLOWED_SCOPES',
        allowedTypes: 'POLICY_ALLOWED_TYPES',
        maxExpirationDays: 'POLICY_MAX_EXPIRATION_DAYS',
        requireExpirationForAnonymous: 'POLICY_REQUIRE_EXPIRATION_FOR_ANONYMOUS',
      }[String(issue.path[0])];
      problems.push(`${key} ${issue.message}`);
    }
    return { allowedScopes: [], allowedTypes: [], maxExpirationDays: 0, requireExpirationForAnonymous: false };
  }
  return parsed.data;
}

function loadStore(env: Env, dataDir: string, problems: string[]): StoreConfig {
  if (env.AZURE_TABLE_CONNECTION_STRING) {
    return {
      kind: 'azureTable',
      connectionString: env.AZURE_TABLE_CONNECTION_STRING,
      table: env.AZURE_TABLE_NAME || 'ShareLog',
    };
  }
  const p = env.SHARE_LOG_PATH || path.join(dataDir, 'share-log.sqlite');
  if (!p) problems.push('SHARE_LOG_PATH is required');
  return { kind: 'sqlite', path: p };
}

/**
 * REDIS_URL (never echoed: it holds the access key) and the key that encrypts what goes there. A Redis without a
 * key is refused in every mode: tokens would otherwise sit in the cache in clear.
 */
function loadState(env: Env, problems: string[]): StateConfig {
  const max = collect(problems, 'SHARE_RATE_LIMIT', z.coerce.number().int().min(0), env.SHARE_RATE_LIMIT || '60');
  const windowSeconds = collect(
    problems,
    'SHARE_RATE_WINDOW_SECONDS',
    z.coerce.number().int().min(1).max(86400),
    env.SHARE_RATE_WINDOW_SECONDS || '60',
  );
  const state: StateConfig = { shareRateLimit: { max, windowMs: windowSeconds * 1000 } };
  const url = env.REDIS_URL?.trim();
  if (!url) return state;
  let scheme = '';
  try {
    scheme = new URL(url).protocol;
  } catch {
    // reported below without the value
  }
  if (scheme !== 'redis:' && scheme !== 'rediss:') {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL (value not shown: it may hold the access key)');
  }
  const key = env.REDIS_ENCRYPTION_KEY ? parseStateKey(env.REDIS_ENCRYPTION_KEY) : undefined;
  if (!env.REDIS_ENCRYPTION_KEY) {
    problems.push(
      'REDIS_ENCRYPTION_KEY is required when REDIS_URL is set (32 random bytes, base64: `openssl rand -base64 32`)',
    );
  } else if (!key) {
    problems.push('REDIS_ENCRYPTION_KEY must be 32 bytes, base64 (44 characters) or hex (64 characters)');
  }
  const timeoutMs = collect(
    problems,
    'REDIS_TIMEOUT_MS',
    z.coerce.number().int().min(1).max(10_000),
    env.REDIS_TIMEOUT_MS || '50',
  );
  const prefix = collect(
    problems,
    'REDIS_KEY_PREFIX',
    z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'must be 1-40 letters, digits, _ . -'),
    env.REDIS_KEY_PREFIX || 'sharelink',
  );
  if (key) state.redis = { url, key, prefix, timeoutMs };
  return state;
}

/** Public-cloud Bot Framework endpoints; each overridable for national clouds or the sandbox. */
function botFrameworkEndpoints(env: Env, defaults: BotFrameworkEndpoints, problems: string[]): BotFrameworkEndpoints {
  const pick = (name: string, fallback: string) => collect(problems, name, anyUrl, env[name] || fallback);
  return {
    openIdMetadataUrl: pick('BOTFRAMEWORK_OPENID_METADATA_URL', defaults.openIdMetadataUrl),
    tokenIssuer: env.BOTFRAMEWORK_TOKEN_ISSUER || defaults.tokenIssuer,
    emulatorOpenIdMetadataUrl: pick('BOTFRAMEWORK_EMULATOR_OPENID_METADATA_URL', defaults.emulatorOpenIdMetadataUrl),
    loginUrl: pick('BOTFRAMEWORK_LOGIN_URL', defaults.loginUrl),
    oauthScope: env.BOTFRAMEWORK_OAUTH_SCOPE || defaults.oauthScope,
    tokenServiceUrl: pick('BOTFRAMEWORK_TOKEN_SERVICE_URL', defaults.tokenServiceUrl),
    callerId: env.BOTFRAMEWORK_CALLER_ID || defaults.callerId,
    validateAuthority: bool(env.BOTFRAMEWORK_VALIDATE_AUTHORITY, defaults.validateAuthority),
  };
}

export const PUBLIC_CLOUD = {
  graph: 'https://graph.microsoft.com',
  authorityHost: 'https://login.microsoftonline.com',
  botFramework: {
    openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
    tokenIssuer: 'https://api.botframework.com',
    emulatorOpenIdMetadataUrl:
      'https://login.microsoftonline.com/botframework.com/v2.0/.well-known/openid-configuration',
    loginUrl: 'https://login.microsoftonline.com/botframework.com',
    oauthScope: 'https://api.botframework.com',
    tokenServiceUrl: 'https://token.botframework.com',
    callerId: 'urn:botframework:azure',
    validateAuthority: true,
  } satisfies BotFrameworkEndpoints,
};

/** Endpoints of the local sandbox, derived from its base URL (see sandbox/README.md for the paths). */
export function sandboxEndpoints(sandboxUrl: string) {
  const base = sandboxUrl.replace(/\/$/, '');
  return {
    graph: base,
    authorityHost: base,
    botFramework: {
      openIdMetadataUrl: `${base}/botframework/v1/.well-known/openidconfiguration`,
      tokenIssuer: 'https://api.botframework.com',
      emulatorOpenIdMetadataUrl: `${base}/botframework/v1/.well-known/openidconfiguration`,
      loginUrl: `${base}/${SANDBOX_IDENTITIES.botFrameworkTenantId}`,
      oauthScope: 'https://api.botframework.com',
      tokenServiceUrl: `${base}/tokenservice`,
      callerId: 'urn:botframework:azure',
      validateAuthority: false,
    } satisfies BotFrameworkEndpoints,
  };
}

/**
 * Builds the configuration from an environment. Throws ConfigError naming every missing or malformed setting;
 * production never falls back to sandbox values.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const mode = resolveMode(env);
  const port = collect(problems, 'PORT', z.coerce.number().int().min(0).max(65535), env.PORT || '3978');
  const host = env.HOST || (mode === 'sandbox' ? '127.0.0.1' : '0.0.0.0');
  const logLevel = collect(
    problems,
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    env.LOG_LEVEL || 'info',
  );
  const policy = loadPolicy(env, problems);

  if (mode === 'sandbox') {
    const sandboxPort = collect(
      problems,
      'SANDBOX_PORT',
      z.coerce.number().int().min(0).max(65535),
      env.SANDBOX_PORT || '3979',
    );
    const sandboxUrl = env.SANDBOX_URL || `https://127.0.0.1:${sandboxPort}`;
    const dataDir = env.SANDBOX_DATA_DIR || path.resolve('.sandbox-data');
    const endpoints = sandboxEndpoints(sandboxUrl);
    const store = loadStore(env, dataDir, problems);
    const state = loadState(env, problems);
    if (problems.length) throw new ConfigError(problems);
    const id = SANDBOX_IDENTITIES;
    return {
      mode,
      host,
      port,
      publicBaseUrl: env.PUBLIC_BASE_URL || `http://127.0.0.1:${port}`,
      logLevel,
      bot: {
        appId: id.app.clientId,
        appPassword: id.app.clientSecret,
        appType: 'SingleTenant',
        tenantId: id.homeTenantId,
        oauthConnectionName: id.app.oauthConnectionName,
      },
      sso: {
        clientId: id.app.clientId,
        clientSecret: id.app.clientSecret,
        applicationIdUri: id.app.applicationIdUri,
        authorityHost: endpoints.authorityHost,
        tenantId: id.homeTenantId,
      },
      teamsAppId: SANDBOX_TEAMS_APP_ID,
      allowedTenantIds: list(env.ALLOWED_TENANT_IDS).length ? list(env.ALLOWED_TENANT_IDS) : [...id.allowedTenantIds],
      graph: { baseUrl: env.GRAPH_BASE_URL || endpoints.graph },
      botFramework: endpoints.botFramework,
      policy,
      store,
      state,
      dataDir,
      sandbox: { url: sandboxUrl, port: sandboxPort, dataDir },
    };
  }

  const appId = collect(problems, 'BOT_ID', guid, env.BOT_ID);
  const appPassword = collect(problems, 'BOT_PASSWORD', z.string().min(1), env.BOT_PASSWORD);
  const tenantId = collect(problems, 'BOT_TENANT_ID', guid, env.BOT_TENANT_ID);
  const appType = collect(
    problems,
    'BOT_TYPE',
    z.enum(['SingleTenant', 'MultiTenant']),
    env.BOT_TYPE || 'SingleTenant',
  );
  const allowedTenantIds = list(env.ALLOWED_TENANT_IDS || env.BOT_TENANT_ID);
  if (!allowedTenantIds.length) problems.push('ALLOWED_TENANT_IDS is required (comma-separated tenant GUIDs)');
  allowedTenantIds.forEach((t) => collect(problems, 'ALLOWED_TENANT_IDS entry', guid, t));
  const ssoClientId = collect(problems, 'AAD_APP_CLIENT_ID', guid, env.AAD_APP_CLIENT_ID || env.BOT_ID);
  const ssoSecret = collect(
    problems,
    'AAD_APP_CLIENT_SECRET',
    z.string().min(1),
    env.AAD_APP_CLIENT_SECRET || env.BOT_PASSWORD,
  );
  const applicationIdUri = collect(
    problems,
    'APPLICATION_ID_URI',
    z.string().regex(/^api:\/\/.+/, 'must start with api://'),
    env.APPLICATION_ID_URI,
  );
  const publicBaseUrl = collect(problems, 'BOT_ENDPOINT', httpsUrl, env.BOT_ENDPOINT);
  const oauthConnectionName = collect(problems, 'OAUTH_CONNECTION_NAME', z.string().min(1), env.OAUTH_CONNECTION_NAME);
  const manifestAppId = collect(problems, 'TEAMS_APP_ID', guid, env.TEAMS_APP_ID);
  const catalogAppId = env.TEAMS_APP_CATALOG_ID
    ? collect(problems, 'TEAMS_APP_CATALOG_ID', guid, env.TEAMS_APP_CATALOG_ID)
    : undefined;
  const authorityHost = collect(
    problems,
    'AAD_APP_OAUTH_AUTHORITY_HOST',
    httpsUrl,
    env.AAD_APP_OAUTH_AUTHORITY_HOST || PUBLIC_CLOUD.authorityHost,
  );
  const graphBaseUrl = collect(problems, 'GRAPH_BASE_URL', httpsUrl, env.GRAPH_BASE_URL || PUBLIC_CLOUD.graph);
  const botFramework = botFrameworkEndpoints(env, PUBLIC_CLOUD.botFramework, problems);
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const store = loadStore(env, dataDir, problems);
  const state = loadState(env, problems);
  if (problems.length) throw new ConfigError(problems);

  return {
    mode,
    host,
    port,
    publicBaseUrl: publicBaseUrl.replace(/\/$/, ''),
    logLevel,
    bot: { appId, appPassword, appType, tenantId, oauthConnectionName },
    sso: {
      clientId: ssoClientId,
      clientSecret: ssoSecret,
      applicationIdUri,
      authorityHost: authorityHost.replace(/\/$/, ''),
      tenantId: env.AAD_APP_TENANT_ID || tenantId,
    },
    teamsAppId: catalogAppId ?? manifestAppId,
    allowedTenantIds,
    graph: { baseUrl: graphBaseUrl.replace(/\/$/, '') },
    botFramework,
    policy,
    store,
    state,
    dataDir,
  };
}
