import type { DriveItemInfo, LinkPolicy, Recipient } from './types';

/**
 * "People in this chat / channel / meeting": which conversation an invoke came from, who is in it, and how those
 * people become createLink recipients (Graph `driveRecipient`). Pure rules; the member lists come from Graph
 * (`GET /chats/{id}/members`) or the Bot Framework roster, fetched elsewhere.
 */

/** Where a message extension was used, read from the invoke's `conversation` and `channelData`. */
export type ConversationKind = 'groupChat' | 'meeting' | 'channel' | 'oneOnOne' | 'botChat' | 'unknown';

export interface ConversationRef {
  kind: ConversationKind;
  /** `conversation.id` (a Graph chat id for chats and meeting chats: `19:…@thread.v2`, `19:…@unq.gbl.spaces`). */
  id: string;
  /** Channels: the channel's thread id (`channelData.channel.id`) and the team's (`channelData.team.id`). */
  channelId?: string;
  teamId?: string;
  /**
   * Channels: `channelData.channel.type` as Teams sends it (botframework-schema `ChannelInfo.type`: standard,
   * shared, private), lower-cased; often absent (the recorded payloads have none), so never needed to be safe.
   */
  channelType?: string;
  /** Names Teams sends for channels (`conversation.name`, `channelData.team.name`); chats get theirs from Graph. */
  name?: string;
}

/** One person in the conversation as the member API reported them. */
export interface ConversationMember {
  displayName: string;
  /** Entra object id in the person's home tenant (Graph `userId`, roster `aadObjectId`). */
  objectId?: string;
  /** The person's home tenant. */
  tenantId?: string;
  email?: string;
  /** Roster `userRole` / Graph guest flag: `guest` means a B2B guest account in this tenant. */
  role?: 'user' | 'guest' | 'anonymous';
}

/** A member as the Bot Framework roster returns it (botframework-schema `TeamsChannelAccount`, fields as sent). */
export interface RosterAccount {
  name?: string;
  aadObjectId?: string;
  /** Some roster answers name the Entra object id `objectId` instead of `aadObjectId` (sandbox/FIDELITY.md). */
  objectId?: string;
  tenantId?: string;
  email?: string;
  userRole?: string;
}

/** A roster account as a conversation member: the object id under either name, the role as Teams gives it. */
export function memberFromRoster(m: RosterAccount): ConversationMember {
  return {
    displayName: m.name ?? '',
    objectId: m.aadObjectId || m.objectId || undefined,
    tenantId: m.tenantId || undefined,
    email: m.email || undefined,
    role: m.userRole === 'guest' ? 'guest' : m.userRole === 'anonymous' ? 'anonymous' : 'user',
  };
}

/** Most people one "People in this chat" link is made for (see docs: larger conversations get the reason). */
export const MAX_CONVERSATION_PEOPLE = 50;

/** Why someone in the conversation cannot be given the link. */
export type ExclusionReason = 'noAddress' | 'anonymous';

/** A person of the conversation the link cannot be made for, with why (shown on the card, never dropped). */
export interface ExcludedPerson {
  key: string;
  displayName: string;
  reason: ExclusionReason;
}

/** A person of the conversation the link is made for. */
export interface IncludedPerson {
  key: string;
  displayName: string;
  recipient: Recipient;
  /** From another organization (shared by email address; tenant sharing policy decides). */
  external: boolean;
}

export interface ConversationPeople {
  kind: ConversationKind;
  /** Chat topic, channel name or meeting title; undefined when the conversation has none (unnamed group chat). */
  name?: string;
  included: IncludedPerson[];
  excluded: ExcludedPerson[];
}

/** Why the choice cannot be offered here. */
export type PeopleUnavailableReason =
  | 'botChat'
  | 'unknownConversation'
  | 'tooMany'
  | 'tooManyUncounted'
  | 'onlyYou'
  | 'needsConsent'
  | 'notInstalled'
  | 'membersUnavailable'
  | 'policy'
  | 'recipientsUnsupported'
  | 'channelUnclear';

export type PeopleChoice =
  | { available: true; people: ConversationPeople }
  | { available: false; kind: ConversationKind; reason: PeopleUnavailableReason; count?: number };

/** Reads the conversation kind from Teams' `conversation.conversationType` and ids. */
export function conversationRefOf(activity: {
  conversationId: string;
  conversationType?: string;
  conversationName?: string;
  channelId?: string;
  channelType?: string;
  teamId?: string;
  teamName?: string;
  meetingId?: string;
}): ConversationRef {
  const id = activity.conversationId;
  const type = (activity.conversationType ?? '').toLowerCase();
  if (type === 'channel' || activity.channelId) {
    const channelId = activity.channelId ?? id.split(';')[0];
    // Only the General channel (the team's own thread) is named after the team: a private or shared channel's
    // people are not the team's, so an unnamed one stays "People in this channel".
    const general = !!activity.teamId && channelId.split(';')[0].toLowerCase() === activity.teamId.toLowerCase();
    return {
      kind: 'channel',
      id,
      channelId,
      ...(activity.channelType ? { channelType: activity.channelType.toLowerCase() } : {}),
      teamId: activity.teamId,
      name: activity.conversationName ?? (general ? activity.teamName : undefined),
    };
  }
  if (activity.meetingId || /^19:meeting_/i.test(id)) return { kind: 'meeting', id, name: activity.conversationName };
  if (type === 'groupchat') return { kind: 'groupChat', id, name: activity.conversationName };
  // A chat between two people has a Graph chat id; the chat with the bot itself has a Bot Framework id (a:…).
  if (/^19:.+@unq\.gbl\.spaces$/i.test(id)) return { kind: 'oneOnOne', id };
  if (type === 'personal' || /^a:/i.test(id)) return { kind: 'botChat', id };
  if (/^19:.+@thread\.v2$/i.test(id)) return { kind: 'groupChat', id, name: activity.conversationName };
  return { kind: 'unknown', id };
}

/** The conversation id without the reply chain's `;messageid=…` suffix: the channel's own thread id. */
function threadOf(conversationId: string): string {
  return conversationId.split(';')[0].trim();
}

/**
 * Whose roster "People in this channel" reads: the channel's own conversation (its thread id), never the team's.
 * Private and shared channels have members of their own, a subset of the team or people from outside it
 * (sandbox/FIDELITY.md, "Bot Framework channel"); a standard channel's roster is the team's anyway. When Teams
 * names one channel in `channelData` and another in the conversation id, the channel is unclear: no choice
 * rather than a guess.
 */
export function channelRosterId(
  ref: ConversationRef,
): { ok: true; id: string } | { ok: false; reason: 'channelUnclear' } {
  const thread = threadOf(ref.id);
  const channel = ref.channelId ? threadOf(ref.channelId) : '';
  if (thread && channel && thread.toLowerCase() !== channel.toLowerCase())
    return { ok: false, reason: 'channelUnclear' };
  const id = thread || channel;
  return id ? { ok: true, id } : { ok: false, reason: 'channelUnclear' };
}

/**
 * Whether a channel's roster leaves someone's organization unknown where it matters: in a shared channel people
 * of other organizations are members, and one without a tenant id could not be told from a colleague (their
 * object id is their home tenant's), so the choice is not offered rather than granted by a guess.
 */
export function rosterUnclear(ref: ConversationRef, members: readonly ConversationMember[]): boolean {
  return ref.channelType === 'shared' && members.some((m) => m.role !== 'anonymous' && !m.tenantId);
}

/** A stable key for a member: the object id, else the email address, else the name. */
export function memberKey(m: ConversationMember): string {
  return (m.objectId || m.email || `name:${m.displayName}`).toLowerCase();
}

/**
 * Turns the conversation's members into createLink recipients for the sharer's tenant: people of this tenant
 * (members and B2B guests, who have an object id here) by object id; people of other organizations by email
 * address (Graph `driveRecipient.email`); anyone without either is listed as excluded, never dropped. The sharer
 * is left out (they own or can already open the file).
 */
export function planRecipients(
  members: readonly ConversationMember[],
  sharer: { tenantId: string; objectId: string },
  meta: { kind: ConversationKind; name?: string },
): ConversationPeople {
  const included: IncludedPerson[] = [];
  const excluded: ExcludedPerson[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    const key = memberKey(m);
    if (seen.has(key)) continue;
    seen.add(key);
    if (m.objectId && m.objectId.toLowerCase() === sharer.objectId.toLowerCase()) continue;
    const displayName = (m.displayName || m.email || '').trim() || m.objectId || '?';
    if (m.role === 'anonymous') {
      excluded.push({ key, displayName, reason: 'anonymous' });
      continue;
    }
    const home = !m.tenantId || m.tenantId.toLowerCase() === sharer.tenantId.toLowerCase();
    if (home && m.objectId) {
      included.push({ key, displayName, recipient: { objectId: m.objectId, displayName }, external: false });
    } else if (m.email) {
      included.push({ key, displayName, recipient: { email: m.email, displayName }, external: !home });
    } else {
      excluded.push({ key, displayName, reason: 'noAddress' });
    }
  }
  return { kind: meta.kind, name: meta.name, included, excluded };
}

/** Whether the admin policy and the item allow a specific-people link at all. */
export function peopleLinkAllowed(
  item: DriveItemInfo,
  policy: LinkPolicy,
): { ok: true } | { ok: false; reason: 'policy' | 'recipientsUnsupported' } {
  if (policy.allowedScopes.length > 0 && !policy.allowedScopes.includes('users'))
    return { ok: false, reason: 'policy' };
  // OneDrive personal ignores recipients (seed remarks): a "specific people" link would reach nobody.
  if (item.driveType === 'personal') return { ok: false, reason: 'recipientsUnsupported' };
  return { ok: true };
}

/**
 * The choice for a resolved member list: unavailable when too large or when nobody but the sharer is there.
 * `complete` false: the list stopped early (a paged roster), so its length is only a lower bound and not shown.
 */
export function choiceFor(people: ConversationPeople, memberCount: number, complete = true): PeopleChoice {
  if (memberCount > MAX_CONVERSATION_PEOPLE) {
    return complete
      ? { available: false, kind: people.kind, reason: 'tooMany', count: memberCount }
      : { available: false, kind: people.kind, reason: 'tooManyUncounted' };
  }
  if (people.included.length === 0 && people.excluded.length === 0) {
    return { available: false, kind: people.kind, reason: 'onlyYou' };
  }
  return { available: true, people };
}

/**
 * The people the link is made for at submit time: the conversation's members now, minus the ones the person
 * removed in the dialog (shown there but unticked). Someone who joined after the dialog opened is included:
 * the choice is "the people in this chat".
 */
export function keepChosen(people: ConversationPeople, shownKeys: readonly string[], keptKeys: readonly string[]) {
  const kept = new Set(keptKeys.map((k) => k.toLowerCase()));
  const removed = new Set(shownKeys.map((k) => k.toLowerCase()).filter((k) => !kept.has(k)));
  return {
    ...people,
    included: people.included.filter((p) => !removed.has(p.key)),
    // The ones who cannot be given the link were never choosable: they stay listed on the card.
    excluded: people.excluded,
  };
}

/** First names for "Megan, Alex and 4 others": the first word of each display name. */
export function firstName(displayName: string): string {
  const trimmed = displayName.trim();
  if (trimmed.includes('@')) return trimmed;
  return trimmed.split(/\s+/)[0] || trimmed;
}
