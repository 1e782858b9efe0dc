import { Router, type NextFunction, type Request, type Response } from 'express';
import type { SigningKey } from '../keys';
import type { SandboxUser, SeedMember, TenantData } from '../tenant-data';
import { authenticate } from './auth';
import { GraphError, itemNotFound, requestIdMiddleware, sendGraphError } from './errors';

/**
 * Teams chats in the sandbox Graph: `GET /chats/{id}`, `GET /chats/{id}/members` and `GET /me/chats/{id}/members`
 * (v1.0 and beta), with the delegated scopes the docs list (Chat.ReadBasic least privileged). Only members of a
 * chat can read it. Member objects are `aadUserConversationMember`s; `email` is what the seed says (often null
 * in real answers, as the docs' example shows) — sources in sandbox/FIDELITY.md.
 */
export interface ChatsRouterDeps {
  data: TenantData;
  entraKey: SigningKey;
  baseUrl(): string;
}

/** One member as Graph returns it. */
export interface ConversationMemberJson {
  '@odata.type': '#microsoft.graph.aadUserConversationMember';
  id: string;
  roles: string[];
  displayName: string;
  visibleHistoryStartDateTime: string;
  userId: string;
  email: string | null;
  tenantId: string;
}

/** The members of a seeded chat or team, generated ones included, as Graph shapes them. */
export function membersOf(
  data: TenantData,
  seed: { tenantId: string; members: SeedMember[]; generatedMembers?: number },
  conversationId: string,
): ConversationMemberJson[] {
  const users = new Map<string, SandboxUser>(data.users.map((u) => [u.id.toLowerCase(), u]));
  const out: ConversationMemberJson[] = [];
  const add = (userId: string, displayName: string, tenantId: string, email: string | null, roles: string[]) =>
    out.push({
      '@odata.type': '#microsoft.graph.aadUserConversationMember',
      // Membership ids are opaque (docs); this one is stable per conversation and user.
      id: Buffer.from(`${conversationId}#${userId}`).toString('base64url'),
      roles,
      displayName,
      visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
      userId,
      email,
      tenantId,
    });
  for (const m of seed.members) {
    if ('displayName' in m) {
      add(m.userId, m.displayName, m.tenantId, m.email, m.roles ?? ['owner']);
      continue;
    }
    const u = users.get(m.userId.toLowerCase());
    if (!u) throw new Error(`sandbox seed: member ${m.userId} of ${conversationId} is not a seeded user`);
    add(u.id, u.displayName, u.tenantId, u.mail, m.roles ?? ['owner']);
  }
  for (let i = 1; i <= (seed.generatedMembers ?? 0); i++) {
    const g = generatedMember(i);
    add(g.userId, g.displayName, seed.tenantId, null, ['owner']);
  }
  return out;
}

/** The i-th generated member of a large seeded chat or team ("Colleague 001" …): the same person in both. */
export function generatedMember(i: number): { userId: string; displayName: string } {
  const n = String(i).padStart(3, '0');
  return { userId: `0a1d0000-0000-4000-9000-000000000${n}`, displayName: `Colleague ${n}` };
}

/** Builds the chats router; mount it at the server root (it ignores paths that are not chat paths). */
export function createChatsRouter(deps: ChatsRouterDeps): Router {
  const router = Router();
  const route = /^\/(v1\.0|beta)\/(?:me\/)?chats\/([^/]+)(\/members)?\/?$/i;
  router.use((req: Request, res: Response, next: NextFunction) => {
    const m = route.exec(req.path);
    if (!m) return next();
    requestIdMiddleware(req, res, () => {
      handle(req, res, m[1].toLowerCase(), decodeURIComponent(m[2]), Boolean(m[3])).catch((err: unknown) =>
        sendGraphError(res, err),
      );
    });
  });

  async function handle(req: Request, res: Response, version: string, chatId: string, members: boolean) {
    if (req.method !== 'GET')
      throw new GraphError(405, 'BadRequest', 'Specified HTTP method is not allowed for the request target.');
    const caller = await authenticate(deps.entraKey, deps.baseUrl(), req.headers.authorization, 'chatMembers');
    const chat = (deps.data.chats ?? []).find((c) => c.id.toLowerCase() === chatId.toLowerCase());
    if (!chat) throw itemNotFound(`Chat ${chatId} was not found.`);
    const all = membersOf(deps.data, chat, chat.id);
    // Someone outside the chat gets 403, as for any chat they cannot see.
    if (!all.some((m) => m.userId.toLowerCase() === caller.userId.toLowerCase()))
      throw new GraphError(403, 'Forbidden', 'The caller is not a member of this chat.');
    const ctx = `${deps.baseUrl()}/${version}/$metadata`;
    if (members) {
      res.status(200).json({
        '@odata.context': `${ctx}#chats('${encodeURIComponent(chat.id)}')/members`,
        '@odata.count': all.length,
        value: all,
      });
      return;
    }
    res.status(200).json({
      '@odata.context': `${ctx}#chats/$entity`,
      id: chat.id,
      topic: chat.topic,
      createdDateTime: '2025-01-06T09:00:00Z',
      lastUpdatedDateTime: '2025-01-06T09:00:00Z',
      chatType: chat.chatType,
      webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(chat.id)}/0?tenantId=${chat.tenantId}`,
      tenantId: chat.tenantId,
      isHiddenForAllMembers: false,
    });
  }

  return router;
}
