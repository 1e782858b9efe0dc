import type { SandboxTenant, SandboxUser, TenantData } from '../tenant-data';
import { SANDBOX_IDENTITIES } from '../identities';

/** Tenant names Entra accepts in place of a tenant id. */
export const ALIAS_TENANTS = ['common', 'organizations', 'consumers'] as const;

/**
 * The sandbox's directory as Entra sees it: tenants, users and who has consented to the app. Consent is state
 * (a sign-in through the Token Service page grants it), so it resets with the sandbox.
 */
export class Directory {
  private consent = new Map<string, boolean>();
  /** Scopes each person has not consented to (the seed's `declinedScopes`), until they sign in again. */
  private declined = new Map<string, string[]>();

  constructor(readonly data: TenantData) {
    this.reset();
  }

  reset(): void {
    this.consent = new Map(this.data.users.map((u) => [u.id, u.consented]));
    this.declined = new Map(this.data.users.map((u) => [u.id, [...(u.declinedScopes ?? [])]]));
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

  /** The scopes of `scopes` the person has consented to. */
  consentedScopes(userId: string, scopes: readonly string[]): string[] {
    if (!(this.consent.get(userId) ?? false)) return [];
    const declined = (this.declined.get(userId) ?? []).map((d) => d.toLowerCase());
    return scopes.filter((s) => !declined.includes(s.toLowerCase()));
  }

  /** Grants (all the app's permissions) or withdraws the person's consent. */
  setConsent(userId: string, consented: boolean): void {
    this.consent.set(userId, consented);
    if (consented) this.declined.set(userId, []);
  }
}
