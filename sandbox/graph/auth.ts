import type { SigningKey } from '../keys';
import { verifyGraphToken, type GraphCaller } from '../tokens';
import { GraphError, accessDenied, invalidToken } from './errors';

/** Delegated scopes that allow changing files and sharing them (seed "Permissions" table). */
export const WRITE_SCOPES = ['Files.ReadWrite', 'Files.ReadWrite.All', 'Sites.ReadWrite.All'];
/** Delegated scopes that allow reading files; every write scope also reads. */
export const READ_SCOPES = ['Files.Read', 'Files.Read.All', 'Sites.Read.All', ...WRITE_SCOPES];

/**
 * Delegated scopes that allow `GET /chats/{id}` and `/chats/{id}/members`, least privileged first
 * (learn.microsoft.com/graph/api/chat-list-members: Chat.ReadBasic, then ChatMember.Read(Write), Chat.Read(Write)).
 */
export const CHAT_MEMBER_SCOPES = [
  'Chat.ReadBasic',
  'ChatMember.Read',
  'ChatMember.ReadWrite',
  'Chat.Read',
  'Chat.ReadWrite',
];

export type AccessNeed = 'read' | 'write' | 'chatMembers';

/** Verifies the bearer token and the scope the operation needs; 401/403 in Graph's terms otherwise. */
export async function authenticate(
  key: SigningKey,
  baseUrl: string,
  authorization: string | undefined,
  need: AccessNeed,
): Promise<GraphCaller> {
  if (!authorization || !/^Bearer\s+\S/i.test(authorization)) throw invalidToken('Access token is empty.');
  let caller: GraphCaller;
  try {
    caller = await verifyGraphToken(key, baseUrl, authorization);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') throw invalidToken('Lifetime validation failed, the token is expired.');
    throw invalidToken('Access token validation failure. Invalid audience, issuer or signature.');
  }
  if (!caller.userId || !caller.tenantId)
    throw invalidToken('Access token validation failure. The token carries no user.');
  const allowed = need === 'write' ? WRITE_SCOPES : need === 'chatMembers' ? CHAT_MEMBER_SCOPES : READ_SCOPES;
  if (!caller.scopes.some((s) => allowed.includes(s))) {
    // Teams APIs answer a missing scope with 403 Forbidden naming the scopes they accept.
    if (need === 'chatMembers') {
      throw new GraphError(
        403,
        'Forbidden',
        `Missing scope permissions on the request. API requires one of '${allowed.join(', ')}'. Scopes on the request '${caller.scopes.join(', ')}'`,
      );
    }
    throw accessDenied(`Either scp or roles claim need to be present in the token with one of: ${allowed.join(', ')}.`);
  }
  return caller;
}
