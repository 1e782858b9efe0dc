import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { DriveItemInfo, DriveItemRef } from '../domain/types';
import type { Caller } from './shareService';

/** How long a dialog's item stays usable without a new lookup (a dialog left open longer looks the item up again). */
const DEFAULT_TTL_MS = 60 * 60_000;
const VERSION = 'i1';

/**
 * Seals what an options dialog knew about its item into the dialog's submit data, so "Create link" needs no
 * second Graph lookup, even on another instance or after the item cache forgot it: a share is one Graph call.
 * The seal is an HMAC-SHA256 over the item, the person (tenant + object id) and an expiry, with a key derived from
 * the bot's client secret, which every instance of the service has. Teams echoes the data back unchanged; anything
 * else (an edited item, another person's dialog, an expired or foreign seal) fails the check and the service looks
 * the item up as before. Nothing secret is inside: the item's name and ids are what the dialog already shows.
 */
export class ItemSeal {
  private readonly key: Buffer;

  constructor(
    secret: string | Buffer,
    private readonly now: () => number,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'share-link', 'dialog item seal v1', 32));
  }

  /** The sealed item for the dialog's submit data. */
  seal(caller: Caller, item: DriveItemInfo): string {
    const body = Buffer.from(
      JSON.stringify([VERSION, caller.tenantId, caller.userObjectId, this.now() + this.ttlMs, item]),
    ).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The item a seal holds, if it is genuine, unexpired, this person's and about `ref`; otherwise undefined. */
  open(caller: Caller, ref: DriveItemRef, sealed: unknown): DriveItemInfo | undefined {
    if (typeof sealed !== 'string' || sealed.length > 8192) return undefined;
    const dot = sealed.indexOf('.');
    if (dot < 1) return undefined;
    const body = sealed.slice(0, dot);
    const given = Buffer.from(sealed.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 5) return undefined;
    const [version, tenantId, userObjectId, expiresAt, item] = parsed as [unknown, unknown, unknown, unknown, unknown];
    if (version !== VERSION || tenantId !== caller.tenantId || userObjectId !== caller.userObjectId) return undefined;
    if (typeof expiresAt !== 'number' || expiresAt <= this.now()) return undefined;
    const info = item as DriveItemInfo;
    if (!info || info.driveId !== ref.driveId || info.itemId !== ref.itemId) return undefined;
    return info;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
