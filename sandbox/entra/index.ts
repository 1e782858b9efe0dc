import express, { Router, type Request } from 'express';
import type { SigningKey } from '../keys';
import type { FidelitySwitches } from '../fidelity';
import type { Directory } from './directory';
import { EntraError, sendEntraError } from './errors';
import { jwks, openIdConfiguration } from './metadata';
import { tokenEndpoint } from './token-endpoint';

export interface EntraDeps {
  entraKey: SigningKey;
  directory: Directory;
  sandboxUrl(): string;
  tokenLifetimeSeconds: number;
  /** Fidelity switches (sandbox/fidelity.ts): `opaqueGraphTokens` makes Graph tokens opaque handles. */
  fidelity?(): Pick<FidelitySwitches, 'opaqueGraphTokens'>;
}

/**
 * Entra ID under `/{tenant}/…` for every seeded tenant id, `common`, `organizations`, `consumers` and
 * `botframework.com`: OpenID metadata, JWKS and the token endpoint.
 */
export function createEntraRouter(deps: EntraDeps): Router {
  const router = Router();
  const knownTenant = (tenant: string, res: express.Response): boolean => {
    if (deps.directory.isAuthority(tenant)) return true;
    sendEntraError(
      res,
      new EntraError(
        400,
        'invalid_tenant',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      ),
    );
    return false;
  };
  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
    if (!knownTenant(req.params.tenant, res)) return;
    res.set('Cache-Control', 'max-age=86400, private').json(openIdConfiguration(deps.sandboxUrl(), req.params.tenant));
  });
  router.get(['/:tenant/discovery/v2.0/keys', '/:tenant/discovery/keys'], (req: Request<{ tenant: string }>, res) => {
    if (!knownTenant(req.params.tenant, res)) return;
    res.set('Cache-Control', 'max-age=86400, private').json(jwks([deps.entraKey]));
  });
  router.post(
    '/:tenant/oauth2/v2.0/token',
    express.urlencoded({ extended: false, limit: '64kb' }),
    tokenEndpoint(deps),
  );
  return router;
}
