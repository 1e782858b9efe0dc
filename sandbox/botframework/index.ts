import { Router } from 'express';
import type { SigningKey } from '../keys';
import { jwks } from '../entra/metadata';
import { CHANNEL_ISSUER } from './channel-token';

/** Channels the sandbox's channel key is endorsed for (botbuilder checks activity.channelId against these). */
export const CHANNEL_ENDORSEMENTS = ['msteams'];

/**
 * The Bot Framework channel's OpenID metadata and keys under `/botframework`, mirroring
 * https://login.botframework.com/v1/.well-known/openidconfiguration and its jwks_uri.
 */
export function createBotFrameworkRouter(deps: { channelKey: SigningKey; sandboxUrl(): string }): Router {
  const router = Router();
  router.get('/botframework/v1/.well-known/openidconfiguration', (_req, res) => {
    const base = `${deps.sandboxUrl()}/botframework`;
    res.json({
      issuer: CHANNEL_ISSUER,
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: `${base}/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    });
  });
  router.get('/botframework/v1/.well-known/keys', (_req, res) => {
    res.json(jwks([deps.channelKey], { endorsements: CHANNEL_ENDORSEMENTS }));
  });
  return router;
}
