/**
 * Reads Graph's createLink answer against what was asked, so the card tells the truth: the link Graph returned
 * (which may be an existing one, of another type, with a shorter expiration) and how it differs from the request.
 */
import { ShareError } from './errors';
import { formatExpirationDay } from './expiration';
import { graphExpiration } from './graphDates';
import { linkScopeLabel, linkTypeLabel, withArticle } from './labels';
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
  const differences: string[] = [];
  const got = (what: string) => (reused ? `Graph returned an existing ${what}` : `Graph created ${withArticle(what)}`);

  if (body.type !== undefined && link.type !== undefined && link.type !== body.type) {
    differences.push(
      `You asked for ${withArticle(linkTypeLabel(body.type))} link; ${got(`${linkTypeLabel(link.type)} link`)}.`,
    );
  }
  if (body.scope !== undefined && link.scope !== undefined && link.scope !== body.scope) {
    differences.push(
      `You asked for a link for ${linkScopeLabel(body.scope)}; ${got('link')} for ${linkScopeLabel(link.scope)}.`,
    );
  }

  const requested = body.expirationDateTime;
  // MinValue / null / absent: the link never expires (permission resource), whatever was asked.
  const granted = graphExpiration(permission.expirationDateTime);
  const reqS = seconds(requested);
  const grantedS = seconds(granted);
  const clamped = grantedS !== undefined && (reqS === undefined || grantedS < reqS);
  const day = (iso: string) => formatExpirationDay(iso, timeZone);
  if (granted && requested && reqS !== undefined && grantedS !== undefined) {
    if (grantedS < reqS)
      differences.push(
        `Expiration shortened to ${day(granted)} by your organization's policy (you asked for ${day(requested)}).`,
      );
    else if (grantedS > reqS)
      differences.push(`The link expires on ${day(granted)}, later than the ${day(requested)} you asked for.`);
  } else if (granted && !requested) {
    differences.push(`The link expires on ${day(granted)}: your organization's policy sets an expiration.`);
  } else if (requested && !granted) {
    differences.push(
      `You asked for the link to expire on ${day(requested)}, but ${reused ? 'the existing link Graph returned has' : 'Graph set'} no expiration.`,
    );
  }

  const passwordProtected = permission.hasPassword === true;
  if (body.password !== undefined && !passwordProtected) {
    differences.push(
      `You set a password, but ${reused ? 'the existing link Graph returned' : 'the link Graph created'} is not password-protected.`,
    );
  } else if (body.password === undefined && passwordProtected) {
    differences.push('This link is protected by a password that was set earlier, not in this request.');
  }

  const grantedTo = grantedRecipients(permission.grantedToIdentitiesV2);
  if (body.scope === 'users' && permission.grantedToIdentitiesV2 !== undefined) {
    const missing = (body.recipients ?? []).filter((r) => !isGranted(r, grantedTo));
    if (missing.length > 0) {
      const names = missing.map((r) => r.email ?? r.objectId).join(', ');
      differences.push(`Graph does not list ${names} as having access to this link.`);
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
    differences,
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
