import type { SigningKey } from '../keys';
import { entraIssuer } from '../tokens';
import { ALIAS_TENANTS } from './directory';

/** The v2.0 OpenID configuration of one authority (tenant id, alias or botframework.com), as Entra serves it. */
export function openIdConfiguration(sandboxUrl: string, tenant: string): Record<string, unknown> {
  const base = `${sandboxUrl}/${tenant}`;
  const isAlias = (ALIAS_TENANTS as readonly string[]).includes(tenant.toLowerCase());
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    // Multi-tenant aliases publish a templated issuer; validators substitute the token's tid.
    issuer: isAlias ? entraIssuer(sandboxUrl, '{tenantid}') : entraIssuer(sandboxUrl, tenant),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${sandboxUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** A JWKS document holding the given keys' public halves (extra members, e.g. endorsements, merged in). */
export function jwks(keys: SigningKey[], extra: Record<string, unknown> = {}): { keys: Record<string, unknown>[] } {
  return { keys: keys.map((k) => ({ ...k.publicJwk, ...extra })) };
}
