import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_TENANT_FILE, loadTenantData, type SeedDrive, type SandboxUser } from '../sandbox/tenant-data';
import { SANDBOX_IDENTITIES } from '../sandbox/identities';

/** One virtual user of the benchmark: a generated Contoso user with its own OneDrive. */
export interface BenchUser {
  upn: string;
  oid: string;
  teamsId: string;
  name: string;
  driveId: string;
  /** The files of the user's OneDrive (ids, names, webUrls) the journeys share. */
  files: Array<{ itemId: string; name: string; webUrl: string }>;
}

/** Template drive: every generated OneDrive is a copy of Alex's (no seeded permissions). */
const TEMPLATE_DRIVE = 'b!alex-onedrive';

function pad(n: number): string {
  return String(n).padStart(5, '0');
}

/**
 * Writes a copy of the seeded directory with `count` extra consented Contoso users, each owning a OneDrive shaped
 * like Alex's, and returns the file path and the users. Distinct identities let every virtual user have its own
 * SSO token, Token Service sign-in, token cache entry and drive, as real people do.
 */
export function writeBenchTenant(dir: string, count: number): { file: string; users: BenchUser[] } {
  const data = loadTenantData(DEFAULT_TENANT_FILE);
  const template = data.drives.find((d) => d.id === TEMPLATE_DRIVE);
  if (!template) throw new Error(`The seeded directory has no ${TEMPLATE_DRIVE}`);
  const tenantId = SANDBOX_IDENTITIES.homeTenantId;
  const users: BenchUser[] = [];
  for (let i = 1; i <= count; i++) {
    const alias = `bench${pad(i)}`;
    const oid = `be7c0000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    const user: SandboxUser = {
      id: oid,
      tenantId,
      displayName: `Bench User ${i}`,
      userPrincipalName: `${alias}@contoso.example`,
      mail: `${alias}@contoso.example`,
      consented: true,
      teamsId: `29:1${alias}`,
    };
    const prefix = `01B${pad(i)}_`;
    const idOf = (id: string) => id.replace(/^01ALEX_/, prefix);
    const webRoot = `https://contoso-my.sharepoint.example/personal/${alias}_contoso_example/Documents`;
    const drive: SeedDrive = {
      ...template,
      id: `b!${alias}-onedrive`,
      name: 'OneDrive',
      owner: { userId: oid },
      webUrl: webRoot,
      items: template.items.map((it) => {
        const { permissions: _dropped, ...rest } = it;
        return {
          ...rest,
          id: idOf(it.id),
          parentId: it.parentId ? idOf(it.parentId) : null,
          createdBy: oid,
          lastModifiedBy: oid,
        };
      }),
    };
    data.users.push(user);
    data.drives.push(drive);
    // Files directly under the root: their webUrl is the drive root plus the name.
    const rootId = drive.items.find((it) => it.parentId === null)!.id;
    const files = drive.items
      .filter((it) => it.file && it.parentId === rootId && !/LONG_DOCX$/.test(it.id))
      .map((it) => ({ itemId: it.id, name: it.name, webUrl: `${webRoot}/${encodeURIComponent(it.name)}` }));
    users.push({
      upn: user.userPrincipalName,
      oid,
      teamsId: user.teamsId,
      name: user.displayName,
      driveId: drive.id,
      files,
    });
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bench-tenant.json');
  fs.writeFileSync(file, JSON.stringify(data));
  return { file, users };
}
