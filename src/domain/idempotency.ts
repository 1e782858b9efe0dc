/**
 * "The same request from the same person": a canonical string the caller hashes (HMAC with a server secret) into
 * the idempotency key, so a retried invoke creates at most one link and sends email at most once.
 *
 * The domain cannot hash (no node:crypto here). The password never enters the string: the caller passes a keyed
 * digest of it (`passwordDigest`, e.g. HMAC-SHA256(secret, password)), so two submits with different passwords are
 * different requests without the password appearing anywhere. The caller must hash the whole string with a
 * secret-keyed HMAC before storing or logging it, since it still names the tenant, user, item and recipients.
 */
import type { CreateLinkBody, DriveItemRef, GraphApiVersion } from './types';

/** Everything that makes two share requests "the same". */
export interface IdempotencyInput {
  tenantId: string;
  userId: string;
  item: DriveItemRef;
  body: CreateLinkBody;
  apiVersion: GraphApiVersion;
  /** Keyed digest of body.password, computed by the caller; required when the body has a password. */
  passwordDigest?: string;
}

const VERSION = 'share-link/createLink/1';

/** Stable JSON: object keys sorted, undefined dropped, arrays kept in order. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The canonical string of a share request (password replaced by the caller's digest); hash it with an HMAC. */
export function idempotencyCanonical(input: IdempotencyInput): string {
  const { password, recipients, ...rest } = input.body;
  if (password !== undefined) {
    if (!input.passwordDigest) throw new TypeError('idempotencyCanonical: a body with a password needs passwordDigest');
    if (input.passwordDigest.includes(password))
      throw new TypeError('idempotencyCanonical: passwordDigest must be a keyed digest, not the password');
  }
  const people = (recipients ?? [])
    .map((r) =>
      r.objectId
        ? `id:${r.objectId.toLowerCase()}`
        : r.email
          ? `email:${r.email.toLowerCase()}`
          : `alias:${(r.alias ?? '').toLowerCase()}`,
    )
    .filter((v, i, all) => all.indexOf(v) === i)
    .sort();
  const canonical = {
    v: VERSION,
    tenant: input.tenantId.toLowerCase(),
    user: input.userId.toLowerCase(),
    drive: input.item.driveId,
    item: input.item.itemId,
    api: input.apiVersion,
    body: {
      ...rest,
      message: rest.message?.trim() || undefined,
      recipients: people.length ? people : undefined,
      password: password !== undefined ? { digest: input.passwordDigest } : undefined,
    },
  };
  return canonicalJson(canonical);
}
