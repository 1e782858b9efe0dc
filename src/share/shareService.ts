import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { DriveClient } from '../graph/driveClient';
import type { DurableShareLogWriter } from '../store/durableWriter';
import type { ShareLog, ShareRecord } from '../store/shareLog';
import { ShareError, isShareError } from '../domain/errors';
import { idempotencyCanonical } from '../domain/idempotency';
import { interpretCreateLink } from '../domain/interpret';
import { linkChoicesFor } from '../domain/rules';
import { todayIn, resolveTimeZone } from '../domain/expiration';
import { validateLinkRequest } from '../domain/validation';
import type {
  DriveItemInfo,
  DriveItemRef,
  LinkChoices,
  LinkOptions,
  LinkPolicy,
  ShareAudience,
  ShareOutcome,
} from '../domain/types';
import { LruCache } from '../util/lruCache';
import type { ItemSeal } from './itemSeal';

/** The person on whose behalf the service acts (from an authenticated activity or a validated SSO token). */
export interface Caller {
  tenantId: string;
  userObjectId: string;
}

/** Everything one call needs: who, with which delegated Graph token, by when, and in which time zone. */
export interface CallContext {
  caller: Caller;
  /** Delegated Graph access token; never logged or stored. */
  token: string;
  /** Absolute time (ms) by which the answer must be ready. */
  deadline: number;
  timeZone?: string;
}

export interface ShareServiceDeps {
  graph: DriveClient;
  shareLog: ShareLog;
  writer: DurableShareLogWriter;
  policy: LinkPolicy;
  clock: Clock;
  log: Logger;
  /** How long an identical request from the same person returns the first result (Teams retries invokes). */
  idempotencyWindowMs?: number;
  /** How long an item looked up for a dialog is remembered, so the submit needs no second lookup. */
  itemCacheMs?: number;
  /** Seals what a dialog knew about its item into its submit data (see ItemSeal); without it, submits look up. */
  itemSeal?: ItemSeal;
}

/** Result of resolving the files attached to a message. */
export interface AttachmentResolution {
  items: DriveItemInfo[];
  /** Attachments that could not be resolved, with why (e.g. no access). */
  failures: Array<{ name?: string; error: ShareError }>;
}

/**
 * The share core: looks items up, offers only the options that can work, validates a request, makes exactly one
 * createLink call with the person's token, interprets Graph's answer and records it. Idempotent per person and
 * request within a short window, so a retried invoke never creates a second link or sends a second email.
 */
export class ShareService {
  private readonly inflight: LruCache<Promise<ShareOutcome>>;
  private readonly items: LruCache<DriveItemInfo>;
  /** Per-process key for idempotency digests: the request (and its password) never appears in clear. */
  private readonly secret = randomBytes(32);

  constructor(private readonly deps: ShareServiceDeps) {
    const now = () => deps.clock.now();
    this.inflight = new LruCache(50_000, { ms: deps.idempotencyWindowMs ?? 120_000, now });
    this.items = new LruCache(50_000, { ms: deps.itemCacheMs ?? 15 * 60_000, now });
  }

  /** The admin policy links are made under. */
  get policy(): LinkPolicy {
    return this.deps.policy;
  }

  /** The link options the dialog may offer for this item, under the admin policy. */
  linkChoices(item: DriveItemInfo, timeZone?: string): LinkChoices {
    const zone = resolveTimeZone(timeZone).timeZone;
    return linkChoicesFor(item, this.deps.policy, { today: todayIn(zone, this.deps.clock.now()) });
  }

  /** Searches the person's files; an empty query lists their recent files (newest change first). */
  async findFiles(ctx: CallContext, query: string, page: { top: number; skip: number }) {
    const opts = { token: ctx.token, deadline: ctx.deadline };
    const result = query.trim()
      ? await this.deps.graph.search(query, page, opts)
      : await this.deps.graph.recentFiles(page, opts);
    // `/search/query` hits may lack size, facets and drive type (FIDELITY.md): only complete items stand in for
    // a lookup; a partial one is looked up when picked, so the options dialog rests on what Graph says of the item.
    for (const item of result.items) if (item.size !== undefined) this.remember(ctx.caller, item);
    return result;
  }

  /** The dialog's sealed copy of an item, for its submit data (undefined when sealing is not configured). */
  sealItem(caller: Caller, item: DriveItemInfo): string | undefined {
    return this.deps.itemSeal?.seal(caller, item);
  }

  /**
   * Looks an item up: remembered per person for a while, or taken from the seal the dialog's submit carries
   * (genuine, this person's, unexpired), so a dialog's submit costs no second Graph call; otherwise from Graph.
   */
  async lookupItem(ctx: CallContext, ref: DriveItemRef, sealed?: unknown): Promise<DriveItemInfo> {
    const cached = this.items.get(this.itemKey(ctx.caller, ref));
    if (cached) return cached;
    const unsealed = sealed === undefined ? undefined : this.deps.itemSeal?.open(ctx.caller, ref, sealed);
    if (unsealed) return unsealed;
    if (sealed !== undefined)
      this.deps.log.info({ driveId: ref.driveId }, 'share: dialog seal not accepted; looking the item up');
    const item = await this.deps.graph.getItem(ref, { token: ctx.token, deadline: ctx.deadline });
    this.remember(ctx.caller, item);
    return item;
  }

  /** Resolves file links (e.g. a message's reference attachments) to drive items, in parallel. */
  async resolveLinks(ctx: CallContext, links: Array<{ url: string; name?: string }>): Promise<AttachmentResolution> {
    const settled = await Promise.allSettled(
      links.map((l) => this.deps.graph.resolveShareUrl(l.url, { token: ctx.token, deadline: ctx.deadline })),
    );
    const out: AttachmentResolution = { items: [], failures: [] };
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') {
        this.remember(ctx.caller, s.value);
        if (!out.items.some((x) => x.driveId === s.value.driveId && x.itemId === s.value.itemId))
          out.items.push(s.value);
      } else {
        const error = isShareError(s.reason)
          ? s.reason
          : new ShareError('transient', 'The file could not be looked up.');
        out.failures.push({ name: links[i].name, error });
      }
    });
    return out;
  }

  /**
   * Creates (or reuses) the sharing link the person asked for. Throws ShareError (validation, Graph, throttling).
   * The same request repeated within the idempotency window returns the first result without calling Graph again.
   */
  async share(
    ctx: CallContext,
    ref: DriveItemRef,
    options: LinkOptions,
    extra: { conversationId?: string; sealedItem?: unknown; audience?: ShareAudience } = {},
  ): Promise<ShareOutcome> {
    const item = await this.lookupItem(ctx, ref, extra.sealedItem);
    const now = this.deps.clock.now();
    const timeZone = options.timeZone ?? ctx.timeZone;
    const validated = validateLinkRequest(item, { ...options, timeZone }, this.deps.policy, { now, timeZone });
    const key = this.idempotencyKey(ctx.caller, item, validated.body, validated.apiVersion);
    const existing = this.inflight.get(key);
    if (existing) {
      this.deps.log.info(
        { driveId: item.driveId, itemId: item.itemId },
        'share: identical request within the window; returning the first result',
      );
      return existing;
    }
    const attempt = (async () => {
      const result = await this.deps.graph.createLink(
        { kind: 'drive', driveId: item.driveId, itemId: item.itemId },
        validated.body,
        {
          token: ctx.token,
          deadline: ctx.deadline,
          apiVersion: validated.apiVersion,
        },
      );
      const outcome = interpretCreateLink(
        result.status,
        result.permission,
        { item, body: validated.body, apiVersion: result.apiVersion, timeZone },
        this.deps.clock.now(),
      );
      if (extra.audience) outcome.audience = extra.audience;
      await this.deps.writer.record(
        toRecord(ctx.caller, outcome, validated.body.sendNotification === true, extra.conversationId),
      );
      return outcome;
    })();
    this.inflight.set(key, attempt);
    try {
      return await attempt;
    } catch (err) {
      // A failed attempt must not pin the failure: the person (or Teams) may retry.
      this.inflight.delete(key);
      throw err;
    }
  }

  /** The record of a link shared through the app, if any. */
  recordOf(tenantId: string, permissionId: string): Promise<ShareRecord | undefined> {
    return this.deps.shareLog.get(tenantId, permissionId);
  }

  /**
   * Revokes a link the caller shared through the app: deletes the permission in Graph and marks the record.
   * Only the person who created it may: Graph would let any owner of the item delete it, the app does not.
   */
  async revoke(ctx: CallContext, permissionId: string): Promise<ShareRecord> {
    const record = await this.deps.shareLog.get(ctx.caller.tenantId, permissionId);
    if (!record || record.userObjectId !== ctx.caller.userObjectId) {
      throw new ShareError('accessDenied', 'Only the person who shared this link with Share Link can revoke it here.');
    }
    if (record.revokedAt) return record;
    await this.deps.graph.deletePermission({ driveId: record.driveId, itemId: record.itemId }, permissionId, {
      token: ctx.token,
      deadline: ctx.deadline,
    });
    const at = new Date(this.deps.clock.now()).toISOString();
    await this.deps.shareLog.markRevoked(ctx.caller.tenantId, permissionId, at, ctx.caller.userObjectId);
    return { ...record, revokedAt: at, revokedBy: ctx.caller.userObjectId };
  }

  private remember(caller: Caller, item: DriveItemInfo): void {
    this.items.set(this.itemKey(caller, item), item);
  }

  private itemKey(caller: Caller, ref: DriveItemRef): string {
    return `${caller.tenantId}|${caller.userObjectId}|${ref.driveId}|${ref.itemId}`;
  }

  private idempotencyKey(
    caller: Caller,
    item: DriveItemRef,
    body: Parameters<typeof idempotencyCanonical>[0]['body'],
    apiVersion: 'v1.0' | 'beta',
  ): string {
    const passwordDigest = body.password
      ? createHmac('sha256', this.secret).update(body.password).digest('hex')
      : undefined;
    const canonical = idempotencyCanonical({
      tenantId: caller.tenantId,
      userId: caller.userObjectId,
      item,
      body,
      apiVersion,
      passwordDigest,
    });
    return createHmac('sha256', this.secret).update(canonical).digest('hex');
  }
}

/** What the share log keeps of an outcome: no password, no token. */
function toRecord(caller: Caller, o: ShareOutcome, notified: boolean, conversationId?: string): ShareRecord {
  return {
    permissionId: o.permissionId,
    tenantId: caller.tenantId,
    userObjectId: caller.userObjectId,
    driveId: o.item.driveId,
    itemId: o.item.itemId,
    itemName: o.item.name,
    itemWebUrl: o.item.webUrl,
    itemKind: o.item.kind,
    driveType: o.item.driveType,
    itemSize: o.item.size,
    mimeType: o.item.mimeType,
    linkUrl: o.webUrl,
    type: o.type,
    scope: o.scope,
    roles: o.roles,
    expirationDateTime: o.expiration.granted,
    passwordProtected: o.passwordProtected,
    recipients: [...o.grantedTo, ...o.notified].map((r) => r.email ?? r.objectId ?? '').filter(Boolean),
    notified,
    reused: o.reused,
    createdAt: o.createdAt,
    conversationId,
    ...(o.audience ? { audience: o.audience } : {}),
  };
}
