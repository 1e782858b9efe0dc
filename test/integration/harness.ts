import { strict as assert } from 'node:assert';
import { productionEnvFor } from '../../sandbox/appEnv';
/**
 * Integration harness: the local sandbox plus the real app (production-mode configuration, real CloudAdapter,
 * msal-node, Graph client, share core) listening on a free port, talking to each other over https/http.
 * Outbound traffic of the app is observed (not altered) where it leaves: node's http/https `request` that the HTTP
 * layer's transport calls (requests carrying the app's User-Agent), and the global fetch (anything else using it).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
// The modules themselves (default imports), not namespace copies, so their `request` can be wrapped.
import http from 'node:http';
import https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { forgetBotAppTokens } from '../helpers/botAppTokenCache';
import { createAppServices, createHttpApp, type AppServices } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { SHARE_LINK_USER_AGENT } from '../../src/http/httpClient';
import { listen, type RunningServer } from '../../src/server';
import { SANDBOX_IDENTITIES } from '../../sandbox/identities';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server';
import type { SandboxUser } from '../../sandbox/tenant-data';

export const APP = SANDBOX_IDENTITIES.app;
export const CONTOSO = SANDBOX_IDENTITIES.homeTenantId;
export const FABRIKAM = SANDBOX_IDENTITIES.foreignTenantId;
export const CONSUMERS = SANDBOX_IDENTITIES.consumerTenantId;
export const SERVICE_URL = 'https://smba.trafficmanager.net/amer/';

export const USERS = {
  adele: 'adele@contoso.example',
  megan: 'megan@contoso.example',
  lee: 'lee@contoso.example',
  alex: 'alex@contoso.example',
  noah: 'noah@fabrikam.example',
  pat: 'pat@outlook.example',
} as const;

/** One outbound request of the app (to the sandbox), as it left the HTTP layer. */
export interface CapturedCall {
  method: string;
  url: string;
  /** Path and query below the sandbox origin, e.g. `/v1.0/drives/b!x/items/01A/createLink`. */
  path: string;
  body?: string;
  authorization?: string;
  status?: number;
}

export interface InvokeReply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  elapsedMs: number;
}

export interface Harness {
  sandbox: Sandbox;
  services: AppServices;
  server: RunningServer;
  /** Every log line the app wrote (JSON). */
  logs: string[];
  /** Outbound calls from the app to the sandbox since start (or the last clearCalls). */
  calls: CapturedCall[];
  clearCalls(): void;
  user(key: string): SandboxUser;
  /** POSTs an activity to /api/messages, signed by the sandbox channel unless `authorization` is given (null: none). */
  send(activity: object, opts?: { authorization?: string | null }): Promise<InvokeReply>;
  /** The sandbox's view of an item's permissions, read with a fresh Graph token of `asUser` (outside the app). */
  permissionsOf(asUser: string, driveId: string, itemId: string): Promise<Array<Record<string, any>>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Secrets seen on the wire (bearer tokens, assertions, client secret) plus any the test adds: none may be logged. */
  secrets: Set<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  sandbox?: Partial<SandboxOptions>;
  /** Extra environment for loadConfig (e.g. POLICY_*). */
  env?: Record<string, string>;
  /**
   * Wait until the app's start-up warm-up has been tried once (default true), so its fetches do not mix into what a
   * test counts; false returns as soon as the app listens (a cold start).
   */
  waitForWarmUp?: boolean;
}

type Listener = (call: CapturedCall) => void;
const listeners = new Map<string, Listener>();
let originalFetch: typeof fetch | undefined;

/** The platform fetch, unobserved (for the tests' own calls). */
export function plainFetch(): typeof fetch {
  return originalFetch ?? globalThis.fetch;
}

function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (body instanceof URLSearchParams) return body.toString();
  return undefined;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (Array.isArray(headers)) return headers.find(([k]) => String(k).toLowerCase() === name)?.[1];
  const rec = headers as Record<string, string>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  return key ? rec[key] : undefined;
}

function listenerFor(url: string): [string, Listener] | undefined {
  return [...listeners.entries()].find(([o]) => url.startsWith(o));
}

/** Captures a request of the app's HTTP layer (its User-Agent) made with node's http/https `request`. */
function captureRequest(req: http.ClientRequest): void {
  if (req.getHeader('user-agent') !== SHARE_LINK_USER_AGENT) return;
  const url = `${req.protocol}//${String(req.getHeader('host'))}${req.path}`;
  const target = listenerFor(url);
  if (!target) return;
  const call: CapturedCall = {
    method: req.method.toUpperCase(),
    url,
    path: url.slice(target[0].length),
    authorization: req.getHeader('authorization') as string | undefined,
  };
  req.once('response', (res: http.IncomingMessage) => {
    call.status = res.statusCode;
  });
  const end = req.end;
  req.end = function (this: http.ClientRequest, ...args: unknown[]) {
    call.body = bodyText(typeof args[0] === 'function' ? undefined : args[0]);
    target[1](call);
    return (end as (...a: unknown[]) => http.ClientRequest).apply(this, args);
  } as typeof req.end;
}

let restoreRequests: (() => void) | undefined;

function observeRequests(): () => void {
  const patched = [http, https].map((mod) => {
    const target = mod as unknown as { request: (...args: unknown[]) => http.ClientRequest };
    const original = target.request;
    target.request = function (this: unknown, ...args: unknown[]) {
      const req = original.apply(this, args);
      captureRequest(req);
      return req;
    };
    return () => {
      target.request = original;
    };
  });
  return () => patched.forEach((restore) => restore());
}

function observe(origin: string, listener: Listener): () => void {
  restoreRequests ??= observeRequests();
  if (!originalFetch) {
    const inner = globalThis.fetch;
    originalFetch = inner;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const target = listenerFor(url);
      if (!target) return inner(input, init);
      const call: CapturedCall = {
        method: (init?.method ?? 'GET').toUpperCase(),
        url,
        path: url.slice(target[0].length),
        body: bodyText(init?.body),
        authorization: headerOf(init?.headers, 'authorization'),
      };
      target[1](call);
      const res = await inner(input, init);
      call.status = res.status;
      return res;
    }) as typeof fetch;
  }
  listeners.set(origin, listener);
  return () => {
    listeners.delete(origin);
    if (!listeners.size && originalFetch) {
      globalThis.fetch = originalFetch;
      originalFetch = undefined;
    }
    if (!listeners.size && restoreRequests) {
      restoreRequests();
      restoreRequests = undefined;
    }
  };
}

/** The production-mode environment pointing every Microsoft endpoint at the sandbox. */
export function productionEnv(sandboxUrl: string, shareLogPath: string): Record<string, string> {
  return productionEnvFor(sandboxUrl, { SHARE_LOG_PATH: shareLogPath, LOG_LEVEL: 'debug' });
}

/** Starts the sandbox and the app against it. Call close() in `after`. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  forgetBotAppTokens();
  const sandbox = await startSandbox({ dataDir: path.resolve('.sandbox-data'), port: 0, ...options.sandbox });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-it-'));
  const logs: string[] = [];
  const calls: CapturedCall[] = [];
  const secrets = new Set<string>([APP.clientSecret]);
  const stopObserving = observe(sandbox.url, (call) => {
    calls.push(call);
    const bearer = /^Bearer\s+(.+)$/i.exec(call.authorization ?? '')?.[1];
    if (bearer) secrets.add(bearer);
    if (call.body && /grant_type=/.test(call.body)) {
      const form = new URLSearchParams(call.body);
      for (const k of ['assertion', 'client_secret']) {
        const v = form.get(k);
        if (v) secrets.add(v);
      }
    }
  });
  const config = loadConfig({
    ...productionEnv(sandbox.url, path.join(tmp, 'share-log.sqlite')),
    DATA_DIR: tmp,
    ...options.env,
  });
  const log = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const services = await createAppServices(config, log);
  const server = await listen(createHttpApp(services), '127.0.0.1', 0);
  if (options.waitForWarmUp !== false) await services.warmUp.tried();

  const send: Harness['send'] = async (activity, opts = {}) => {
    const authorization =
      opts.authorization === undefined
        ? await sandbox.signActivity(activity as { serviceUrl?: string })
        : opts.authorization;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization) headers.authorization = authorization;
    const started = performance.now();
    const res = await plainFetch()(`${server.url}/api/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, elapsedMs: performance.now() - started };
  };

  const permissionsOf: Harness['permissionsOf'] = async (asUser, driveId, itemId) => {
    const token = await sandbox.graphToken(asUser);
    const res = await plainFetch()(
      `${sandbox.url}/v1.0/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}/permissions`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (!res.ok) throw new Error(`permissions list answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { value: Array<Record<string, unknown>> }).value;
  };

  return {
    sandbox,
    services,
    server,
    logs,
    calls,
    clearCalls: () => void calls.splice(0),
    user: (key) => sandbox.user(key),
    send,
    permissionsOf,
    secrets,
    close: async () => {
      await server.close();
      await services.close();
      stopObserving();
      await sandbox.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Fails when any secret seen on the wire (or given) or any JWT appears in a log line the app wrote. */
export function assertNoSecretsLogged(h: Harness, extra: string[] = []): void {
  const secrets = [...h.secrets, ...extra].filter((x) => x.length >= 6);
  if (h.logs.length < 10) throw new Error(`too few log lines (${h.logs.length}) to judge`);
  for (const line of h.logs) {
    for (const secret of secrets) {
      if (line.includes(secret)) throw new Error(`a secret leaked into the log: ${line.slice(0, 200)}`);
    }
    if (/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./.test(line))
      throw new Error(`a JWT in the log: ${line.slice(0, 200)}`);
  }
}

export interface ActivityOptions {
  tenantId?: string;
  conversationType?: 'personal' | 'groupChat' | 'channel';
  timezone?: string;
  /** Override or drop (null) from.aadObjectId. */
  aadObjectId?: string | null;
  serviceUrl?: string;
  /** The conversation id (default: one per conversation type); channels also take the team's thread id. */
  conversationId?: string;
  teamId?: string;
  /** `channelData.channel.type` (botframework-schema `ChannelInfo.type`: standard, shared, private); absent if not given. */
  channelType?: string;
  /** `channelData.channel.id` when it should differ from the conversation id's thread (default: that thread). */
  channelDataChannelId?: string;
  /** `channelData.meeting.id`, as Teams sends it in meeting chats. */
  meetingId?: string;
  /** The person's Teams language: activity.locale and the clientInfo entity's (null drops activity.locale). */
  locale?: string;
  activityLocale?: string | null;
}

/** An invoke activity shaped like the recorded Teams payloads (test/contracts/examples/teams-invoke-*.json). */
export function invokeActivity(user: SandboxUser, name: string, value: unknown, opts: ActivityOptions = {}) {
  const tenantId = opts.tenantId ?? user.tenantId;
  const conversationType = opts.conversationType ?? 'groupChat';
  const conversationId =
    opts.conversationId ??
    (conversationType === 'channel'
      ? '19:9d3c71104f8c49128368b23a5eaeb86d@thread.skype'
      : conversationType === 'personal'
        ? `a:1${user.id.replace(/-/g, '')}`
        : '19:meeting_share-link-it@thread.v2');
  const now = new Date().toISOString();
  const from: Record<string, string> = { id: user.teamsId, name: user.displayName };
  if (opts.aadObjectId !== null) from.aadObjectId = opts.aadObjectId ?? user.id;
  return {
    name,
    type: 'invoke',
    timestamp: now,
    localTimestamp: now,
    id: `f:${randomUUID()}`,
    channelId: 'msteams',
    serviceUrl: opts.serviceUrl ?? SERVICE_URL,
    from,
    conversation: { isGroup: conversationType !== 'personal', conversationType, tenantId, id: conversationId },
    recipient: { id: `28:${APP.clientId}`, name: 'Share Link' },
    entities: [
      {
        locale: opts.locale ?? 'en-US',
        country: 'US',
        platform: 'Web',
        timezone: opts.timezone ?? 'Europe/Berlin',
        type: 'clientInfo',
      },
    ],
    channelData: {
      tenant: { id: tenantId },
      source: { name: 'compose' },
      ...(conversationType === 'channel'
        ? {
            channel: {
              id: opts.channelDataChannelId ?? conversationId.split(';')[0],
              ...(opts.channelType ? { type: opts.channelType } : {}),
            },
            team: { id: opts.teamId ?? '19:team@thread.skype' },
          }
        : {}),
      ...(opts.meetingId ? { meeting: { id: opts.meetingId } } : {}),
    },
    value,
    ...(opts.activityLocale === null ? {} : { locale: opts.activityLocale ?? opts.locale ?? 'en-US' }),
  };
}

/** Card JSON as the tests read it: any field may be there. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** Depth-first search of a card (or any JSON) for objects matching a predicate. */
export function findAll(node: unknown, pred: (o: Json) => boolean): Json[] {
  const out: Json[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      if (pred(n as Record<string, unknown>)) out.push(n as Record<string, unknown>);
      Object.values(n).forEach(walk);
    }
  };
  walk(node);
  return out;
}

/** The element of a card with this input id. */
export function inputById(card: unknown, id: string): Json | undefined {
  return findAll(card, (o) => typeof o.type === 'string' && o.type.startsWith('Input.') && o.id === id)[0];
}

/** The error text shown right after an input (in the same container, before the next input), if any. */
export function errorNextTo(card: unknown, id: string): string | undefined {
  // Innermost container first: the error may follow the input itself or the group (container) holding it.
  const containers = findAll(card, (o) => Array.isArray(o.body) || Array.isArray(o.items)).reverse();
  for (const c of containers) {
    const list = (c.body ?? c.items) as Array<Record<string, unknown>>;
    const at = list.findIndex((e) => e && (e.id === id || findAll(e, (o) => o.id === id).length > 0));
    if (at < 0) continue;
    // The error follows the input, possibly after its hint line, and before the next input.
    for (const next of list.slice(at + 1, at + 4)) {
      if (findAll(next, (o) => typeof o.type === 'string' && o.type.startsWith('Input.')).length) break;
      const runs = findAll(next, (o) => o.type === 'TextRun' && o.color === 'Attention');
      const text = runs
        .map((r) => String(r.text ?? ''))
        .join(' ')
        .trim();
      if (text) return text;
    }
  }
  return undefined;
}

/** All text of a card, for "does it say X" checks. */
export function cardText(card: unknown): string {
  return findAll(card, (o) => typeof o.text === 'string')
    .map((o) => o.text as string)
    .join('\n');
}

/**
 * Completes the sandbox Token Service sign-in page as `upn` would (open the link, pick the account) and returns the
 * magic code it shows; the code is added to `h.secrets` (it must never be logged).
 */
export async function signInOnPage(h: Pick<Harness, 'secrets'>, link: string, upn: string): Promise<string> {
  const page = await plainFetch()(link);
  const signinId = /name="signin" value="([^"]+)"/.exec(await page.text())?.[1];
  assert.ok(signinId, 'the account picker form');
  const done = await plainFetch()(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ signin: signinId, user: upn }).toString(),
  });
  const code = /id="magic-code">(\d{6})</.exec(await done.text())?.[1];
  assert.ok(code, 'a magic code');
  h.secrets.add(code);
  return code;
}
