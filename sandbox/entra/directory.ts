import type { SandboxTenant, SandboxUser, TenantData } from '../tenant-data';
import { SANDBOX_IDENTITIES } from '../identities';
import { registeredSignInAudience, SANDBOX_APP, type SignInAudience } from './app-registration';
import { EntraError } from './errors';

/** Tenant names Entra accepts in place of a tenant id. */
export const ALIAS_TENANTS = ['common', 'organizations', 'consumers'] as const;

/**
 * The sandbox's directory as Entra sees it: tenants, users and who has consented to the app. Consent is state
 * (a sign-in through the Token Service page grants it), so it resets with the sandbox.
 */
/**
 * A Conditional Access requirement the user's current session does not meet, as OBO reports it with
 * `interaction_required`: `mfa` (AADSTS50076, "you must use multi-factor authentication") or `mfaRegistration`
 * (AADSTS50079, "you must enroll in multi-factor authentication"); both come with a claims challenge.
 */
export type InteractionChallenge = 'mfa' | 'mfaRegistration';

export class Directory {
  private consent = new Map<string, boolean>();
  /** Scopes each person has not consented to (the seed's `declinedScopes`), until they sign in again. */
  private declined = new Map<string, string[]>();
  private interaction = new Map<string, InteractionChallenge>();

  /** Who the app registration admits (aad.manifest.json `signInAudience` unless the sandbox was told otherwise). */
  readonly signInAudience: SignInAudience;

  constructor(
    readonly data: TenantData,
    signInAudience?: SignInAudience,
  ) {
    this.signInAudience = signInAudience ?? registeredSignInAudience();
    this.reset();
  }

  /**
   * Entra's refusal when the registration's `signInAudience` does not admit this user, else undefined:
   * AzureADMyOrg admits the home tenant only; AzureADMultipleOrgs any organization, no personal accounts;
   * PersonalMicrosoftAccount personal accounts only. The refusal is AADSTS50020 ("User account … from identity
   * provider 'live.com' does not exist in tenant … and cannot access the application", as reported in
   * nextauthjs/next-auth#7448 and MicrosoftDocs/azure-docs#57031), or AADSTS9002331 for an app configured for
   * personal accounts only (Microsoft Q&A 1160493).
   */
  audienceRefusal(user: SandboxUser): EntraError | undefined {
    const personal = user.tenantId === SANDBOX_IDENTITIES.consumerTenantId;
    const home = user.tenantId === SANDBOX_IDENTITIES.homeTenantId;
    const admitted =
      this.signInAudience === 'AzureADandPersonalMicrosoftAccount' ||
      (this.signInAudience === 'AzureADMultipleOrgs' && !personal) ||
      (this.signInAudience === 'AzureADMyOrg' && home) ||
      (this.signInAudience === 'PersonalMicrosoftAccount' && personal);
    if (admitted) return undefined;
    if (this.signInAudience === 'PersonalMicrosoftAccount') {
      return new EntraError(
        400,
        'unauthorized_client',
        9002331,
        `Application '${SANDBOX_APP.clientId}'(${SANDBOX_APP.displayName}) is configured for use by Microsoft Account users only. Please use the /consumers endpoint to serve this request.`,
      );
    }
    const idp = personal ? 'live.com' : `https://sts.windows.net/${user.tenantId}/`;
    const homeName = this.tenant(SANDBOX_IDENTITIES.homeTenantId)?.name ?? SANDBOX_IDENTITIES.homeTenantId;
    return new EntraError(
      400,
      'invalid_grant',
      50020,
      `User account '${user.userPrincipalName}' from identity provider '${idp}' does not exist in tenant '${homeName}' and cannot access the application '${SANDBOX_APP.clientId}'(${SANDBOX_APP.displayName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
    );
  }

  reset(): void {
    this.consent = new Map(this.data.users.map((u) => [u.id, u.consented]));
    this.declined = new Map(this.data.users.map((u) => [u.id, [...(u.declinedScopes ?? [])]]));
    this.interaction = new Map();
  }

  /** The Conditional Access challenge OBO answers for this user, until an interactive sign-in satisfies it. */
  interactionRequired(userId: string): InteractionChallenge | undefined {
    return this.interaction.get(userId);
  }

  /** Per-user switch: require an interactive sign-in (MFA) before OBO succeeds again; undefined lifts it. */
  setInteractionRequired(userId: string, challenge: InteractionChallenge | undefined): void {
    if (challenge) this.interaction.set(userId, challenge);
    else this.interaction.delete(userId);
  }

  get users(): SandboxUser[] {
    return this.data.users;
  }

  /** Finds a user by object id, UPN, mail or Teams id (29:…), case-insensitively. */
  findUser(key: string): SandboxUser | undefined {
    const k = key.trim().toLowerCase();
    return this.data.users.find(
      (u) =>
        u.id.toLowerCase() === k ||
        u.userPrincipalName.toLowerCase() === k ||
        u.mail.toLowerCase() === k ||
        u.teamsId.toLowerCase() === k,
    );
  }

  /** Like findUser, but throws a message naming the seeded users. */
  requireUser(key: string): SandboxUser {
    const user = this.findUser(key);
    if (!user) {
      throw new Error(
        `No sandbox user "${key}". Seeded users: ${this.data.users.map((u) => u.userPrincipalName).join(', ')}`,
      );
    }
    return user;
  }

  tenant(id: string): SandboxTenant | undefined {
    return this.data.tenants.find((t) => t.id.toLowerCase() === id.toLowerCase());
  }

  /** Path segments that name an Entra authority in the sandbox: every tenant id, the aliases and botframework.com. */
  authorityNames(): string[] {
    return [...this.data.tenants.map((t) => t.id), ...ALIAS_TENANTS, SANDBOX_IDENTITIES.botFrameworkTenantId];
  }

  isAuthority(name: string): boolean {
    return this.authorityNames().some((a) => a.toLowerCase() === name.toLowerCase());
  }

  /** Whether the person consented to the app, and to each of `scopes` when given. */
  hasConsented(userId: string, scopes: readonly string[] = []): boolean {
    if (!(this.consent.get(userId) ?? false)) return false;
    const declined = (this.declined.get(userId) ?? []).map((d) => d.toLowerCase());
    return !scopes.some((s) => declined.includes(s.toLowerCase()));
  }

  /**
   * The scopes of `scopes` a sign-in the person completed earlier was granted: all of them (that sign-in's consent
   * prompt covered the app's permissions, even for someone who had never consented) except the ones the seed says
   * they had not consented to then (`declinedScopes`: asked for after that sign-in).
   */
  scopesOfEarlierSignIn(userId: string, scopes: readonly string[]): string[] {
    const declined = (this.declined.get(userId) ?? []).map((d) => d.toLowerCase());
    return scopes.filter((s) => !declined.includes(s.toLowerCase()));
  }

  /** Grants (all the app's permissions) or withdraws the person's consent. */
  setConsent(userId: string, consented: boolean): void {
    this.consent.set(userId, consented);
    if (consented) this.declined.set(userId, []);
  }
}
