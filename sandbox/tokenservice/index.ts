import { randomUUID } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { SigningKey } from '../keys';
import { mintGraphToken, toOpaqueToken } from '../tokens';
import { verifyBotAppToken } from '../botframework/bot-token';
import { SANDBOX_IDENTITIES } from '../identities';
import type { SandboxUser } from '../tenant-data';
import { validateUserAssertion } from '../entra/assertion';
import { SANDBOX_APP } from '../entra/app-registration';
import type { FidelitySwitches } from '../fidelity';
import type { Directory } from '../entra/directory';
import { EntraError, interactionRequiredError } from '../entra/errors';
import { renderAccountPicker, renderMagicCode, renderSignInError } from './signin-page';
import { TokenStore, type OAuthConnection, type StoredSignIn } from './store';

export interface TokenServiceDeps {
  entraKey: SigningKey;
  directory: Directory;
  store: TokenStore;
  connections: OAuthConnection[];
  sandboxUrl(): string;
  tokenLifetimeSeconds: number;
  /** Fidelity switches (sandbox/fidelity.ts): `opaqueGraphTokens` makes Graph tokens opaque handles. */
  fidelity?(): Pick<FidelitySwitches, 'opaqueGraphTokens'>;
}

/** Service provider id of "Azure Active Directory v2" connections (what GetSignInResource reports). */
const AAD_V2_PROVIDER_ID = '30dd229c-58e3-4a48-bdfd-91ec48eb906c';

/** The Token Service's error body (botframework-connector's ErrorResponse). */
function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** A TokenResponse as botbuilder's TokenApiClient maps it. */
function tokenResponse(connectionName: string, channelId: string, signIn: StoredSignIn) {
  return {
    channelId,
    connectionName,
    token: signIn.token,
    expiration: new Date(signIn.expiresAt ?? 0).toISOString(),
  };
}

/** The default connection of the sandbox's Azure Bot: Graph with the app's permissions, exchangeable SSO. */
export function defaultConnections(): OAuthConnection[] {
  return [
    {
      name: SANDBOX_IDENTITIES.app.oauthConnectionName,
      scopes: ['Files.ReadWrite.All', 'Sites.ReadWrite.All', 'User.Read', 'Chat.ReadBasic'],
      tokenExchangeUrl: SANDBOX_APP.applicationIdUri,
      serviceProviderDisplayName: 'Azure Active Directory v2',
    },
  ];
}

/** Token Service operations shared by the HTTP surface and the sandbox's programmatic helpers. */
export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  connection(name: string): OAuthConnection | undefined {
    return this.deps.connections.find((c) => c.name.toLowerCase() === name.toLowerCase());
  }

  /** Stores a sign-in for a Teams user id (as if the person had completed the sign-in page). */
  signIn(userId: string, user: SandboxUser, connectionName: string, channelId: string): void {
    const connection = this.connection(connectionName);
    if (!connection) throw new Error(`No OAuth connection "${connectionName}" on the sandbox bot.`);
    // A sign-in made before the app asked for more carries only what was consented then; never fewer scopes just
    // because the person had not consented before it (the sign-in's own consent prompt grants them).
    const scopes = this.deps.directory.scopesOfEarlierSignIn(user.id, connection.scopes);
    this.deps.store.put(userId, connection.name, channelId, { user, scopes });
  }

  /**
   * The stored token, minted again when missing or close to expiry, as the real service refreshes it with the
   * refresh token it holds.
   */
  async currentToken(signIn: StoredSignIn): Promise<StoredSignIn> {
    if (!signIn.token || !signIn.expiresAt || signIn.expiresAt - Date.now() < 5 * 60_000) {
      const lifetime = this.deps.tokenLifetimeSeconds;
      const signed = await mintGraphToken(
        this.deps.entraKey,
        this.deps.sandboxUrl(),
        signIn.user,
        signIn.scopes,
        SANDBOX_APP.clientId,
        lifetime,
      );
      signIn.token = this.deps.fidelity?.().opaqueGraphTokens ? toOpaqueToken(signed) : signed;
      signIn.expiresAt = Date.now() + lifetime * 1000;
    }
    return signIn;
  }
}

/** Checks the bot's app token: issued by the sandbox's Entra for the Bot Framework, to the sandbox app. */
function requireBotToken(deps: TokenServiceDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!/^Bearer\s+\S/i.test(req.header('authorization') ?? ''))
      return sendError(res, 401, 'Unauthorized', 'Authorization header with a Bearer token is required.');
    try {
      res.locals.botAppId = await verifyBotAppToken(deps, req.header('authorization'));
      next();
    } catch {
      sendError(res, 401, 'Unauthorized', 'The bot token is not valid for the Bot Framework Token Service.');
    }
  };
}

interface TokenExchangeState {
  connectionName?: string;
  conversation?: { channelId?: string; user?: { id?: string }; serviceUrl?: string };
  msAppId?: string;
}

function decodeState(state: string): TokenExchangeState | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(state, 'base64').toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as TokenExchangeState) : undefined;
  } catch {
    return undefined;
  }
}

/** Passes a rejected async handler to express's error handling (express 4 does not). */
function wrap(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}

/** An http(s) URL to send the person back to after sign-in, or undefined. */
function redirectTarget(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The Bot Framework Token Service under `/tokenservice`: the REST surface botbuilder's UserTokenClientImpl calls
 * (GetToken, GetSignInResource, exchange, SignOut, GetTokenStatus) and the local sign-in page.
 */
export function createTokenServiceRouter(deps: TokenServiceDeps, service: TokenService): Router {
  const router = Router();
  const api = Router();
  api.use(requireBotToken(deps));
  api.use(express.json({ limit: '64kb' }));

  const connectionOr400 = (req: Request, res: Response, required = true): OAuthConnection | null | undefined => {
    const name = query(req, 'connectionName');
    if (!name) {
      if (required) sendError(res, 400, 'BadArgument', 'connectionName is required.');
      return required ? null : undefined;
    }
    const c = service.connection(name);
    if (!c) sendError(res, 400, 'BadArgument', `The bot has no OAuth connection named '${name}'.`);
    return c ?? null;
  };

  api.get(
    '/api/usertoken/GetToken',
    wrap(async (req, res) => {
      const userId = query(req, 'userId');
      if (!userId) return sendError(res, 400, 'BadArgument', 'userId is required.');
      const connection = connectionOr400(req, res);
      if (!connection) return;
      const channelId = query(req, 'channelId') ?? '';
      const code = query(req, 'code');
      if (code) {
        const redeemed = deps.store.redeem(code, userId, connection.name, channelId);
        if (redeemed?.completed) {
          deps.store.put(userId, connection.name, channelId, {
            user: redeemed.completed.user,
            scopes: connection.scopes,
          });
        }
      }
      const signIn = deps.store.get(userId, connection.name, channelId);
      if (!signIn) {
        res.status(404).end();
        return;
      }
      res.json(tokenResponse(connection.name, channelId, await service.currentToken(signIn)));
    }),
  );

  api.post(
    '/api/usertoken/exchange',
    wrap(async (req, res) => {
      const userId = query(req, 'userId');
      const channelId = query(req, 'channelId');
      if (!userId || !channelId) return sendError(res, 400, 'BadArgument', 'userId and channelId are required.');
      const connection = connectionOr400(req, res);
      if (!connection) return;
      const token = typeof req.body?.token === 'string' ? req.body.token : undefined;
      if (!token) {
        return sendError(
          res,
          400,
          'BadArgument',
          'Only token exchange (a "token" in the body) is supported for Azure Active Directory v2 connections.',
        );
      }
      try {
        const { user } = await validateUserAssertion(token, {
          key: deps.entraKey,
          sandboxUrl: deps.sandboxUrl(),
          directory: deps.directory,
          clientId: SANDBOX_APP.clientId,
          applicationIdUri: connection.tokenExchangeUrl,
        });
        if (!deps.directory.hasConsented(user.id, connection.scopes)) {
          throw new EntraError(
            400,
            'invalid_grant',
            65001,
            `The user or administrator has not consented to use the application with ID '${SANDBOX_APP.clientId}' named '${SANDBOX_APP.displayName}'. Send an interactive authorization request for this user and resource.`,
            'consent_required',
          );
        }
        // The Token Service redeems the SSO token on-behalf-of: the registration's audience and Conditional Access
        // apply as they do to OBO.
        const refusal = deps.directory.audienceRefusal(user);
        if (refusal) throw refusal;
        const challenge = deps.directory.interactionRequired(user.id);
        if (challenge) throw interactionRequiredError(challenge, SANDBOX_IDENTITIES.graphAudience);
        const signIn = { user, scopes: connection.scopes };
        deps.store.put(userId, connection.name, channelId, signIn);
        res.json(tokenResponse(connection.name, channelId, await service.currentToken(signIn)));
      } catch (err) {
        if (!(err instanceof EntraError)) throw err;
        sendError(res, 400, 'ServiceError', `Token exchange failed: ${err.message} Trace ID: ${randomUUID()}`);
      }
    }),
  );

  api.delete('/api/usertoken/SignOut', (req, res) => {
    const userId = query(req, 'userId');
    if (!userId) return sendError(res, 400, 'BadArgument', 'userId is required.');
    const connection = connectionOr400(req, res, false);
    if (connection === null) return;
    deps.store.remove(userId, connection?.name, query(req, 'channelId'));
    res.status(200).json({});
  });

  api.get('/api/usertoken/GetTokenStatus', (req, res) => {
    const userId = query(req, 'userId');
    if (!userId) return sendError(res, 400, 'BadArgument', 'userId is required.');
    const channelId = query(req, 'channelId') ?? '';
    const include = (query(req, 'include') ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    res.json(
      deps.connections
        .filter((c) => !include.length || include.includes(c.name.toLowerCase()))
        .map((c) => ({
          channelId,
          connectionName: c.name,
          hasToken: !!deps.store.get(userId, c.name, channelId),
          serviceProviderDisplayName: c.serviceProviderDisplayName,
        })),
    );
  });

  api.get('/api/botsignin/GetSignInResource', (req, res) => {
    const rawState = query(req, 'state');
    const state = rawState ? decodeState(rawState) : undefined;
    if (!state?.connectionName)
      return sendError(res, 400, 'BadArgument', 'state is missing or is not a token exchange state.');
    if (state.msAppId && state.msAppId !== res.locals.botAppId) {
      return sendError(res, 400, 'BadArgument', 'The state was created for another bot.');
    }
    const connection = service.connection(state.connectionName);
    if (!connection)
      return sendError(res, 400, 'BadArgument', `The bot has no OAuth connection named '${state.connectionName}'.`);
    const pending = deps.store.startSignIn({
      connectionName: connection.name,
      channelId: state.conversation?.channelId,
      userId: state.conversation?.user?.id,
      finalRedirect: redirectTarget(query(req, 'finalRedirect')),
    });
    const base = `${deps.sandboxUrl()}/tokenservice`;
    res.json({
      signInLink: `${base}/api/oauth/signin?signin=${encodeURIComponent(pending.id)}`,
      tokenExchangeResource: { id: randomUUID(), uri: connection.tokenExchangeUrl, providerId: AAD_V2_PROVIDER_ID },
      tokenPostResource: { sasUrl: `${base}/api/tokenpost/${encodeURIComponent(pending.id)}` },
    });
  });

  api.use((req, res) =>
    sendError(res, 404, 'NotFound', `The sandbox Token Service has no operation ${req.method} ${req.path}.`),
  );

  // The sign-in page is for a person in a browser: no bot token.
  const page = Router();
  page.use(express.urlencoded({ extended: false, limit: '8kb' }));
  page.get('/api/oauth/signin', (req, res) => {
    const pending = deps.store.pendingSignIn(query(req, 'signin') ?? '');
    if (!pending)
      return void res
        .status(400)
        .type('html')
        .send(renderSignInError('This sign-in link is unknown or has expired. Start again from Teams.'));
    const connection = service.connection(pending.connectionName);
    res.type('html').send(
      renderAccountPicker({
        signInId: pending.id,
        appName: SANDBOX_APP.displayName,
        scopes: connection?.scopes ?? [],
        users: deps.directory.users,
        tenants: deps.directory.data.tenants,
        expectedUserId: pending.userId,
        hasConsented: (id) => deps.directory.hasConsented(id),
      }),
    );
  });
  page.post('/api/oauth/signin', (req, res) => {
    const pending = deps.store.pendingSignIn(String(req.body?.signin ?? query(req, 'signin') ?? ''));
    if (!pending)
      return void res
        .status(400)
        .type('html')
        .send(renderSignInError('This sign-in link is unknown or has expired. Start again from Teams.'));
    const user = deps.directory.findUser(String(req.body?.user ?? ''));
    if (!user) return void res.status(400).type('html').send(renderSignInError('Pick one of the listed accounts.'));
    // Entra's sign-in refuses accounts the app registration's signInAudience does not admit.
    const refusal = deps.directory.audienceRefusal(user);
    if (refusal) return void res.status(400).type('html').send(renderSignInError(refusal.message));
    // Signing in on the consent screen grants the app's permissions, as Entra's consent prompt would, and an
    // interactive sign-in satisfies a Conditional Access (MFA) requirement.
    deps.directory.setConsent(user.id, true);
    deps.directory.setInteractionRequired(user.id, undefined);
    const code = deps.store.complete(pending.id, user);
    if (pending.finalRedirect) {
      const target = new URL(pending.finalRedirect);
      target.searchParams.set('code', code);
      res.redirect(302, target.toString());
      return;
    }
    res.type('html').send(renderMagicCode(code, user));
  });

  router.use('/tokenservice', page);
  router.use('/tokenservice', api);
  return router;
}
