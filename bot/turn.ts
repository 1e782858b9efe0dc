import type { TurnContext } from 'botbuilder';
import type { Activity } from 'botframework-schema';
import type { ConnectorClient } from 'botframework-connector';
import { conversationRefOf, type ConversationRef } from '../src/domain/conversation';
import { normalizeTimeZone } from './invokes';

/** Facts about the person and conversation behind an invoke, read from the Bot Framework-authenticated activity. */
export interface TurnFacts {
  tenantId: string;
  aadObjectId?: string;
  teamsUserId: string;
  /** The person's display name as Teams sends it: for showing only, never for decisions. */
  userName?: string;
  channelId: string;
  conversationId: string;
  /** Chat, meeting or channel, for "People in this chat" (from `conversation` and `channelData`). */
  conversation: ConversationRef;
  locale: string;
  timeZone?: string;
  /** When the invoke arrived (ms); deadlines count from here. */
  receivedAt: number;
}

interface ClientInfoEntity {
  type?: string;
  timezone?: string;
  locale?: string;
}

/** Reads tenant, user, locale and time zone from an activity (channelData first, as Teams fills it). */
export function turnFacts(activity: Activity, now: number): TurnFacts {
  const channelData = (activity.channelData ?? {}) as {
    tenant?: { id?: string };
    channel?: { id?: string; name?: string; type?: string };
    team?: { id?: string; name?: string };
    meeting?: { id?: string };
  };
  const clientInfo = (activity.entities ?? []).find((e) => e.type === 'clientInfo') as ClientInfoEntity | undefined;
  return {
    tenantId: channelData.tenant?.id ?? activity.conversation?.tenantId ?? '',
    aadObjectId: activity.from?.aadObjectId,
    teamsUserId: activity.from?.id ?? '',
    userName: activity.from?.name || undefined,
    channelId: activity.channelId ?? 'msteams',
    conversationId: activity.conversation?.id ?? '',
    conversation: conversationRefOf({
      conversationId: activity.conversation?.id ?? '',
      conversationType: activity.conversation?.conversationType,
      conversationName: channelData.channel?.name ?? activity.conversation?.name ?? undefined,
      channelId: channelData.channel?.id,
      channelType: typeof channelData.channel?.type === 'string' ? channelData.channel.type : undefined,
      teamId: channelData.team?.id,
      teamName: channelData.team?.name,
      meetingId: channelData.meeting?.id,
    }),
    locale: activity.locale ?? clientInfo?.locale ?? 'en-US',
    timeZone: normalizeTimeZone(clientInfo?.timezone ?? activity.localTimezone ?? undefined),
    receivedAt: now,
  };
}

/** The per-turn Bot Connector client CloudAdapter puts in turn state (the activity's serviceUrl, the bot's token). */
export function connectorClientOf(context: TurnContext): ConnectorClient | undefined {
  const adapter = context.adapter as { ConnectorClientKey?: symbol };
  return adapter.ConnectorClientKey ? context.turnState.get<ConnectorClient>(adapter.ConnectorClientKey) : undefined;
}

/** The per-turn Bot Framework Token Service client CloudAdapter puts in turn state. */
export function userTokenClientOf(context: TurnContext): unknown {
  const adapter = context.adapter as { UserTokenClientKey?: symbol };
  return adapter.UserTokenClientKey ? context.turnState.get(adapter.UserTokenClientKey) : undefined;
}
