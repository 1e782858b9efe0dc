import { createHmac } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { DriveClient } from '../graph/driveClient';
import type { JournaledShareLog } from '../store/journaledShareLog';
import type { ShareIntent } from '../store/shareJournal';
import type { ShareRecord } from '../store/shareLog';
import { ShareError, isShareError } from '../domain/errors';
import { idempotencyCanonical } from '../domain/idempotency';
import { interpretCreateLink } from '../domain/interpret';
import { findIntendedLink } from '../domain/reconcile';
import { message, messageError } from '../domain/messages';
import { linkChoicesFor } from '../domain/rules';
import { todayIn, resolveTimeZone } from '../domain/expiration';
import { validateLinkRequest } from '../domain/validation';
import type {
  CreateLinkBody,
  DriveItemInfo,
  DriveItemRef,
  GraphPermission,
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
  /** The share log behind its journal: intents before Graph, records after, written to the store later. */
  shareLog: JournaledShareLog;
  policy: LinkPolicy;
  /** This app's client id: Graph names the app that made a link, which tells this app's links apart. */
  appId?: string;
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
  /** Intents whose createLink is still running in this process (not to be reconciled meanwhile). */
  private readonly running = new Set<string>();
  /** People whose open intents are being reconciled right now. */
  private readonly reconciling = new Set<string>();
  /** When this process's createLink calls ended whose outcome stayed unknown (the request may still run at Graph). */
  private readonly recent = new Map<string, number>();

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
    this.reconcileLater(ctx);
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
    this.reconcileLater(ctx);
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
      this.reconcileLater(ctx);
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
      const outcome = await this.createAndRecord(
        ctx,
        item,
        validated.body,
        validated.apiVersion,
        timeZone,
        conversationId,
        audience,
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

  /**
   * One createLink with the intent journaled before it and the record after it. When Graph's answer is lost
   * (cut off, not JSON, timeout after sending), the item's permissions are looked up at once with the same token; a
   * link that matches is the person's link. If that cannot be settled now, the intent stays open and is
   * reconciled the next time this person's token is at hand.
   */
  private async createAndRecord(
    ctx: CallContext,
    item: DriveItemInfo,
    body: CreateLinkBody,
    apiVersion: 'v1.0' | 'beta',
    timeZone: string | undefined,
    conversationId: string | undefined,
    audience: ShareAudience | undefined,
  ): Promise<ShareOutcome> {
    const intent = intentOf(ctx.caller, item, body, apiVersion, conversationId, audience, this.deps.clock.now());
    let id: string;
    try {
      id = await this.deps.shareLog.begin(intent);
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message }, 'share: the intent could not be written; no link created');
      throw messageError('transient', message('shareLogUnavailable'), { code: 'shareLog.unavailable' });
    }
    this.running.add(id);
    try {
      let outcome: ShareOutcome;
      try {
        const result = await this.deps.graph.createLink(
          { kind: 'drive', driveId: item.driveId, itemId: item.itemId },
          body,
          {
            token: ctx.token,
            deadline: ctx.deadline,
            apiVersion,
          },
        );
        outcome = interpretCreateLink(
          result.status,
          result.permission,
          { item, body, apiVersion: result.apiVersion, timeZone },
          this.deps.clock.now(),
        );
      } catch (err) {
        if (!mayHaveCreated(err)) {
          // Settling is bookkeeping: the answer does not wait for the disk.
          void this.deps.shareLog.abandon(id, 'failed');
          throw err;
        }
        // Looked up at once only when the invoke's deadline leaves room; otherwise later, in the background.
        const room = ctx.deadline - this.deps.clock.now() >= LOOKUP_ROOM_MS;
        const found = room ? await this.lookUpIntended(ctx, intent).catch(() => undefined) : undefined;
        if (!found) {
          const reason = isShareError(err) ? (err.details.code ?? err.kind) : 'error';
          void this.deps.shareLog.markUnknown(id, reason);
          this.recent.set(id, this.deps.clock.now());
          this.deps.log.warn(
            { reason, driveId: item.driveId, itemId: item.itemId },
            'share: outcome unknown; will reconcile',
          );
          throw messageError('transient', message('answerLost'), {
            ...(isShareError(err) ? err.details : {}),
            code: 'graph.answerLost',
          });
        }
        this.deps.log.info(
          { driveId: item.driveId, itemId: item.itemId },
          'share: lost answer reconciled from the item',
        );
        outcome = interpretCreateLink(200, found, { item, body, apiVersion, timeZone }, this.deps.clock.now());
      }
      if (audience) outcome.audience = audience;
      await settleWithin(
        this.deps.shareLog.complete(id, toRecord(ctx.caller, outcome, body.sendNotification === true, conversationId)),
        500,
      );
      return outcome;
    } finally {
      this.running.delete(id);
    }
  }

  /** The item's permission that is the intended link, read with the person's token (undefined: none there). */
  private async lookUpIntended(ctx: CallContext, intent: ShareIntent): Promise<GraphPermission | undefined> {
    const permissions = await this.deps.graph.listPermissions(
      { driveId: intent.item.driveId, itemId: intent.item.itemId },
      { token: ctx.token, deadline: ctx.deadline },
    );
    return findIntendedLink(intent, permissions, this.deps.appId);
  }

  /**
   * Settles this person's open intents (links whose createLink answer was lost, e.g. the process died) now that
   * their token is at hand: records the link Graph holds, or drops the intent when there is none. In the
   * background, with its own deadline; returns how many were settled.
   */
  async reconcile(ctx: CallContext): Promise<number> {
    const who = `${ctx.caller.tenantId}|${ctx.caller.userObjectId}`;
    const open = this.deps.shareLog
      .openIntentsOf(ctx.caller.tenantId, ctx.caller.userObjectId)
      .filter((e) => !this.running.has(e.id) && !this.mayStillBeInFlight(e.id, e.unknown));
    if (!open.length || this.reconciling.has(who)) return 0;
    this.reconciling.add(who);
    let settled = 0;
    try {
      for (const entry of open) {
        const call = { ...ctx, deadline: this.deps.clock.now() + 5000 };
        let found: GraphPermission | undefined;
        try {
          found = await this.lookUpIntended(call, entry.intent);
        } catch (err) {
          if (isShareError(err) && err.kind === 'notFound') {
            await this.deps.shareLog.abandon(entry.id, 'dropped');
            settled++;
          }
          continue;
        }
        if (!found) {
          this.deps.log.info({ driveId: entry.intent.item.driveId }, 'share: reconciled; no link was created');
          await this.deps.shareLog.abandon(entry.id, 'dropped');
        } else {
          const outcome = interpretCreateLink(
            200,
            found,
            { item: entry.intent.item, body: bodyOf(entry.intent), apiVersion: entry.intent.apiVersion },
            Date.parse(entry.intent.at),
          );
          if (entry.intent.audience) outcome.audience = entry.intent.audience;
          const record = toRecord(ctx.caller, outcome, entry.intent.sendNotification, entry.intent.conversationId);
          this.deps.log.info({ permissionId: record.permissionId }, 'share: reconciled; the link is recorded');
          await this.deps.shareLog.complete(entry.id, { ...record, createdAt: entry.intent.at });
        }
        settled++;
      }
    } finally {
      this.reconciling.delete(who);
    }
    return settled;
  }

  /**
   * True while a request this process gave up on (timeout, dropped connection) may still be running at Graph:
   * looking now could miss a link that appears a moment later. An answer that arrived unreadable is finished.
   */
  private mayStillBeInFlight(id: string, reason: string | undefined): boolean {
    const ended = this.recent.get(id);
    if (ended === undefined) return false;
    if (reason === 'graph.unreadable' || this.deps.clock.now() - ended > IN_FLIGHT_GRACE_MS) {
      this.recent.delete(id);
      return false;
    }
    return true;
  }

  /** Starts reconcile() without waiting for it: it never holds an answer. */
  private reconcileLater(ctx: CallContext): void {
    if (!this.deps.shareLog.openIntentsOf(ctx.caller.tenantId, ctx.caller.userObjectId).length) return;
    setImmediate(() => {
      this.reconcile(ctx).catch((err: unknown) =>
        this.deps.log.warn({ err: (err as Error).message }, 'share: reconciliation failed; retried later'),
      );
    });
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

  /**
   * The record of a link shared through the app as `viewerObjectId` should see it: their own record when they
   * shared it (several people can get the same permission back), else the first sharer's.
   */
  async recordOf(tenantId: string, permissionId: string, viewerObjectId: string): Promise<ShareRecord | undefined> {
    const own = await this.deps.shareLog.get(tenantId, permissionId, viewerObjectId);
    if (own) return own;
    return (await this.deps.shareLog.listByPermission(tenantId, permissionId))[0];
  }

  /**
   * Revokes a link the caller shared through the app: deletes the permission in Graph and marks the record of
   * every person who shared it (the link is gone for all of them). Each person who shared it may revoke it, as far
   * as Graph lets them; people who did not share it through the app may not, although Graph might let them.
   */
  async revoke(ctx: CallContext, permissionId: string): Promise<ShareRecord> {
    const record = await this.deps.shareLog.get(ctx.caller.tenantId, permissionId, ctx.caller.userObjectId);
    if (!record) {
      throw new ShareError('accessDenied', 'Only the person who shared this link with Share Link can revoke it here.');
    }
    if (record.revokedAt) return record;
    this.reconcileLater(ctx);
    try {
      await this.deps.graph.deletePermission({ driveId: record.driveId, itemId: record.itemId }, permissionId, {
        token: ctx.token,
        deadline: ctx.deadline,
      });
    } catch (err) {
      // Graph no longer knows the permission (or the item): a remembered result naming it must not be served.
      if (isShareError(err) && err.kind === 'notFound')
        await this.deps.state.idempotency.invalidate(permissionTag(ctx.caller.tenantId, permissionId));
      throw err;
    }
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

/** How long after giving up on a createLink its request may still be running at Graph. */
const IN_FLIGHT_GRACE_MS = 60_000;

/** Time an immediate permissions lookup needs before the invoke's deadline. */
const LOOKUP_ROOM_MS = 600;

/** Errors after which Graph may still have created the link (the request may have been processed). */
function mayHaveCreated(err: unknown): boolean {
  if (!isShareError(err)) return true;
  // 503 and 429 (throttled) prove the request was not processed; 4xx kinds are refusals.
  return err.kind === 'transient' && err.details.status !== 503;
}

/** Waits for p at most ms; p goes on regardless (it never rejects). */
async function settleWithin(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The intent of a share: what is about to be created, for whom. Never the password or the message. */
function intentOf(
  caller: Caller,
  item: DriveItemInfo,
  body: CreateLinkBody,
  apiVersion: 'v1.0' | 'beta',
  conversationId: string | undefined,
  audience: ShareAudience | undefined,
  now: number,
): ShareIntent {
  return {
    tenantId: caller.tenantId,
    userObjectId: caller.userObjectId,
    item: {
      driveId: item.driveId,
      itemId: item.itemId,
      name: item.name,
      webUrl: item.webUrl,
      kind: item.kind,
      driveType: item.driveType,
      size: item.size,
      mimeType: item.mimeType,
    },
    type: body.type,
    scope: body.scope,
    passwordProtected: body.password !== undefined,
    recipients: (body.recipients ?? []).map((r) => r.email ?? r.objectId ?? r.alias ?? '').filter(Boolean),
    sendNotification: body.sendNotification === true,
    apiVersion,
    conversationId,
    ...(audience ? { audience } : {}),
    at: new Date(now).toISOString(),
  };
}

/** The request an intent stands for, as far as interpreting Graph's answer needs it. */
function bodyOf(intent: ShareIntent): CreateLinkBody {
  return {
    type: intent.type as CreateLinkBody['type'],
    scope: intent.scope as CreateLinkBody['scope'],
    recipients: intent.recipients.map((r) => (r.includes('@') ? { email: r } : { objectId: r })),
    sendNotification: intent.sendNotification,
  };
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
