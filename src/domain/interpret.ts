/**
 * Reads Graph's createLink answer against what was asked, so the card tells the truth: the link Graph returned
 * (which may be an existing one, of another type, with a shorter expiration) and how it differs from the request.
 */
import { ShareError } from './errors';
import { english, message, type DomainMessage } from './messages';
import { graphExpiration } from './graphDates';
import type {
  CreateLinkBody,
  DriveItemInfo,
  GraphApiVersion,
  GraphPermission,
  IdentitySet,
  Recipient,
  ShareOutcome,
} from './types';

/** What was sent to Graph, as the interpretation needs it. */
export interface CreateLinkRequestContext {
  item: DriveItemInfo;
  body: CreateLinkBody;
  apiVersion: GraphApiVersion;
  /** The person's IANA zone, for dates in the differences (UTC when absent or unknown). */
  timeZone?: string;
}

/** Whole seconds of an ISO instant, or undefined when it does not parse. */
function seconds(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** People listed on a permission (grantedToIdentitiesV2), as recipients for display. */
export function grantedRecipients(identities: readonly IdentitySet[] | undefined): Recipient[] {
  const out: Recipient[] = [];
  for (const identity of identities ?? []) {
    if (!identity || typeof identity !== 'object') continue;
    const who = identity.user ?? identity.siteUser;
    if (!who) continue;
    const r: Recipient = {};
    if (identity.user?.id) r.objectId = identity.user.id;
    if (who.email) r.email = who.email;
    if (who.displayName) r.displayName = who.displayName;
    if (r.objectId || r.email || r.displayName) out.push(r);
  }
  return out;
}

function isGranted(wanted: Pick<Recipient, 'email' | 'objectId'>, granted: readonly Recipient[]): boolean {
  return granted.some(
    (g) =>
      (wanted.objectId !== undefined && g.objectId?.toLowerCase() === wanted.objectId.toLowerCase()) ||
      (wanted.email !== undefined && g.email?.toLowerCase() === wanted.email.toLowerCase()),
  );
}

/** Graph's 200/201 createLink answer + the request → what the card shows. Never carries the password. */
export function interpretCreateLink(
  status: 200 | 201,
  permission: GraphPermission,
  request: CreateLinkRequestContext,
  now: number,
): ShareOutcome {
  const link = permission.link ?? {};
  if (!permission.id || !link.webUrl) {
    throw new ShareError('transient', 'Microsoft Graph answered without a sharing link. Try again in a moment.', {
      status,
    });
  }
  const { body, timeZone } = request;
  const reused = status === 200;
  const differenceMessages: DomainMessage[] = [];
  const differ = (m: DomainMessage) => differenceMessages.push(m);

  if (body.type !== undefined && link.type !== undefined && link.type !== body.type) {
    differ(
      message(reused ? 'typeDiffersReused' : 'typeDiffersCreated', {
        requested: { linkType: body.type, form: 'article' },
        got: { linkType: link.type, form: reused ? 'plain' : 'article' },
      }),
    );
  }
  if (body.scope !== undefined && link.scope !== undefined && link.scope !== body.scope) {
    differ(
      message(reused ? 'scopeDiffersReused' : 'scopeDiffersCreated', {
        requested: { scope: body.scope },
        got: { scope: link.scope },
      }),
    );
  }

  const requested = body.expirationDateTime;
  // MinValue / null / absent: the link never expires (permission resource), whatever was asked.
  const granted = graphExpiration(permission.expirationDateTime);
  const reqS = seconds(requested);
  const grantedS = seconds(granted);
  const clamped = grantedS !== undefined && (reqS === undefined || grantedS < reqS);
  const day = (iso: string) => (timeZone ? { day: iso, timeZone } : { day: iso });
  if (granted && requested && reqS !== undefined && grantedS !== undefined) {
    if (grantedS < reqS) differ(message('expirationShortened', { granted: day(granted), requested: day(requested) }));
    else if (grantedS > reqS) differ(message('expirationLater', { granted: day(granted), requested: day(requested) }));
  } else if (granted && !requested) {
    differ(message('expirationByPolicy', { granted: day(granted) }));
  } else if (requested && !granted) {
    differ(message(reused ? 'expirationMissingReused' : 'expirationMissingCreated', { requested: day(requested) }));
  }

  const passwordProtected = permission.hasPassword === true;
  if (body.password !== undefined && !passwordProtected) {
    differ(message(reused ? 'passwordMissingReused' : 'passwordMissingCreated'));
  } else if (body.password === undefined && passwordProtected) {
    differ(message('passwordSetEarlier'));
  }

  const grantedTo = grantedRecipients(permission.grantedToIdentitiesV2);
  if (body.scope === 'users' && permission.grantedToIdentitiesV2 !== undefined) {
    const missing = (body.recipients ?? []).filter((r) => !isGranted(r, grantedTo));
    if (missing.length > 0) {
      const names = missing.map((r) => r.email ?? r.objectId ?? '');
      differ(message('notGranted', { names: { list: names } }));
    }
  }

  const notified: Recipient[] = body.sendNotification ? (body.recipients ?? []).map((r) => ({ ...r })) : [];

  const outcome: ShareOutcome = {
    item: request.item,
    permissionId: permission.id,
    webUrl: link.webUrl,
    roles: [...(permission.roles ?? [])],
    preventsDownload: link.preventsDownload ?? link.type === 'blocksDownload',
    reused,
    expiration: { clamped },
    passwordProtected,
    notified,
    grantedTo,
    differences: differenceMessages.map(english),
    differenceMessages,
    apiVersion: request.apiVersion,
    createdAt: new Date(now).toISOString(),
  };
  if (link.webHtml) outcome.webHtml = link.webHtml;
  if (link.type !== undefined) outcome.type = link.type;
  if (link.scope !== undefined) outcome.scope = link.scope;
  if (requested) outcome.expiration.requested = requested;
  if (granted) outcome.expiration.granted = granted;
  return outcome;
}
