import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type { Clock } from '../clock';
import { ShareError } from '../domain/errors';
import type { CreateLinkBody, DriveItemInfo, DriveItemRef, GraphPermission } from '../domain/types';
import type { HttpClient } from '../http/httpClient';
import type { Logger } from '../log';
import { type GraphDriveItem, toDriveItemInfo, toGraphPermission } from './driveItemMapping';
import { toShareError } from './errors';
import {
  AuthMiddleware,
  DeadlineRetryMiddleware,
  GraphCallOptions,
  HttpTerminalMiddleware,
  realSleep,
  type Sleep,
} from './middleware';
import {
  type DriveItemAddress,
  type DriveLocator,
  itemPath,
  pathLookup,
  searchFunctionPath,
  shareIdFor,
  toAddress,
} from './paths';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy';

export type { DriveItemAddress, DriveLocator } from './paths';

export type GraphApiVersion = 'v1.0' | 'beta';

/** The person's delegated Graph token and the absolute time (clock ms) the answer is needed by. */
export interface GraphCallContext {
  token: string;
  deadline: number;
}

export interface CreateLinkOptions extends GraphCallContext {
  /** Defaults to the client's apiVersion (v1.0: all eight body properties are in the v1.0 contract). */
  apiVersion?: GraphApiVersion;
}

export interface CreateLinkResult {
  /** 201: a new link; 200: Graph returned an existing link of that kind. */
  status: 200 | 201;
  permission: GraphPermission;
  apiVersion: GraphApiVersion;
}

export interface SearchPage {
  top: number;
  skip: number;
}

export interface SearchResult {
  items: DriveItemInfo[];
  moreAvailable: boolean;
  /** Which Graph API answered. */
  source: 'searchQuery' | 'driveSearch';
}

export type SearchMode = 'auto' | 'searchQuery' | 'driveSearch';

export interface DriveClientOptions {
  /** Graph root without version, e.g. https://graph.microsoft.com or the sandbox https://127.0.0.1:PORT. */
  baseUrl: string;
  http: HttpClient;
  clock: Clock;
  log: Logger;
  apiVersion?: GraphApiVersion;
  retry?: Partial<RetryPolicy>;
  /** How retries wait (tests pass one that advances a fake clock). */
  sleep?: Sleep;
  /** Longest one attempt may take, so a hung attempt leaves time for a retry; default: only the deadline. */
  attemptTimeoutMs?: number;
  /** auto: `/search/query`, falling back to `/me/drive/root/search(q=)` where search/query is unavailable. */
  searchMode?: SearchMode;
}

/** The Microsoft Graph drive operations the app uses. Every method takes the caller's token and deadline. */
export interface DriveClient {
  createLink(
    address: DriveItemAddress | DriveItemRef,
    body: CreateLinkBody,
    opts: CreateLinkOptions,
  ): Promise<CreateLinkResult>;
  getItem(ref: DriveItemAddress | DriveItemRef, opts: GraphCallContext): Promise<DriveItemInfo>;
  getItemByPath(drive: DriveLocator, path: string, opts: GraphCallContext): Promise<DriveItemInfo>;
  resolveShareUrl(urlOrShareId: string, opts: GraphCallContext): Promise<DriveItemInfo>;
  search(query: string, page: SearchPage, opts: GraphCallContext): Promise<SearchResult>;
  listPermissions(ref: DriveItemAddress | DriveItemRef, opts: GraphCallContext): Promise<GraphPermission[]>;
  deletePermission(ref: DriveItemAddress | DriveItemRef, permissionId: string, opts: GraphCallContext): Promise<void>;
  /** The person's recent files: Microsoft Search for every driveItem (`*`), newest change first. */
  recentFiles(page: SearchPage, opts: GraphCallContext): Promise<SearchResult>;
  /** A Teams chat's topic and members (`GET /chats/{id}` + `/chats/{id}/members`, delegated Chat.ReadBasic). */
  chatMembers(chatId: string, opts: GraphCallContext): Promise<ChatMembers>;
}

/** Graph `aadUserConversationMember` fields the app reads. */
export interface ChatMember {
  displayName: string;
  userId?: string;
  email?: string;
  tenantId?: string;
  roles: string[];
}

export interface ChatMembers {
  topic?: string;
  chatType?: string;
  members: ChatMember[];
}

/** Graph's public and national-cloud hosts: the token may go there without being listed in customHosts. */
const GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
  'canary.graph.microsoft.com',
]);

const ITEM_SELECT = [
  'id',
  'name',
  'webUrl',
  'size',
  'file',
  'folder',
  'package',
  'parentReference',
  'lastModifiedDateTime',
  'lastModifiedBy',
];

/**
 * createLink properties a 2025 Microsoft Q&A answer reports v1.0 refusing with 400 although the v1.0 OpenAPI/CSDL
 * lists them (sandbox/FIDELITY.md); beta accepts them.
 */
const V1_DISPUTED_PROPERTIES = ['recipients', 'sendNotification', 'message'] as const;

/** True when the body carries a property some v1.0 deployments refuse. */
function usesDisputedProperty(body: CreateLinkBody): boolean {
  return V1_DISPUTED_PROPERTIES.some((k) => body[k] !== undefined);
}

/** Statuses of `/search/query` that mean "not available for this account" (e.g. a personal Microsoft account). */
const SEARCH_QUERY_UNAVAILABLE = new Set([400, 403, 404, 501]);

interface Sent {
  status: number;
  headers: Headers;
  json: unknown;
  attempts: number;
}

interface Call {
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  version: GraphApiVersion;
  body?: unknown;
  select?: string[];
  top?: number;
  idempotent: boolean;
  /** A 404 after a retry counts as success (a repeated DELETE whose first answer was lost). */
  goneOnRetryIsDone?: boolean;
  ctx: GraphCallContext;
}

/** Builds the drive client on @microsoft/microsoft-graph-client with the app's own middleware chain. */
export function createDriveClient(options: DriveClientOptions): DriveClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const host = new URL(baseUrl).hostname.toLowerCase();
  const defaultVersion = options.apiVersion ?? 'v1.0';
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const searchMode = options.searchMode ?? 'auto';
  const client = Client.initWithMiddleware({
    baseUrl,
    defaultVersion,
    customHosts: GRAPH_HOSTS.has(host) ? undefined : new Set([host]),
    middleware: [
      new AuthMiddleware(GRAPH_HOSTS),
      new DeadlineRetryMiddleware(policy, options.clock, options.sleep ?? realSleep, options.log),
      new HttpTerminalMiddleware(options.http),
    ],
  });

  async function send(call: Call): Promise<Sent> {
    if (!call.ctx.token) throw new ShareError('signInRequired', 'Sign in to share files.');
    const callOptions = new GraphCallOptions(
      call.ctx.token,
      call.ctx.deadline,
      call.operation,
      call.idempotent,
      options.attemptTimeoutMs,
    );
    let request = client
      .api(call.path)
      .version(call.version)
      .middlewareOptions([callOptions])
      .responseType(ResponseType.RAW);
    if (call.select) request = request.select(call.select);
    if (call.top !== undefined) request = request.top(call.top);
    let res: Response;
    try {
      res =
        call.method === 'GET'
          ? await request.get()
          : call.method === 'POST'
            ? await request.post(call.body)
            : await request.delete();
    } catch (err) {
      if (callOptions.failure) throw callOptions.failure;
      options.log.error({ operation: call.operation, err: (err as Error).message }, 'graph client failure');
      throw new ShareError('transient', 'Something went wrong talking to Microsoft 365. Try again in a moment.', {
        code: 'graph.client',
      });
    }
    // The body is the one the HTTP layer read for this very answer (see HttpTerminalMiddleware).
    if (!callOptions.answer || callOptions.answer.status !== res.status)
      throw new Error('Graph answer without its body');
    const text = callOptions.answer.text();
    if (res.status === 404 && call.goneOnRetryIsDone && callOptions.attempts > 1) {
      return { status: 204, headers: res.headers, json: undefined, attempts: callOptions.attempts };
    }
    if (!res.ok) throw toShareError({ status: res.status, body: text, headers: res.headers }, options.clock.now());
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ShareError('transient', 'Microsoft 365 sent an answer that could not be read. Try again in a moment.', {
        code: 'graph.unreadable',
        status: res.status,
        requestId: res.headers.get('request-id') ?? undefined,
      });
    }
    return { status: res.status, headers: res.headers, json, attempts: callOptions.attempts };
  }

  function itemInfo(json: unknown, status: number, headers: Headers): DriveItemInfo {
    const info = toDriveItemInfo((json ?? {}) as GraphDriveItem);
    if (!info) {
      throw new ShareError(
        'unsupported',
        'Microsoft 365 did not say which drive holds this file, so it cannot be shared from here.',
        {
          code: 'graph.noDriveId',
          status,
          requestId: headers.get('request-id') ?? undefined,
        },
      );
    }
    return info;
  }

  /**
   * Set once v1.0 has refused a disputed createLink property and beta accepted the same request: from then on such
   * requests go to beta directly (one call instead of two).
   */
  let v1RefusesDisputed = false;

  async function sendCreateLink(
    address: DriveItemAddress | DriveItemRef,
    body: CreateLinkBody,
    version: GraphApiVersion,
    ctx: GraphCallContext,
  ): Promise<Sent> {
    return send({
      operation: 'graph.createLink',
      method: 'POST',
      path: `${itemPath(toAddress(address))}/createLink`,
      version,
      body,
      // Email is not idempotent: after a 504, a timeout or a dropped connection the first request may have
      // sent the notifications, so a retry could mail everyone twice. Only answers that prove the request
      // was not processed (429, 503) are retried then. Without notifications a repeat is harmless: Graph
      // returns the existing link of that kind (200).
      idempotent: body.sendNotification !== true,
      ctx,
    });
  }

  async function searchQuery(
    query: string,
    page: SearchPage,
    ctx: GraphCallContext,
    sortProperties?: Array<{ name: string; isDescending: boolean }>,
  ): Promise<SearchResult> {
    const request: Record<string, unknown> = {
      entityTypes: ['driveItem'],
      query: { queryString: query },
      from: page.skip,
      size: page.top,
    };
    if (sortProperties) request.sortProperties = sortProperties;
    const sent = await send({
      operation: 'graph.searchQuery',
      method: 'POST',
      path: '/search/query',
      version: defaultVersion,
      body: { requests: [request] },
      // Search has no side effects.
      idempotent: true,
      ctx,
    });
    type Hits = {
      value?: Array<{
        hitsContainers?: Array<{ hits?: Array<{ resource?: GraphDriveItem }>; moreResultsAvailable?: boolean }>;
      }>;
    };
    const containers = ((sent.json ?? {}) as Hits).value?.flatMap((v) => v.hitsContainers ?? []) ?? [];
    const items = containers
      .flatMap((c) => c.hits ?? [])
      .map((h) => (h.resource ? toDriveItemInfo(h.resource) : undefined))
      .filter((i): i is DriveItemInfo => !!i);
    return { items, moreAvailable: containers.some((c) => c.moreResultsAvailable === true), source: 'searchQuery' };
  }

  async function driveSearch(query: string, page: SearchPage, ctx: GraphCallContext): Promise<SearchResult> {
    // The drive search pages with $skiptoken only; ask for skip+top and drop the first `skip`.
    const wanted = Math.min(page.skip + page.top, 200);
    const sent = await send({
      operation: 'graph.driveSearch',
      method: 'GET',
      path: searchFunctionPath(query),
      version: defaultVersion,
      top: wanted,
      idempotent: true,
      ctx,
    });
    const body = (sent.json ?? {}) as { value?: GraphDriveItem[]; '@odata.nextLink'?: string };
    const all = (body.value ?? []).map((i) => toDriveItemInfo(i)).filter((i): i is DriveItemInfo => !!i);
    return {
      items: all.slice(page.skip, page.skip + page.top),
      moreAvailable: !!body['@odata.nextLink'] || all.length > page.skip + page.top,
      source: 'driveSearch',
    };
  }

  return {
    async createLink(address, body, opts) {
      const disputed = usesDisputedProperty(body);
      let version = opts.apiVersion ?? defaultVersion;
      if (version === 'v1.0' && disputed && v1RefusesDisputed) version = 'beta';
      let sent: Sent;
      try {
        sent = await sendCreateLink(address, body, version, opts);
      } catch (err) {
        // v1.0 refusing recipients/sendNotification/message is a 400: the request was not processed, so no
        // notification went out and asking beta once cannot mail anyone twice. Beta's own refusal is final.
        const refused = err instanceof ShareError && err.details.status === 400;
        if (!(version === 'v1.0' && disputed && refused)) throw err;
        options.log.info(
          { operation: 'graph.createLink', status: 400, requestId: (err as ShareError).details.requestId },
          'createLink: v1.0 refused recipients/sendNotification/message; asking beta',
        );
        version = 'beta';
        sent = await sendCreateLink(address, body, version, opts);
        v1RefusesDisputed = true;
      }
      if (sent.status !== 200 && sent.status !== 201) {
        throw new ShareError(
          'transient',
          `Microsoft 365 answered createLink with an unexpected status ${sent.status}.`,
          {
            status: sent.status,
            code: 'graph.unexpectedStatus',
          },
        );
      }
      const json = sent.json as Record<string, unknown> | undefined;
      if (!json || typeof json.id !== 'string') {
        throw new ShareError('transient', 'Microsoft 365 did not return the sharing link. Try again in a moment.', {
          status: sent.status,
          code: 'graph.noPermission',
        });
      }
      return { status: sent.status, permission: toGraphPermission(json), apiVersion: version };
    },

    async getItem(ref, opts) {
      const sent = await send({
        operation: 'graph.getItem',
        method: 'GET',
        path: itemPath(toAddress(ref)),
        version: defaultVersion,
        select: ITEM_SELECT,
        idempotent: true,
        ctx: opts,
      });
      return itemInfo(sent.json, sent.status, sent.headers);
    },

    async getItemByPath(drive, path, opts) {
      const sent = await send({
        operation: 'graph.getItemByPath',
        method: 'GET',
        path: pathLookup(drive, path),
        version: defaultVersion,
        select: ITEM_SELECT,
        idempotent: true,
        ctx: opts,
      });
      return itemInfo(sent.json, sent.status, sent.headers);
    },

    async resolveShareUrl(urlOrShareId, opts) {
      if (!urlOrShareId.trim()) throw new ShareError('invalidRequest', 'No file link was given.', { field: 'url' });
      const sent = await send({
        operation: 'graph.resolveShare',
        method: 'GET',
        path: `/shares/${shareIdFor(urlOrShareId)}/driveItem`,
        version: defaultVersion,
        select: ITEM_SELECT,
        idempotent: true,
        ctx: opts,
      });
      return itemInfo(sent.json, sent.status, sent.headers);
    },

    async search(query, page, opts) {
      const q = query.trim();
      if (!q) throw new ShareError('invalidRequest', 'Type something to search for.', { field: 'query' });
      if (searchMode === 'driveSearch') return driveSearch(q, page, opts);
      try {
        return await searchQuery(q, page, opts);
      } catch (err) {
        const unavailable =
          searchMode === 'auto' &&
          err instanceof ShareError &&
          err.details.status !== undefined &&
          SEARCH_QUERY_UNAVAILABLE.has(err.details.status);
        if (!unavailable) throw err;
        options.log.info(
          { operation: 'graph.searchQuery', status: (err as ShareError).details.status },
          'search/query unavailable, using drive search',
        );
        return driveSearch(q, page, opts);
      }
    },

    async recentFiles(page, opts) {
      // KQL `*` matches every item the person can read; sorted by last change, it is the "recent files" list
      // (the /me/drive/recent feed is deprecated, DESIGN.md).
      return searchQuery('*', page, opts, [{ name: 'lastModifiedDateTime', isDescending: true }]);
    },

    async chatMembers(chatId, opts) {
      if (!chatId.trim()) throw new ShareError('invalidRequest', 'No chat was given.', { field: 'chatId' });
      const base = `/chats/${encodeURIComponent(chatId)}`;
      const [chat, members] = await Promise.all([
        send({ operation: 'graph.getChat', method: 'GET', path: base, version: 'v1.0', idempotent: true, ctx: opts }),
        send({
          operation: 'graph.chatMembers',
          method: 'GET',
          path: `${base}/members`,
          version: 'v1.0',
          idempotent: true,
          ctx: opts,
        }),
      ]);
      const c = (chat.json ?? {}) as { topic?: string | null; chatType?: string };
      const value = ((members.json ?? {}) as { value?: Array<Record<string, unknown>> }).value ?? [];
      const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
      return {
        topic: str(c.topic),
        chatType: str(c.chatType),
        members: value.map((m) => ({
          displayName: str(m.displayName) ?? '',
          userId: str(m.userId),
          email: str(m.email),
          tenantId: str(m.tenantId),
          roles: Array.isArray(m.roles) ? m.roles.filter((r): r is string => typeof r === 'string') : [],
        })),
      };
    },

    async listPermissions(ref, opts) {
      const sent = await send({
        operation: 'graph.listPermissions',
        method: 'GET',
        path: `${itemPath(toAddress(ref))}/permissions`,
        version: defaultVersion,
        idempotent: true,
        ctx: opts,
      });
      const value = ((sent.json ?? {}) as { value?: Array<Record<string, unknown>> }).value ?? [];
      return value.map(toGraphPermission);
    },

    async deletePermission(ref, permissionId, opts) {
      if (!permissionId)
        throw new ShareError('invalidRequest', 'No link was given to remove.', { field: 'permissionId' });
      const path = `${itemPath(toAddress(ref))}/permissions/${encodeURIComponent(permissionId)}`;
      await send({
        operation: 'graph.deletePermission',
        method: 'DELETE',
        path,
        version: defaultVersion,
        idempotent: true,
        goneOnRetryIsDone: true,
        ctx: opts,
      });
    },
  };
}
