import { createHmac } from 'node:crypto';
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
import { SingleFlight, type SharedState } from '../state';
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
  /** Idempotency, item cache, rate limit and leases: per process, or shared by every instance through Redis. */
  state: SharedState;
  /** Shares one person may create per window (0: no limit). */
  rateLimit?: { max: number; windowMs: number };
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
  /** This process's attempts in flight: a duplicate on the same instance joins the running attempt. */
  private readonly inflight = new LruCache<Promise<ShareOutcome>>(50_000);
  private readonly items;
  private readonly itemFetches: SingleFlight;
  private readonly windowMs: number;
  private readonly itemTtlMs: number;

  constructor(private readonly deps: ShareServiceDeps) {
    this.items = deps.state.cache('item');
    this.itemFetches = new SingleFlight(deps.state.leases, deps.clock);
    this.windowMs = deps.idempotencyWindowMs ?? 120_000;
    this.itemTtlMs = deps.itemCacheMs ?? 15 * 60_000;
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
    await Promise.all(
      result.items.filter((item) => item.size !== undefined).map((item) => this.remember(ctx.caller, item)),
    );
    return result;
  }

  /** The dialog's sealed copy of an item, for its submit data (undefined when sealing is not configured). */
  sealItem(caller: Caller, item: DriveItemInfo): string | undefined {
    return this.deps.itemSeal?.seal(caller, item);
  }

  /**
   * Looks an item up: remembered per person for a while (on every instance with Redis), or taken from the seal the
   * dialog's submit carries (genuine, this person's, unexpired), so a dialog's submit costs no second Graph call;
   * otherwise from Graph, once across instances (the others wait for it in the cache).
   */
  async lookupItem(ctx: CallContext, ref: DriveItemRef, sealed?: unknown): Promise<DriveItemInfo> {
    const key = this.itemKey(ctx.caller, ref);
    const read = async () => {
      const cached = await this.items.get(key);
      return cached === undefined ? undefined : (JSON.parse(cached) as DriveItemInfo);
    };
    const cached = await read();
    if (cached) return cached;
    const unsealed = sealed === undefined ? undefined : this.deps.itemSeal?.open(ctx.caller, ref, sealed);
    if (unsealed) return unsealed;
    if (sealed !== undefined)
      this.deps.log.info({ driveId: ref.driveId }, 'share: dialog seal not accepted; looking the item up');
    return this.itemFetches.run(
      key,
      read,
      async () => {
        const item = await this.deps.graph.getItem(ref, { token: ctx.token, deadline: ctx.deadline });
        await this.remember(ctx.caller, item);
        return item;
      },
      ctx.deadline,
    );
  }

  /** Resolves file links (e.g. a message's reference attachments) to drive items, in parallel. */
  async resolveLinks(ctx: CallContext, links: Array<{ url: string; name?: string }>): Promise<AttachmentResolution> {
    const settled = await Promise.allSettled(
      links.map((l) => this.deps.graph.resolveShareUrl(l.url, { token: ctx.token, deadline: ctx.deadline })),
    );
    const out: AttachmentResolution = { items: [], failures: [] };
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? this.remember(ctx.caller, s.value) : undefined)));
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') {
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
        'share: identical request in flight on this instance; returning its result',
      );
      return existing;
    }
    const attempt = this.shareOnce(ctx, item, validated, key, timeZone, extra.conversationId, extra.audience);
    this.inflight.set(key, attempt);
    try {
      return await attempt;
    } finally {
      this.inflight.delete(key);
    }
  }

  /** Claims the request (across instances), waits for another claimant's result, or creates the link. */
  private async shareOnce(
    ctx: CallContext,
    item: DriveItemInfo,
    validated: ReturnType<typeof validateLinkRequest>,
    key: string,
    timeZone: string | undefined,
    conversationId: string | undefined,
    audience?: ShareAudience,
  ): Promise<ShareOutcome> {
    const { idempotency } = this.deps.state;
    const pendingMs = Math.max(5000, ctx.deadline - this.deps.clock.now() + 5000);
    for (;;) {
      const claim = await idempotency.claim(key, pendingMs);
      if (claim.kind === 'done') {
        this.deps.log.info(
          { driveId: item.driveId, itemId: item.itemId },
          'share: identical request within the window; returning the first result',
        );
        return JSON.parse(claim.result) as ShareOutcome;
      }
      if (claim.kind === 'claimed') break;
      // Another instance is creating this very link: wait for its answer rather than send the e-mails twice.
      if (this.deps.clock.now() + 300 >= ctx.deadline) {
        throw new ShareError('transient', 'This link is still being created. Try again in a moment.');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    try {
      await this.checkRateLimit(ctx.caller);
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
      if (audience) outcome.audience = audience;
      await this.deps.writer.record(
        toRecord(ctx.caller, outcome, validated.body.sendNotification === true, conversationId),
      );
      await idempotency.complete(
        key,
        JSON.stringify(outcome),
        this.windowMs,
        permissionTag(ctx.caller.tenantId, outcome.permissionId),
      );
      return outcome;
    } catch (err) {
      // A failed attempt must not pin the failure: the person (or Teams) may retry.
      await idempotency.release(key);
      throw err;
    }
  }

  /** The per-person share limit (the same on every instance with Redis); a clear "try again in N s" when hit. */
  private async checkRateLimit(caller: Caller): Promise<void> {
    const limit = this.deps.rateLimit;
    if (!limit || limit.max <= 0) return;
    const key = `${caller.tenantId.toLowerCase()}|${caller.userObjectId.toLowerCase()}`;
    const { allowed, retryAfterMs } = await this.deps.state.rateLimiter.hit(key, limit.max, limit.windowMs);
    if (allowed) return;
    this.deps.log.info({ limit: limit.max, windowMs: limit.windowMs }, 'share: per-person rate limit reached');
    throw new ShareError(
      'throttled',
      `You have created ${limit.max} links in a short time, the most Share Link allows. Wait a little before the next one.`,
      { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)), code: 'shareRateLimit' },
    );
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
    // A retried submit must not hand out the revoked link again, on any instance.
    await this.deps.state.idempotency.invalidate(permissionTag(ctx.caller.tenantId, permissionId));
    const at = new Date(this.deps.clock.now()).toISOString();
    await this.deps.shareLog.markRevoked(ctx.caller.tenantId, permissionId, at, ctx.caller.userObjectId);
    return { ...record, revokedAt: at, revokedBy: ctx.caller.userObjectId };
  }

  private remember(caller: Caller, item: DriveItemInfo): Promise<void> {
    return this.items.set(this.itemKey(caller, item), JSON.stringify(item), this.itemTtlMs);
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
      ? createHmac('sha256', this.deps.state.digestKey).update(body.password).digest('hex')
      : undefined;
    const canonical = idempotencyCanonical({
      tenantId: caller.tenantId,
      userId: caller.userObjectId,
      item,
      body,
      apiVersion,
      passwordDigest,
    });
    return createHmac('sha256', this.deps.state.digestKey).update(canonical).digest('hex');
  }
}

/** Idempotency results are tagged with the permission they created, so revoking it forgets them. */
function permissionTag(tenantId: string, permissionId: string): string {
  return `${tenantId.toLowerCase()}|${permissionId}`;
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
