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

  constructor(readonly data: TenantData) {
    this.reset();
  }

  reset(): void {
    this.consent = new Map(this.data.users.map((u) => [u.id, u.consented]));
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

  hasConsented(userId: string): boolean {
    return this.consent.get(userId) ?? false;
  }

  setConsent(userId: string, consented: boolean): void {
    this.consent.set(userId, consented);
  }
}
