import type { Request, Response } from 'express';
import type { SigningKey } from '../keys';
import { mintAppToken, mintGraphToken, toOpaqueToken } from '../tokens';
import { SANDBOX_IDENTITIES } from '../identities';
import { validateUserAssertion } from './assertion';
import { BOT_FRAMEWORK_RESOURCE, findClient, GRAPH_RESOURCES, OIDC_SCOPES, SANDBOX_APP } from './app-registration';
import type { FidelitySwitches } from '../fidelity';
import type { Directory } from './directory';
import { EntraError, interactionRequiredError, sendEntraError } from './errors';

export interface TokenEndpointDeps {
  entraKey: SigningKey;
  directory: Directory;
  sandboxUrl(): string;
  /** Lifetime of issued access tokens. */
  tokenLifetimeSeconds: number;
  /** Fidelity switches (sandbox/fidelity.ts): `opaqueGraphTokens` makes Graph tokens opaque handles. */
  fidelity?(): Pick<FidelitySwitches, 'opaqueGraphTokens'>;
}

const OBO_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const missing = (name: string) =>
  new EntraError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);

/** Reads client id and secret from the form body or an HTTP Basic header (both are allowed by Entra). */
function clientCredentials(req: Request): { clientId?: string; secret?: string; assertion?: string } {
  const basic = /^Basic\s+(.+)$/i.exec(req.header('authorization') ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { clientId: decodeURIComponent(id), secret: decodeURIComponent(rest.join(':')) };
  }
  return { clientId: req.body.client_id, secret: req.body.client_secret, assertion: req.body.client_assertion };
}

/** Authenticates the calling app; errors mirror AADSTS700016 / 7000218 / 7000215. */
function authenticateClient(req: Request, tenant: string): typeof SANDBOX_APP {
  const { clientId, secret, assertion } = clientCredentials(req);
  if (!clientId) throw missing('client_id');
  const client = findClient(clientId);
  if (!client) {
    throw new EntraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  if (assertion) {
    throw new EntraError(
      401,
      'invalid_client',
      700027,
      'Client assertion failed signature validation. (The sandbox app has no certificate credentials; use its client secret.)',
    );
  }
  if (!secret)
    throw new EntraError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  if (secret !== client.clientSecret) {
    throw new EntraError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
    );
  }
  return client;
}

interface ParsedScopes {
  /** Resource of the non-OIDC scopes (undefined when only OIDC scopes were asked). */
  resource?: string;
  /** Scope names without the resource prefix. */
  names: string[];
  /** OIDC scopes asked for (openid, profile, offline_access, email). */
  oidc: string[];
  /** Whether the names came with a resource prefix (echoed back in the same form). */
  prefixed: boolean;
}

/** Splits a scope parameter by resource; Entra treats bare names as Graph scopes and refuses mixed resources. */
function parseScopes(scope: string | undefined): ParsedScopes {
  const items = (scope ?? '').split(/\s+/).filter(Boolean);
  const out: ParsedScopes = { names: [], oidc: [], prefixed: false };
  const resources = new Set<string>();
  for (const item of items) {
    if (OIDC_SCOPES.includes(item.toLowerCase())) {
      out.oidc.push(item.toLowerCase());
      continue;
    }
    const cut = item.lastIndexOf('/');
    if (cut > 0) {
      const res = item.slice(0, cut);
      resources.add(
        GRAPH_RESOURCES.some((g) => g.toLowerCase() === res.toLowerCase()) ? SANDBOX_IDENTITIES.graphAudience : res,
      );
      out.names.push(item.slice(cut + 1));
      out.prefixed = true;
    } else {
      resources.add(SANDBOX_IDENTITIES.graphAudience);
      out.names.push(item);
    }
  }
  if (resources.size > 1) {
    throw new EntraError(
      400,
      'invalid_scope',
      28000,
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
    );
  }
  out.resource = [...resources][0];
  return out;
}

/** Whether the path's authority may issue tokens for a user of the given tenant. */
function authorityServesUser(authority: string, userTenantId: string): boolean {
  const a = authority.toLowerCase();
  if (a === 'common') return true;
  if (a === 'organizations') return userTenantId !== SANDBOX_IDENTITIES.consumerTenantId;
  if (a === 'consumers') return userTenantId === SANDBOX_IDENTITIES.consumerTenantId;
  return a === userTenantId.toLowerCase();
}

async function clientCredentialsGrant(
  req: Request,
  authority: string,
  deps: TokenEndpointDeps,
  client: typeof SANDBOX_APP,
) {
  if (['common', 'organizations', 'consumers'].includes(authority.toLowerCase())) {
    throw new EntraError(
      400,
      'invalid_request',
      50059,
      'No tenant-identifying information found in either the request or implied by any provided credentials.',
    );
  }
  const scope = String(req.body.scope ?? '');
  if (!scope) throw missing('scope');
  const m = /^(.+)\/\.default$/.exec(scope.trim());
  if (!m || /\s/.test(scope.trim())) {
    throw new EntraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = m[1].replace(/\/$/, '');
  const isGraph = GRAPH_RESOURCES.some((g) => g.toLowerCase() === resource.toLowerCase());
  if (!isGraph && resource.toLowerCase() !== BOT_FRAMEWORK_RESOURCE) {
    throw new EntraError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${authority}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const accessToken = await mintAppToken(deps.entraKey, deps.sandboxUrl(), {
    tenantId: authority,
    audience: isGraph ? SANDBOX_IDENTITIES.graphAudience : BOT_FRAMEWORK_RESOURCE,
    clientAppId: client.clientId,
    servicePrincipalId: client.servicePrincipalId,
    lifetimeSeconds: deps.tokenLifetimeSeconds,
  });
  return {
    token_type: 'Bearer',
    expires_in: deps.tokenLifetimeSeconds,
    ext_expires_in: deps.tokenLifetimeSeconds,
    access_token: accessToken,
  };
}

async function onBehalfOfGrant(req: Request, authority: string, deps: TokenEndpointDeps, client: typeof SANDBOX_APP) {
  if (!req.body.requested_token_use) throw missing('requested_token_use');
  if (req.body.requested_token_use !== 'on_behalf_of') {
    throw new EntraError(
      400,
      'invalid_request',
      70003,
      `The app requested an unsupported requested_token_use '${String(req.body.requested_token_use)}'.`,
    );
  }
  if (!req.body.assertion) throw missing('assertion');
  if (!req.body.scope) throw missing('scope');
  const assertion = await validateUserAssertion(String(req.body.assertion), {
    key: deps.entraKey,
    sandboxUrl: deps.sandboxUrl(),
    directory: deps.directory,
    clientId: client.clientId,
    applicationIdUri: client.applicationIdUri,
  });
  const { user } = assertion;
  const refusal = deps.directory.audienceRefusal(user);
  if (refusal) throw refusal;
  if (!authorityServesUser(authority, user.tenantId)) {
    throw new EntraError(
      400,
      'invalid_grant',
      50020,
      `User account '${user.userPrincipalName}' from identity provider '${String(assertion.claims.iss)}' does not exist in tenant '${deps.directory.tenant(authority)?.name ?? authority}' and cannot access the application '${client.clientId}'(${client.displayName}) in that tenant. The account needs to be added as an external user in the tenant first.`,
    );
  }
  const scopes = parseScopes(String(req.body.scope));
  if (!scopes.resource || !scopes.names.length) {
    throw new EntraError(
      400,
      'invalid_scope',
      70011,
      `The provided request must include a 'scope' input parameter naming a resource. The provided value for the input parameter 'scope' is not valid (${String(req.body.scope)}).`,
    );
  }
  if (scopes.resource !== SANDBOX_IDENTITIES.graphAudience) {
    throw new EntraError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${scopes.resource} was not found in the tenant named ${user.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  const granted: string[] = [...client.grantedGraphScopes];
  const wanted = scopes.names.some((n) => n === '.default')
    ? granted
    : scopes.names.map((n) => granted.find((g) => g.toLowerCase() === n.toLowerCase()) ?? n);
  const notGranted = wanted.filter((n) => !granted.includes(n));
  if (!deps.directory.hasConsented(user.id, wanted) || notGranted.length) {
    throw new EntraError(
      400,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.displayName}'. Send an interactive authorization request for this user and resource.`,
      'consent_required',
    );
  }
  const challenge = deps.directory.interactionRequired(user.id);
  if (challenge) throw interactionRequiredError(challenge, SANDBOX_IDENTITIES.graphAudience);
  const signed = await mintGraphToken(
    deps.entraKey,
    deps.sandboxUrl(),
    user,
    wanted,
    client.clientId,
    deps.tokenLifetimeSeconds,
  );
  const accessToken = deps.fidelity?.().opaqueGraphTokens ? toOpaqueToken(signed) : signed;
  const prefix = scopes.prefixed ? `${SANDBOX_IDENTITIES.graphAudience}/` : '';
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: [...wanted.map((n) => prefix + n), ...scopes.oidc].join(' '),
    expires_in: deps.tokenLifetimeSeconds,
    ext_expires_in: deps.tokenLifetimeSeconds,
    access_token: accessToken,
  };
  if (req.body.client_info === '1') {
    body.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString('base64url');
  }
  return body;
}

/** POST /{tenant}/oauth2/v2.0/token: the client-credentials and on-behalf-of grants. */
export function tokenEndpoint(deps: TokenEndpointDeps) {
  return async (req: Request<{ tenant: string }>, res: Response): Promise<void> => {
    const authority = req.params.tenant;
    const correlationId = req.header('client-request-id');
    try {
      if (!deps.directory.isAuthority(authority)) {
        throw new EntraError(
          400,
          'invalid_request',
          90002,
          `Tenant '${authority}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        );
      }
      if (!req.is('application/x-www-form-urlencoded') || typeof req.body !== 'object' || req.body === null) {
        throw missing('grant_type');
      }
      const grantType = String(req.body.grant_type ?? '');
      if (!grantType) throw missing('grant_type');
      const client = authenticateClient(req, authority);
      let body: Record<string, unknown>;
      if (grantType === 'client_credentials') body = await clientCredentialsGrant(req, authority, deps, client);
      else if (grantType === OBO_GRANT) body = await onBehalfOfGrant(req, authority, deps, client);
      else
        throw new EntraError(
          400,
          'unsupported_grant_type',
          70003,
          `The app requested an unsupported grant type '${grantType}'.`,
        );
      res.status(200).set({ 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' });
      if (correlationId) res.set('client-request-id', correlationId);
      res.json(body);
    } catch (err) {
      if (err instanceof EntraError) {
        sendEntraError(res, err, correlationId);
        return;
      }
      sendEntraError(
        res,
        new EntraError(500, 'server_error', 50000, `There was an error issuing a token: ${(err as Error).message}`),
        correlationId,
      );
    }
  };
}
