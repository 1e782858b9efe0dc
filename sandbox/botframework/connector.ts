import { Router, type Request, type Response } from 'express';
import type { SandboxUser, SeedChannel, SeedTeam, TenantData } from '../tenant-data';
import type { FidelitySwitches } from '../fidelity';
import { generatedMember } from '../graph/chats';
import { verifyBotAppToken, type BotTokenDeps } from './bot-token';

/**
 * The Bot Connector service the app reaches through an activity's `serviceUrl` (as smba.trafficmanager.net/{region}/
 * in Teams), under `/smba/{region}/`: `GET v3/conversations/{id}/pagedmembers` with the bot's app token, serving the
 * seeded teams (`teams` in sandbox/data/tenant.json) as `TeamsChannelAccount`s. Sources in sandbox/FIDELITY.md
 * ("Bot Framework connector").
 */
export interface ConnectorDeps extends BotTokenDeps {
  data: TenantData;
  fidelity(): Pick<FidelitySwitches, 'rosterObjectIdField'>;
  /**
   * Most members the connector serves per page whatever the bot asks (the docs leave page sizes to the
   * implementation); undefined: the documented rules alone (default 200, at least 50, at most 500).
   */
  servedPageSize(): number | undefined;
}

/** The path prefix of the sandbox's connector; a serviceUrl is `${sandboxUrl}/smba/{region}/`. */
export const CONNECTOR_PREFIX = '/smba';

/** Page sizes the Teams roster documents: default 200, smaller treated as 50, larger capped at 500. */
export const ROSTER_PAGE = { default: 200, min: 50, max: 500 } as const;

/** One member as the connector returns it (botframework-schema `TeamsChannelAccount`). */
export interface TeamsChannelAccountJson {
  id: string;
  name: string;
  aadObjectId?: string;
  objectId?: string;
  givenName?: string;
  surname?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId: string;
  userRole: 'user' | 'guest' | 'anonymous';
}

function sendConnectorError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function splitName(displayName: string): { givenName: string; surname?: string } {
  const [givenName, ...rest] = displayName.trim().split(/\s+/);
  return { givenName: givenName ?? displayName, ...(rest.length ? { surname: rest.join(' ') } : {}) };
}

/**
 * The roster of a team or one of its channels, in order: seeded members, then generated colleagues (the team's).
 * A private or shared channel has its own members, not the team's (sandbox/FIDELITY.md).
 */
export function rosterOf(
  data: TenantData,
  team: SeedTeam,
  channel?: SeedChannel,
): Array<Omit<TeamsChannelAccountJson, 'objectId'>> {
  const users = new Map<string, SandboxUser>(data.users.map((u) => [u.id.toLowerCase(), u]));
  const domain = data.tenants.find((t) => t.id === team.tenantId)?.domain ?? 'example.test';
  const out: Array<Omit<TeamsChannelAccountJson, 'objectId'>> = [];
  const own = channel?.members;
  for (const m of own ?? team.members) {
    if ('displayName' in m) {
      const anonymous = (m.roles ?? []).includes('anonymous');
      out.push({
        id: `29:1${m.userId.replace(/-/g, '')}`,
        name: m.displayName,
        ...(anonymous ? {} : { aadObjectId: m.userId, ...splitName(m.displayName) }),
        ...(m.email && !anonymous ? { email: m.email, userPrincipalName: m.email } : {}),
        tenantId: m.tenantId,
        userRole: anonymous ? 'anonymous' : (m.roles ?? []).includes('guest') ? 'guest' : 'user',
      });
      continue;
    }
    const u = users.get(m.userId.toLowerCase());
    if (!u) throw new Error(`sandbox seed: member ${m.userId} of team ${team.id} is not a seeded user`);
    out.push({
      id: u.teamsId,
      name: u.displayName,
      aadObjectId: u.id,
      ...splitName(u.displayName),
      email: u.mail,
      userPrincipalName: u.userPrincipalName,
      tenantId: u.tenantId,
      userRole: u.userType === 'Guest' || (m.roles ?? []).includes('guest') ? 'guest' : 'user',
    });
  }
  for (let i = 1; i <= (own ? 0 : (team.generatedMembers ?? 0)); i++) {
    const g = generatedMember(i);
    const mail = `${g.displayName.replace(/\s+/g, '.').toLowerCase()}@${domain}`;
    out.push({
      id: `29:1${g.userId.replace(/-/g, '')}`,
      name: g.displayName,
      aadObjectId: g.userId,
      ...splitName(g.displayName),
      email: mail,
      userPrincipalName: mail,
      tenantId: team.tenantId,
      userRole: 'user',
    });
  }
  return out;
}

/** The seeded team a conversation id names: the team's own thread id or one of its channels'. */
export function teamOf(data: TenantData, conversationId: string): SeedTeam | undefined {
  return conversationOf(data, conversationId)?.team;
}

/**
 * The seeded team and channel a conversation id names (a `;messageid=` suffix ignored). The team's own thread id
 * is its General channel: no `channel`, the team's roster.
 */
export function conversationOf(
  data: TenantData,
  conversationId: string,
): { team: SeedTeam; channel?: SeedChannel } | undefined {
  const id = conversationId.split(';')[0].toLowerCase();
  for (const team of data.teams ?? []) {
    if (team.id.toLowerCase() === id) return { team };
    const channel = team.channels.find((c) => c.id.toLowerCase() === id);
    if (channel) return { team, channel };
  }
  return undefined;
}

interface PageCursor {
  /** The conversation (team or channel thread id) the cursor pages through. */
  team: string;
  offset: number;
}

function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(token: string): PageCursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageCursor>;
    return typeof c.team === 'string' && Number.isInteger(c.offset) && (c.offset as number) >= 0
      ? (c as PageCursor)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The page size the connector serves for the bot's `pageSize` query value. */
export function effectivePageSize(asked: string | undefined, served?: number): number {
  const n = asked === undefined || asked === '' ? NaN : Number(asked);
  const documented = Number.isInteger(n)
    ? Math.min(Math.max(n, ROSTER_PAGE.min), ROSTER_PAGE.max)
    : ROSTER_PAGE.default;
  return served && served > 0 ? Math.min(documented, served) : documented;
}

/** Builds the connector router; mount it at the server root. */
export function createConnectorRouter(deps: ConnectorDeps): Router {
  const router = Router();
  const route = /^\/smba\/[^/]+\/v3\/conversations\/([^/]+)\/pagedmembers\/?$/i;
  router.use((req: Request, res: Response, next) => {
    const m = route.exec(req.path);
    if (!m) return next();
    handle(req, res, decodeURIComponent(m[1])).catch(next);
  });

  async function handle(req: Request, res: Response, conversationId: string): Promise<void> {
    if (req.method !== 'GET') return sendConnectorError(res, 405, 'BadArgument', 'Method not allowed.');
    try {
      await verifyBotAppToken(deps, req.header('authorization'));
    } catch {
      // The connector's answer to a missing or invalid bot token (ASP.NET's authorization filter).
      res.status(401).json({ message: 'Authorization has been denied for this request.' });
      return;
    }
    const found = conversationOf(deps.data, conversationId);
    if (!found) return sendConnectorError(res, 404, 'ConversationNotFound', 'Conversation not found.');
    const { team, channel } = found;
    // Apps must be added to each private or shared channel, not only to the team (sandbox/FIDELITY.md).
    if (team.botInstalled === false || channel?.botInstalled === false)
      return sendConnectorError(
        res,
        403,
        'BotNotInConversationRoster',
        'The bot is not part of the conversation roster.',
      );
    const query = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const size = effectivePageSize(query('pageSize'), deps.servedPageSize());
    const token = query('continuationToken');
    const rosterKey = channel?.members ? channel.id : team.id;
    let offset = 0;
    if (token) {
      const cursor = decodeCursor(token);
      if (!cursor || cursor.team.toLowerCase() !== rosterKey.toLowerCase())
        return sendConnectorError(res, 400, 'BadArgument', 'Invalid continuation token.');
      offset = cursor.offset;
    }
    const all = rosterOf(deps.data, team, channel);
    const asObjectId = deps.fidelity().rosterObjectIdField;
    const members = all
      .slice(offset, offset + size)
      .map(({ aadObjectId, ...rest }) =>
        aadObjectId === undefined ? rest : asObjectId ? { ...rest, objectId: aadObjectId } : { ...rest, aadObjectId },
      );
    const next = offset + size < all.length ? encodeCursor({ team: rosterKey, offset: offset + size }) : undefined;
    res.status(200).json({ ...(next ? { continuationToken: next } : {}), members });
  }

  return router;
}
