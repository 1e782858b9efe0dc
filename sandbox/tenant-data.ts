import * as fs from 'node:fs';
import * as path from 'node:path';

/** Tenant-wide sharing settings the sandbox Graph enforces (see sandbox/README.md). */
export interface TenantPolicy {
  anonymousLinksEnabled: boolean;
  /** Expirations later than this many days are clamped; 0 = no limit. */
  maxExpirationDays: number;
  /** Whether business/SharePoint links may carry a password. */
  passwordOnBusinessLinks: boolean;
  /** The link createLink makes when type and scope are omitted. */
  defaultLink: { type: string; scope: string };
}

export interface SandboxTenant {
  id: string;
  name: string;
  domain: string;
  sharePointHost: string;
  policy: TenantPolicy;
}

export interface SandboxUser {
  id: string;
  tenantId: string;
  displayName: string;
  userPrincipalName: string;
  mail: string;
  /** Has consented to the app's Graph permissions (OBO succeeds). */
  consented: boolean;
  personalAccount?: boolean;
  /** Teams user id (29:…) used in activities. */
  teamsId: string;
}

/** The seeded directory. Drives, items, sites and groups are described by the Graph part (sandbox/graph). */
export interface TenantData {
  tenants: SandboxTenant[];
  users: SandboxUser[];
  groups: unknown[];
  sites: unknown[];
  drives: unknown[];
}

export const DEFAULT_TENANT_FILE = path.resolve(__dirname, '..', '..', 'sandbox', 'data', 'tenant.json');

/** Reads the seeded directory; a fresh deep copy each call so a reset starts from the file again. */
export function loadTenantData(file = DEFAULT_TENANT_FILE): TenantData {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TenantData;
}
