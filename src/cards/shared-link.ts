import type { ShareOutcome } from '../domain/types';
import { itemHeader, resolveEnv, withDirection, type CardEnv, type ResolvedEnv } from './common';
import { EXECUTE_VERBS, type LinkCardExecuteData, type LinkCardRefreshData, type LinkCardSnapshot } from './contract';
import { formatDate, formatDateTime, formatList, isolate, recipientLabel } from './format';
import { scopeInWords } from './link-options';
import { say } from './messages';
import { audienceHeading, excludedText } from './people';
import { fill } from './strings';
import { expandTemplate, type AdaptiveCardJson, type Expansion } from './template';
import template from './templates/shared-link.json';

/** Names shown before "and N more" so 50 recipients keep the card small. */
const MAX_NAMES = 5;

export interface SharedLinkOptions extends CardEnv {
  /** Entra object id of the person who created the link: the only one who gets the revoke button. */
  sharerAadObjectId: string;
  /** The sharer's Teams user id (`activity.from.id`, "29:…"), added to `refresh.userIds` when known. */
  sharerUserId?: string;
  /**
   * Deep link to the "My shared links" tab (see manage-link.ts), on every card: revoking never depends on the host
   * running the card's refresh (AdaptiveCards#8001, Learn "Work with Universal Actions": 1.5 for inserted cards).
   */
  manageLinksUrl: string;
  /** Keep the `refresh` that swaps in the sharer's view (default). Off for the plain card answered without a record. */
  withRefresh?: boolean;
  /** Build the sharer's view (with "Revoke link"); the default is the view everyone else sees. */
  forSharer?: boolean;
  /** The tenant's display name, for "People in Contoso with the link". */
  organizationName?: string;
  /** The link was revoked: show that instead of the button. */
  revoked?: { at: string; by?: string };
  locale: string;
  timeZone: string;
}

/**
 * The AC 1.4 (Outlook-safe) card for the conversation: the file, the link, and what Graph really returned.
 * Everyone's view has "Open link" and "My shared links"; `refresh` (Action.Execute, userIds = the sharer) swaps in the
 * sharer's view, which adds "Revoke link". The revoked variant keeps only "My shared links" and has no refresh.
 */
export function sharedLinkCard(outcome: ShareOutcome, opts: SharedLinkOptions): Expansion {
  const env = resolveEnv(opts);
  const sh = env.s.shared;
  const warnings: string[] = [];
  const revoked = Boolean(opts.revoked);
  const executeData: LinkCardExecuteData = {
    permissionId: outcome.permissionId,
    driveId: outcome.item.driveId,
    itemId: outcome.item.itemId,
  };
  const actions: object[] = [];
  if (!revoked) actions.push({ type: 'Action.OpenUrl', title: sh.open, url: outcome.webUrl });
  actions.push({ type: 'Action.OpenUrl', title: sh.manage, url: opts.manageLinksUrl });
  if (!revoked && opts.forSharer) {
    actions.push({
      type: 'Action.Execute',
      title: sh.revoke,
      verb: EXECUTE_VERBS.revokeLink,
      style: 'destructive',
      data: executeData,
    });
  }
  const refreshData: LinkCardRefreshData = { ...executeData, shown: snapshotOf(outcome) };
  const differences = (outcome.differenceMessages?.map((m) => say(m, env)) ?? outcome.differences).map((d) => ({
    line: `• ${d}`,
  }));
  const expansion = expandTemplate(template, {
    s: sh,
    refresh: {
      action: { type: 'Action.Execute', verb: EXECUTE_VERBS.refreshLinkCard, data: refreshData },
      userIds: refreshUserIds(opts.sharerAadObjectId, opts.sharerUserId),
    },
    header: itemHeader(outcome.item, env, warnings),
    revoked,
    statusText: `${outcome.reused ? sh.reusedLink : sh.newLink}${env.s.common.detailSeparator}${fill(sh.sharedBy, {
      date: formatDate(outcome.createdAt, env.locale, env.timeZone),
    })}`,
    revokedText: revokedText(opts.revoked, env),
    webUrl: outcome.webUrl,
    facts: facts(outcome, env, opts.organizationName),
    hasDifferences: differences.length > 0,
    differences,
    hasEmbed: Boolean(outcome.webHtml),
    webHtml: outcome.webHtml ?? '',
    actions,
  });
  const card: AdaptiveCardJson = { ...expansion.card };
  if (revoked || opts.withRefresh === false) delete card.refresh;
  return withDirection({ card, warnings: [...warnings, ...expansion.warnings] }, env);
}

const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `refresh.userIds` in the two documented formats only (Learn "Universal Actions for search based message
 * extensions": `29:<id>` or `8:orgid:<Entra object id>`): the sharer, nobody else.
 */
export function refreshUserIds(sharerAadObjectId: string, sharerUserId?: string): string[] {
  const ids: string[] = [];
  if (sharerUserId && /^29:\S+$/.test(sharerUserId)) ids.push(sharerUserId);
  if (ENTRA_OBJECT_ID.test(sharerAadObjectId)) ids.push(`8:orgid:${sharerAadObjectId.toLowerCase()}`);
  return ids;
}

/** What the card shows, for the refresh data (see LinkCardSnapshot). */
function snapshotOf(outcome: ShareOutcome): LinkCardSnapshot {
  const item = outcome.item;
  return {
    itemName: item.name,
    itemWebUrl: item.webUrl,
    itemKind: item.kind,
    driveType: item.driveType,
    ...(item.size !== undefined ? { itemSize: item.size } : {}),
    ...(item.mimeType ? { mimeType: item.mimeType } : {}),
    linkUrl: outcome.webUrl,
    ...(outcome.type ? { type: outcome.type } : {}),
    ...(outcome.scope ? { scope: outcome.scope } : {}),
    roles: outcome.roles,
    ...(outcome.expiration.granted ? { expirationDateTime: outcome.expiration.granted } : {}),
    passwordProtected: outcome.passwordProtected,
    reused: outcome.reused,
    createdAt: outcome.createdAt,
  };
}

/**
 * The plain card answered to a refresh when neither the share log nor the card's own data can say what the link is:
 * a short note and the way to "My shared links", never an error (a failed refresh shows "Something went wrong").
 */
export function linkCardWithoutDetails(opts: CardEnv & { manageLinksUrl: string }): Expansion {
  const env = resolveEnv(opts);
  const sh = env.s.shared;
  return {
    card: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body: [{ type: 'TextBlock', text: sh.noDetails, wrap: true }],
      actions: [{ type: 'Action.OpenUrl', title: sh.manage, url: opts.manageLinksUrl }],
    },
    warnings: [],
  };
}

function revokedText(revoked: SharedLinkOptions['revoked'], env: ResolvedEnv): string {
  if (!revoked) return '';
  const date = formatDateTime(revoked.at, env.locale, env.timeZone);
  return revoked.by
    ? fill(env.s.shared.revokedBy, { name: isolate(revoked.by), date })
    : fill(env.s.shared.revokedBySomeone, { date });
}

function facts(outcome: ShareOutcome, env: ResolvedEnv, organizationName: string | undefined) {
  const sh = env.s.shared;
  const rows: Array<{ label: string; value: string }> = [];
  const type = outcome.type
    ? (env.s.linkTypes[outcome.type as keyof typeof env.s.linkTypes] ?? outcome.type)
    : sh.unknownType;
  rows.push({ label: sh.factType, value: type });
  rows.push({
    label: sh.factScope,
    value: outcome.scope ? scopeInWords(outcome.scope, env, organizationName) : sh.unknownType,
  });
  if (outcome.roles.length > 0) {
    rows.push({
      label: sh.factRoles,
      value: outcome.roles.map((r) => env.s.roles[r as keyof typeof env.s.roles] ?? r).join(env.s.common.listSeparator),
    });
  }
  const granted = outcome.expiration.granted;
  let expires = granted ? formatDateTime(granted, env.locale, env.timeZone) : sh.factNoExpiry;
  if (granted && outcome.expiration.clamped) {
    expires = fill(outcome.expiration.requested ? sh.clamped : sh.clampedNoneAsked, { date: expires });
  }
  rows.push({ label: sh.factExpires, value: expires });
  if (outcome.passwordProtected) rows.push({ label: sh.factPassword, value: sh.passwordProtected });
  const audience = outcome.audience;
  if (audience) {
    // "People in this chat": who can open the link and who of the conversation cannot, and why.
    const names = audience.people.length ? formatList(audience.people, MAX_NAMES, env.s, env.locale) : '—';
    rows.push({ label: env.s.people.factWho, value: `${audienceHeading(audience, env.s)}: ${names}` });
    if (audience.excluded.length > 0) {
      rows.push({ label: env.s.people.factCannot, value: excludedText(audience.excluded, env.s) });
    }
  } else if (outcome.grantedTo.length > 0) {
    rows.push({
      label: sh.factGranted,
      value: formatList(outcome.grantedTo.map(recipientLabel), MAX_NAMES, env.s, env.locale),
    });
  }
  if (outcome.notified.length > 0) {
    rows.push({
      label: sh.factNotified,
      value: formatList(outcome.notified.map(recipientLabel), MAX_NAMES, env.s, env.locale),
    });
  }
  return rows;
}
