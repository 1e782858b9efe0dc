/**
 * Fixed identities of the sandbox tenant that both the sandbox and the app's sandbox-mode configuration need.
 * The full seeded directory (users, drives, items) lives in sandbox/data/tenant.json.
 */
export const SANDBOX_IDENTITIES = {
  /** Contoso: the home tenant of the app and of most seeded users. */
  homeTenantId: 'a1b2c3d4-0000-4000-8000-00000000c0de',
  /** Fabrikam: a second tenant with one user; not on the default allow-list. */
  foreignTenantId: 'f0f0f0f0-0000-4000-8000-0000000fab01',
  /** The Microsoft account (consumer) tenant, as in Entra. */
  consumerTenantId: '9188040d-6c67-4c5b-b112-36a304b66dad',
  /** Tenant of the Bot Framework's own app tokens ("botframework.com"). */
  botFrameworkTenantId: 'botframework.com',
  /** Tenants the app serves by default in sandbox mode. */
  allowedTenantIds: ['a1b2c3d4-0000-4000-8000-00000000c0de', '9188040d-6c67-4c5b-b112-36a304b66dad'],
  app: {
    /** One Entra app is both the bot and the SSO app, as in the Toolkit's bot+SSO templates. */
    clientId: '5ca1ab1e-0000-4000-8000-00000000a11c',
    clientSecret: 'sandbox-only-secret-not-valid-anywhere-else',
    displayName: 'Share Link (sandbox)',
    applicationIdUri: 'api://127.0.0.1/botid-5ca1ab1e-0000-4000-8000-00000000a11c',
    oauthConnectionName: 'GraphConnection',
  },
  /** Microsoft Graph's resource app id and its audience in tokens. */
  graphAppId: '00000003-0000-0000-c000-000000000000',
  graphAudience: 'https://graph.microsoft.com',
  /** Teams desktop/mobile client id: the `azp` of Teams SSO tokens. */
  teamsClientId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
} as const;
