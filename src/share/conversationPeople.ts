import type { DriveClient } from '../graph/driveClient';
import type { Logger } from '../log';
import { ShareError, isShareError } from '../domain/errors';
import {
  MAX_CONVERSATION_PEOPLE,
  channelRosterId,
  choiceFor,
  peopleLinkAllowed,
  planRecipients,
  rosterUnclear,
  type ConversationMember,
  type ConversationRef,
  type PeopleChoice,
  type PeopleUnavailableReason,
} from '../domain/conversation';
import type { DriveItemInfo, LinkPolicy } from '../domain/types';
import type { CallContext } from './shareService';

/**
 * The Bot Framework roster of one conversation (`GET v3/conversations/{id}/pagedmembers`), for channels: no Graph
 * permission, but the app must be installed in the team (and added to a private or shared channel). The bot
 * passes it in (it needs the turn); errors carry `statusCode`. It stops paging once it holds `limit` people:
 * `complete` says whether it read the whole roster.
 */
export type RosterReader = (
  conversationId: string,
  limit: number,
) => Promise<{ members: ConversationMember[]; complete: boolean }>;

export interface ConversationPeopleDeps {
  graph: DriveClient;
  policy: LinkPolicy;
  log: Logger;
}

/**
 * Resolves "People in this chat / channel / meeting" for one invoke: where the members come from per conversation
 * kind (Graph chat members for chats and meeting chats, the bot's roster for channels), and why the choice is
 * missing when it is. Never throws for the dialog: a failure becomes a reason the dialog shows.
 */
export class ConversationPeopleService {
  constructor(private readonly deps: ConversationPeopleDeps) {}

  /** The choice for this conversation and item, resolved now (dialog render, fast path, and again at submit). */
  async choice(
    call: CallContext,
    conversation: ConversationRef,
    item: DriveItemInfo,
    roster?: RosterReader,
  ): Promise<PeopleChoice> {
    const kind = conversation.kind;
    const allowed = peopleLinkAllowed(item, this.deps.policy);
    if (!allowed.ok) return { available: false, kind, reason: allowed.reason };
    if (kind === 'botChat') return { available: false, kind, reason: 'botChat' };
    if (kind === 'unknown') return { available: false, kind, reason: 'unknownConversation' };
    const sharer = { tenantId: call.caller.tenantId, objectId: call.caller.userObjectId };
    try {
      if (kind === 'channel') {
        if (!roster) return { available: false, kind, reason: 'notInstalled' };
        // The channel's own roster: in a private or shared channel the team's members are not the channel's.
        const target = channelRosterId(conversation);
        if (!target.ok) return { available: false, kind, reason: target.reason };
        const { members, complete } = await roster(target.id, MAX_CONVERSATION_PEOPLE + 1);
        if (rosterUnclear(conversation, members)) return { available: false, kind, reason: 'channelUnclear' };
        return choiceFor(planRecipients(members, sharer, { kind, name: conversation.name }), members.length, complete);
      }
      const chat = await this.deps.graph.chatMembers(conversation.id, { token: call.token, deadline: call.deadline });
      const members: ConversationMember[] = chat.members.map((m) => ({
        displayName: m.displayName,
        objectId: m.userId,
        tenantId: m.tenantId,
        email: m.email,
        role: m.roles.includes('guest') ? 'guest' : 'user',
      }));
      const name = chat.topic ?? conversation.name;
      return choiceFor(planRecipients(members, sharer, { kind, name }), members.length);
    } catch (err) {
      const reason = unavailableReason(err);
      this.deps.log.info(
        { kind, reason, errorKind: isShareError(err) ? err.kind : undefined, status: statusOf(err) },
        'people in this conversation: not available',
      );
      return { available: false, kind, reason };
    }
  }
}

function statusOf(err: unknown): number | undefined {
  if (isShareError(err)) return err.details.status;
  const s = (err as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** Maps a member-API failure to the reason the dialog gives. */
function unavailableReason(err: unknown): PeopleUnavailableReason {
  if (err instanceof ShareError) {
    // 403 from the chat members API: the token lacks Chat.ReadBasic (consent) — the person is in the chat.
    if (err.kind === 'consentRequired' || err.kind === 'accessDenied' || err.kind === 'signInRequired')
      return 'needsConsent';
    return 'membersUnavailable';
  }
  // Bot Framework connector: 403 BotNotInConversationRoster / 404 when the app is not installed there.
  const status = statusOf(err);
  if (status === 403 || status === 404) return 'notInstalled';
  return 'membersUnavailable';
}
