import * as fs from 'node:fs';
import * as path from 'node:path';
import { SANDBOX_IDENTITIES } from '../identities';

/** Who may sign in to an app registration (Entra app manifest `signInAudience`). */
export const SIGN_IN_AUDIENCES = [
  'AzureADMyOrg',
  'AzureADMultipleOrgs',
  'AzureADandPersonalMicrosoftAccount',
  'PersonalMicrosoftAccount',
] as const;
export type SignInAudience = (typeof SIGN_IN_AUDIENCES)[number];

/**
 * The app registration's `signInAudience`, read from the project's own `aad.manifest.json` (what provisioning
 * registers), so the sandbox's Entra admits exactly the accounts the real one would. AzureADMyOrg if unreadable.
 */
export function registeredSignInAudience(
  manifestPath = path.resolve(__dirname, '..', '..', '..', 'aad.manifest.json'),
): SignInAudience {
  try {
    const value = (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { signInAudience?: string }).signInAudience;
    return (SIGN_IN_AUDIENCES as readonly string[]).includes(value ?? '') ? (value as SignInAudience) : 'AzureADMyOrg';
  } catch {
    return 'AzureADMyOrg';
  }
}

/** Resource identifiers of Microsoft Graph that Entra accepts as a scope prefix. */
export const GRAPH_RESOURCES = [SANDBOX_IDENTITIES.graphAudience, SANDBOX_IDENTITIES.graphAppId];

/** Resource of the Bot Framework's app tokens (bot → channel, bot → Token Service). */
export const BOT_FRAMEWORK_RESOURCE = 'https://api.botframework.com';

/** OpenID Connect scopes: they name no resource and never appear in an access token's scp. */
export const OIDC_SCOPES = ['openid', 'profile', 'offline_access', 'email'];

/**
 * The app registration as the sandbox's Entra knows it: credentials, App ID URI, and the delegated Graph
 * permissions the tenant admin granted. A request for any other Graph scope needs consent (AADSTS65001).
 */
export const SANDBOX_APP = {
  clientId: SANDBOX_IDENTITIES.app.clientId,
  clientSecret: SANDBOX_IDENTITIES.app.clientSecret,
  displayName: SANDBOX_IDENTITIES.app.displayName,
  applicationIdUri: SANDBOX_IDENTITIES.app.applicationIdUri,
  /** Object id of the app's service principal (the oid of its app-only tokens). */
  servicePrincipalId: '5ca1ab1e-0000-4000-8000-0000005e7c1a',
  grantedGraphScopes: [
    'Files.ReadWrite.All',
    'Sites.ReadWrite.All',
    'User.Read',
    'Files.ReadWrite',
    'User.ReadBasic.All',
    'Chat.ReadBasic',
  ],
} as const;

/** A client the token endpoint knows. Only the app itself is registered. */
export function findClient(clientId: string): typeof SANDBOX_APP | undefined {
  return clientId.toLowerCase() === SANDBOX_APP.clientId ? SANDBOX_APP : undefined;
}
