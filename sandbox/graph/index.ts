import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { SANDBOX_IDENTITIES } from '../identities';
import type { SigningKey } from '../keys';
import type { TenantData } from '../tenant-data';
import type { GraphCaller } from '../tokens';
import { authenticate } from './auth';
import { createLink, parseCreateLinkBody, type OutboxRecord } from './createLink';
import { GraphError, accessDenied, invalidRequest, itemNotFound, requestIdMiddleware, sendGraphError } from './errors';
import { parseGraphPath, isDrivesPath, type DriveTarget, type GraphRoute, type ItemAddress } from './routes';
import { descendants, hitSummary, nameMatches, parseNameQuery, wholeNumber } from './search';
import { driveItemJson, permissionJson, searchHitResource } from './serialize';
import { resolveShare } from './shares';
import { DriveStore, roleAllows, type DriveState, type ItemState } from './store';
import { DEFAULT_FIDELITY, type FidelitySwitches } from '../fidelity';

export type { OutboxRecord } from './createLink';

/** What the Graph part of the sandbox needs from the sandbox server. */
export interface GraphRouterDeps {
  /** Seeded directory; the Graph part owns drives/items state derived from it. */
  data: TenantData;
  /** Entra's signing key, to verify bearer tokens (see sandbox/tokens.ts verifyGraphToken). */
  entraKey: SigningKey;
  /** Base URL of the sandbox (https://127.0.0.1:PORT), known once it listens. */
  baseUrl(): string;
  /** Clock for expirations and notification times; defaults to the system clock. */
  now?(): Date;
  /** The switches for behaviours where real tenants differ (sandbox/fidelity.ts); defaults: all off. */
  fidelity?(): FidelitySwitches;
}

/** The Graph surface (`/v1.0/…`, `/beta/…`) for drives, items, sharing links, shares and search. */
export interface GraphSandbox {
  router: Router;
  /** Back to the seeded state (items, permissions, outbox). */
  reset(): void;
  /** Sharing notification emails "sent" by createLink with sendNotification, oldest first. */
  outbox(): OutboxRecord[];
  /** The live store, for tests that need to look behind the HTTP surface. */
  store(): DriveStore;
}

/** Display names of applications that call the sandbox Graph (link.application.displayName). */
const APP_NAMES: Record<string, string> = {
  [SANDBOX_IDENTITIES.app.clientId]: SANDBOX_IDENTITIES.app.displayName,
  [SANDBOX_IDENTITIES.teamsClientId]: 'Microsoft Teams',
};

type Version = 'v1.0' | 'beta';

/** Builds the Graph drives router over a fresh copy of the seeded directory. */
export function createGraphSandbox(deps: GraphRouterDeps): GraphSandbox {
  const seed = JSON.stringify(deps.data);
  let store = new DriveStore(JSON.parse(seed) as TenantData);
  let outbox: OutboxRecord[] = [];
  const now = (): Date => deps.now?.() ?? new Date();
  const fidelity = (): FidelitySwitches => deps.fidelity?.() ?? DEFAULT_FIDELITY;
  // Lists and gets always spell "no expiration" as DateTime.MinValue; createLink only under its switch.
  const listed = { minValueExpiration: true };
  const router = Router();
  const json = express.json({ type: () => true, limit: '1mb' });

  router.use((req: Request, res: Response, next: NextFunction) => {
    const m = /^\/(v1\.0|beta)(\/.*)$/i.exec(req.path);
    if (!m || !isDrivesPath(m[2])) return next();
    requestIdMiddleware(req, res, () => {
      const version = (m[1].toLowerCase() === 'beta' ? 'beta' : 'v1.0') as Version;
      handle(req, res, version, m[2]).catch((err: unknown) => sendGraphError(res, err));
    });
  });

  async function handle(req: Request, res: Response, version: Version, path: string): Promise<void> {
    const need = req.method === 'GET' || (req.method === 'POST' && /^\/search\/query/i.test(path)) ? 'read' : 'write';
    const caller = await authenticate(deps.entraKey, deps.baseUrl(), req.headers.authorization, need);
    const route = parseGraphPath(path);
    if (!route) throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1]}'.`);
    if (req.method === 'POST') await parseJson(req, res);
    const ctx = `${deps.baseUrl()}/${version}/$metadata`;
    const send = (status: number, body: Record<string, unknown>): void => {
      res.status(status).json(body);
    };
    const methodNotAllowed = (): GraphError =>
      new GraphError(405, 'BadRequest', 'Specified HTTP method is not allowed for the request target.');

    switch (route.kind) {
      case 'searchQuery':
        if (req.method !== 'POST') throw methodNotAllowed();
        // Microsoft Search serves work and school accounts only (search-query page: "Delegated (personal Microsoft
        // account): Not supported"); the refusal as a real answer shows it (openai/codex#38749).
        if (caller.tenantId === SANDBOX_IDENTITIES.consumerTenantId)
          throw new GraphError(
            400,
            'BadRequest',
            'This API is not supported for MSA accounts (no addressUrl for Microsoft.MicrosoftSearch,False).',
          );
        return send(200, {
          value: searchQuery(caller, req.body),
          '@odata.context': `${ctx}#Collection(microsoft.graph.searchResponse)`,
        });
      case 'shares': {
        if (req.method !== 'GET') throw methodNotAllowed();
        const { drive, item } = resolveShare(store, route.shareId, caller, now());
        return send(200, {
          '@odata.context': `${ctx}#shares('${route.shareId}')/driveItem/$entity`,
          ...itemWithExpand(req, drive, item, caller, true),
        });
      }
      case 'drive': {
        if (req.method !== 'GET') throw methodNotAllowed();
        const drive = resolveDrive(route.drive, caller);
        requireRole(drive, store.item(drive, 'root')!, caller, 'read');
        return send(200, { '@odata.context': `${ctx}#drives/$entity`, ...driveJson(drive) });
      }
      case 'item':
        return itemRoute(req, res, route, caller, ctx, version);
    }
  }

  async function itemRoute(
    req: Request,
    res: Response,
    route: Extract<GraphRoute, { kind: 'item' }>,
    caller: GraphCaller,
    ctx: string,
    version: Version,
  ): Promise<void> {
    const drive = resolveDrive(route.drive, caller);
    const item = resolveItem(drive, route.item);
    const d = drive.seed.id;
    const method = req.method;
    const action = route.action;
    const methodNotAllowed = new GraphError(
      405,
      'BadRequest',
      'Specified HTTP method is not allowed for the request target.',
    );
    switch (action.op) {
      case 'get':
        if (method !== 'GET') throw methodNotAllowed;
        requireRole(drive, item, caller, 'read');
        res.status(200).json({
          '@odata.context': `${ctx}#drives('${d}')/items/$entity`,
          ...itemWithExpand(req, drive, item, caller),
        });
        return;
      case 'createLink': {
        if (method !== 'POST') throw methodNotAllowed;
        if (store.roleOf(drive, item, caller.userId, caller.tenantId) === undefined)
          throw accessDenied('The caller does not have access to this item.');
        if (version === 'v1.0' && fidelity().v1RefusesRecipients) refuseDisputedOnV1(req.body);
        const body = parseCreateLinkBody(req.body);
        const result = createLink(
          { store, drive, item, caller, appDisplayName: APP_NAMES[caller.appId] ?? caller.appId, now: now() },
          body,
        );
        outbox.push(...result.notifications);
        res.status(result.status).json({
          '@odata.context': `${ctx}#microsoft.graph.permission`,
          ...permissionJson(store, drive, result.permission, {
            minValueExpiration: fidelity().createLinkMinValueExpiration,
          }),
        });
        return;
      }
      case 'permissions': {
        if (method !== 'GET') throw methodNotAllowed;
        requireRole(drive, item, caller, 'read');
        const value = store.effectivePermissions(drive, item).map((p) => permissionJson(store, drive, p, listed));
        res.status(200).json({ '@odata.context': `${ctx}#drives('${d}')/items('${item.id}')/permissions`, value });
        return;
      }
      case 'permission': {
        const perm = store.effectivePermissions(drive, item).find((p) => p.id === action.permissionId);
        if (method === 'GET') {
          requireRole(drive, item, caller, 'read');
          if (!perm) throw itemNotFound('The permission could not be found.');
          res.status(200).json({
            '@odata.context': `${ctx}#drives('${d}')/items('${item.id}')/permissions/$entity`,
            ...permissionJson(store, drive, perm, listed),
          });
          return;
        }
        if (method !== 'DELETE') throw methodNotAllowed;
        requireRole(drive, item, caller, 'owner');
        if (!perm) throw itemNotFound('The permission could not be found.');
        if (perm.inheritedFromId)
          throw invalidRequest('Inherited permissions cannot be removed; remove them where they are set.');
        if (perm.roles.includes('owner')) throw invalidRequest("The owner's permission cannot be removed.");
        item.permissions = item.permissions.filter((p) => p.id !== perm.id);
        res.status(204).end();
        return;
      }
      case 'children': {
        if (method !== 'GET') throw methodNotAllowed;
        requireRole(drive, item, caller, 'read');
        const all = store
          .children(drive, item)
          .filter((c) => roleAllows(store.roleOf(drive, c, caller.userId, caller.tenantId), 'read'));
        res.status(200).json(
          page(
            req,
            all.map((c) => driveItemJson(store, drive, c)),
            `${ctx}#drives('${d}')/items('${item.id}')/children`,
          ),
        );
        return;
      }
      case 'search': {
        if (method !== 'GET') throw methodNotAllowed;
        requireRole(drive, item, caller, 'read');
        const query = parseNameQuery(action.q);
        const hits = descendants(drive, item).filter(
          (c) => nameMatches(c, query) && roleAllows(store.roleOf(drive, c, caller.userId, caller.tenantId), 'read'),
        );
        const host = drive.tenant.sharePointHost;
        const value = hits.map((c) => ({
          ...driveItemJson(store, drive, c),
          searchResult: {
            onClickTelemetryUrl: `https://${host}/_layouts/15/searchtelemetry.aspx?id=${encodeURIComponent(c.id)}`,
          },
        }));
        res.status(200).json(page(req, value, `${ctx}#Collection(driveItem)`));
        return;
      }
    }
  }

  /**
   * Switch `v1RefusesRecipients`: v1.0 createLink answers 400 to `recipients`, `sendNotification` and `message`
   * before anything else is checked, as a 2025 Microsoft Q&A answer reports (learn.microsoft.com answers 2151628,
   * "sample request body for createLink API scope user": "recipients are not supported", 400 Bad Request); the
   * report shows no body, so the body is Graph's usual one for a parameter the action does not bind.
   */
  function refuseDisputedOnV1(body: unknown): void {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return;
    const b = body as Record<string, unknown>;
    const refused = ['recipients', 'sendNotification', 'message'].find((k) => b[k] !== undefined && b[k] !== null);
    if (refused)
      throw invalidRequest(
        `The parameter '${refused}' in the request payload is not a valid parameter for the operation 'createLink'.`,
      );
  }

  /** A driveItem, with `children` when `$expand=children` asks for them (only those the caller may read, unless via a link). */
  function itemWithExpand(
    req: Request,
    drive: DriveState,
    item: ItemState,
    caller: GraphCaller,
    viaLink = false,
  ): Record<string, unknown> {
    const out = driveItemJson(store, drive, item);
    const expand = String(req.query.$expand ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase());
    if (expand.includes('children')) {
      out.children = store
        .children(drive, item)
        .filter((c) => viaLink || roleAllows(store.roleOf(drive, c, caller.userId, caller.tenantId), 'read'))
        .map((c) => driveItemJson(store, drive, c));
    }
    return out;
  }

  /** One page of a collection with `$top` and a `$skiptoken` nextLink. */
  function page(req: Request, all: Record<string, unknown>[], context: string): Record<string, unknown> {
    const top = wholeNumber(req.query.$top, '$top', 1, 999, 200);
    const skip = wholeNumber(req.query.$skiptoken, '$skiptoken', 0, Number.MAX_SAFE_INTEGER, 0);
    const out: Record<string, unknown> = { '@odata.context': context, value: all.slice(skip, skip + top) };
    if (skip + top < all.length) {
      const url = new URL(req.originalUrl, deps.baseUrl());
      url.searchParams.set('$top', String(top));
      url.searchParams.set('$skiptoken', String(skip + top));
      out['@odata.nextLink'] = `${deps.baseUrl()}${url.pathname}${url.search}`;
    }
    return out;
  }

  function parseJson(req: Request, res: Response): Promise<void> {
    return new Promise((resolve, reject) => {
      json(req, res, (err?: unknown) => {
        if (err)
          reject(
            invalidRequest(
              'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
            ),
          );
        else resolve();
      });
    });
  }

  function resolveDrive(target: DriveTarget, caller: GraphCaller): DriveState {
    let drive: DriveState | undefined;
    switch (target.by) {
      case 'me':
        drive = store.driveOfUser(caller.userId);
        break;
      case 'user': {
        const user = store.userByIdOrUpn(target.id);
        drive = user ? store.driveOfUser(user.id) : undefined;
        break;
      }
      case 'group': {
        const g = store.group(target.id);
        drive = g ? store.drives.get(g.driveId) : undefined;
        break;
      }
      case 'site': {
        const s = store.site(target.id);
        drive = s ? store.drives.get(s.driveId) : undefined;
        break;
      }
      case 'drive': {
        drive = store.drives.get(target.id);
        if (drive && target.groupId && store.group(target.groupId)?.driveId !== drive.seed.id) drive = undefined;
        break;
      }
    }
    if (!drive) throw itemNotFound('The drive could not be found.');
    if (drive.seed.tenantId !== caller.tenantId) throw accessDenied('The drive belongs to another organization.');
    return drive;
  }

  function resolveItem(drive: DriveState, address: ItemAddress): ItemState {
    const item =
      address.by === 'root'
        ? store.item(drive, 'root')
        : address.by === 'id'
          ? store.item(drive, address.id)
          : store.itemByPath(drive, address.path);
    if (!item) throw itemNotFound('The resource could not be found.');
    return item;
  }

  function requireRole(
    drive: DriveState,
    item: ItemState,
    caller: GraphCaller,
    need: 'read' | 'write' | 'owner',
  ): void {
    if (!roleAllows(store.roleOf(drive, item, caller.userId, caller.tenantId), need)) {
      throw accessDenied(
        need === 'owner' ? 'Only an owner of the item can do this.' : 'The caller does not have access to this item.',
      );
    }
  }

  function driveJson(drive: DriveState): Record<string, unknown> {
    const owner = drive.seed.owner;
    let ownerSet: Record<string, unknown>;
    if ('userId' in owner) {
      const u = store.user(owner.userId);
      ownerSet = { user: { email: u?.mail, id: owner.userId, displayName: u?.displayName ?? owner.userId } };
    } else if ('groupId' in owner) {
      const g = store.group(owner.groupId);
      ownerSet = { group: { email: g?.mail, id: owner.groupId, displayName: g?.displayName ?? owner.groupId } };
    } else {
      const s = store.site(owner.siteId);
      ownerSet = { group: { displayName: `${s?.displayName ?? 'Site'} Owners` } };
    }
    const root = store.item(drive, 'root')!;
    const used = store.size(drive, root);
    return {
      createdDateTime: root.createdDateTime,
      description: drive.seed.description,
      id: drive.seed.id,
      lastModifiedDateTime: root.lastModifiedDateTime,
      name: drive.seed.name,
      webUrl: drive.seed.webUrl,
      driveType: drive.seed.driveType,
      owner: ownerSet,
      quota: {
        deleted: 0,
        remaining: drive.seed.quota.total - used,
        state: 'normal',
        total: drive.seed.quota.total,
        used,
      },
    };
  }

  /** `POST /search/query` for driveItem: name search over everything the caller can read in their tenant. */
  function searchQuery(caller: GraphCaller, body: unknown): Record<string, unknown>[] {
    const requests = (body as { requests?: unknown } | undefined)?.requests;
    if (!Array.isArray(requests) || requests.length === 0)
      throw invalidRequest("The request needs a non-empty 'requests' array.");
    return requests.map((r: unknown) => {
      const rq = (r ?? {}) as {
        entityTypes?: unknown;
        query?: { queryString?: unknown };
        from?: unknown;
        size?: unknown;
        sortProperties?: unknown;
      };
      if (!Array.isArray(rq.entityTypes) || rq.entityTypes.length === 0)
        throw invalidRequest("Each search request needs 'entityTypes'.");
      const unsupported = rq.entityTypes.filter((t) => t !== 'driveItem');
      if (unsupported.length)
        throw invalidRequest(
          `The entity types ${unsupported.map(String).join(', ')} are not supported by the sandbox; use 'driveItem'.`,
        );
      const qs = rq.query?.queryString;
      if (typeof qs !== 'string' || !qs.trim()) throw invalidRequest("The search request needs 'query.queryString'.");
      const from = wholeNumber(rq.from, 'from', 0, 100_000, 0);
      const size = wholeNumber(rq.size, 'size', 1, 500, 25);
      const query = parseNameQuery(qs);
      const matches: { drive: DriveState; item: ItemState }[] = [];
      for (const drive of store.drivesOfTenant(caller.tenantId)) {
        for (const item of drive.items.values()) {
          if (item.parentId === null || !nameMatches(item, query)) continue;
          if (roleAllows(store.roleOf(drive, item, caller.userId, caller.tenantId), 'read'))
            matches.push({ drive, item });
        }
      }
      // sortProperties (search-concept-sort): lastModifiedDateTime (or name) ascending/descending; else seed order.
      const sort = Array.isArray(rq.sortProperties)
        ? (rq.sortProperties[0] as { name?: unknown; isDescending?: unknown } | undefined)
        : undefined;
      if (sort && (sort.name === 'lastModifiedDateTime' || sort.name === 'name')) {
        const field = sort.name;
        const dir = sort.isDescending === true ? -1 : 1;
        matches.sort((a, b) => dir * String(a.item[field]).localeCompare(String(b.item[field])));
      }
      const hits = matches.slice(from, from + size).map(({ drive, item }, i) => ({
        hitId: item.id,
        rank: from + i + 1,
        summary: hitSummary(item, query),
        resource: {
          '@odata.type': '#microsoft.graph.driveItem',
          ...(fidelity().richSearchHits ? driveItemJson(store, drive, item) : searchHitResource(store, drive, item)),
        },
      }));
      return {
        searchTerms: query.terms,
        hitsContainers: [{ hits, total: matches.length, moreResultsAvailable: from + size < matches.length }],
      };
    });
  }

  return {
    router,
    reset: () => {
      store = new DriveStore(JSON.parse(seed) as TenantData);
      outbox = [];
    },
    outbox: () => outbox.map((o) => ({ ...o })),
    store: () => store,
  };
}
