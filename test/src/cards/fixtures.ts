/**
 * Card fixtures shaped like the recorded Graph payloads in test/contracts/examples, plus the extremes the cards
 * must survive: 400-character names, 50 recipients, RTL and astral-plane text, every error kind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SHARE_ERROR_KINDS, ShareError } from '../../../src/domain/errors';
import {
  organizationDefaultAvailability,
  passwordSupport,
  recipientsSupport,
  retainInheritedPermissionsSupport,
  scopeAllowedByPolicy,
  scopeSupport,
  typeSupport,
} from '../../../src/domain/rules';
import {
  LINK_SCOPES,
  LINK_TYPES,
  type DriveItemInfo,
  type GraphPermission,
  type LinkChoices,
  type LinkPolicy,
  type Recipient,
  type ShareOutcome,
} from '../../../src/domain/types';

const EXAMPLES = path.resolve(__dirname, '../../../../test/contracts/examples');

/** A recorded Graph response from test/contracts/examples. */
export function example<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES, name), 'utf8')) as T;
}

export const PUBLIC_BASE_URL = 'https://share-link.example.com';
export const NOW = new Date('2026-03-10T09:30:00Z');
export const TIME_ZONE = 'Europe/Berlin';
export const SHARER = '00000000-0000-4000-8000-0000000000a1';
/** The deep link to "My shared links" every link card carries (a made-up app id and tenant). */
export const MANAGE_URL =
  'https://teams.microsoft.com/l/entity/0b2c6f1e-5d4a-4e3b-9c8d-7a6b5c4d3e2f/mySharedLinks?tenantId=72f988bf-86f1-41af-91ab-2d7cd011db47';
export const PASSWORD = 'Tr0ub4dor&3-never-shown';

const sharesItem = example<{ id: string; name: string; size: number }>('graph-v1.0-shares-driveItem.response.json');

export const docx: DriveItemInfo = {
  driveId: 'b!contosoOneDriveEllen',
  itemId: sharesItem.id,
  name: sharesItem.name,
  kind: 'file',
  driveType: 'business',
  webUrl: 'https://contoso-my.sharepoint.com/personal/ellen_contoso_com/Documents/contoso%20project.docx',
  size: sharesItem.size,
  mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  parentPath: 'Documents/Projects',
  lastModifiedDateTime: '2026-03-02T14:05:00Z',
  lastModifiedBy: 'Ellen Adams',
};

export const longName: DriveItemInfo = {
  ...docx,
  itemId: '01LONGNAME',
  name: `${'Quarterly financial review and forecast for the Northwind merger '.repeat(7).slice(0, 395)}.xlsx`,
  parentPath: `${'Very long folder name '.repeat(12)}/Reports`,
  size: 5_432_109_876,
  driveType: 'documentLibrary',
};

export const rtl: DriveItemInfo = {
  ...docx,
  itemId: '01RTL',
  name: 'تقرير المشروع النهائي – 2026 📊.pdf',
  parentPath: 'מסמכים/דוחות',
  lastModifiedBy: 'נועה כהן',
  driveType: 'personal',
  size: 734003,
};

export const folder: DriveItemInfo = {
  driveId: 'b!contosoSiteLibrary',
  itemId: '01FOLDER',
  name: 'Contoso Project',
  kind: 'folder',
  driveType: 'documentLibrary',
  webUrl: 'https://contoso.sharepoint.com/sites/marketing/Shared%20Documents/Contoso%20Project',
  parentPath: 'Shared Documents',
  lastModifiedDateTime: '2026-02-20T08:00:00Z',
};

/** A name built to look like markdown and a template binding; both must show literally. */
export const trickyName: DriveItemInfo = {
  ...docx,
  itemId: '01TRICKY',
  name: '[click me](https://evil.example) **bold** ${s.title}.txt',
};

/** The 15 results Teams can show, with every icon family represented. */
export const manyResults: DriveItemInfo[] = [
  docx,
  longName,
  rtl,
  folder,
  ...[
    'budget.xlsx',
    'deck.pptx',
    'notes.one',
    'photo.jpg',
    'clip.mp4',
    'voice.m4a',
    'backup.zip',
    'app.ts',
    'readme.md',
    'data.bin',
    'scan.pdf',
    'extra.docx',
  ].map((name, i) => ({ ...docx, itemId: `01R${i}`, name, size: 1000 * (i + 1) ** 3 })),
];

/** 50 recipients: 40 in the organization (people picker) and 10 outside email addresses. */
export const fiftyRecipients: Recipient[] = [
  ...Array.from({ length: 40 }, (_, i) => ({
    objectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    displayName: i % 7 === 0 ? `محمد عبد الله ${i}` : `Person Number ${i} With A Fairly Long Display Name`,
  })),
  ...Array.from({ length: 10 }, (_, i) => ({ email: `outside.partner.${i}@fabrikam-consulting.example.org` })),
];

const everything = (available: boolean) => ({ available });

/** Every reason below comes from the domain rules, so cards show them in each language as the app does. */
const ADMIN_POLICY: LinkPolicy = {
  allowedScopes: ['organization', 'users'],
  allowedTypes: [],
  maxExpirationDays: 90,
  requireExpirationForAnonymous: true,
};

/** OneDrive for Business file: the usual choices, anyone-links turned off by the administrator. */
export const businessChoices: LinkChoices = {
  types: LINK_TYPES.map((t) => ({ value: t, ...typeSupport(t, 'file', 'business') })),
  scopes: LINK_SCOPES.map((s) => ({ value: s, ...scopeAllowedByPolicy(s, ADMIN_POLICY) })),
  password: passwordSupport('business'),
  recipients: everything(true),
  sendNotification: everything(true),
  retainInheritedPermissions: everything(true),
  maxExpirationDate: '2026-06-08',
  expirationRequiredForAnonymous: true,
  organizationDefault: everything(true),
};

/** OneDrive personal: password and embed, no organization scope. */
export const personalChoices: LinkChoices = {
  types: LINK_TYPES.map((t) => ({ value: t, ...typeSupport(t, 'file', 'personal') })),
  scopes: LINK_SCOPES.map((s) => ({ value: s, ...scopeSupport(s, 'personal') })),
  password: everything(true),
  recipients: recipientsSupport('personal'),
  sendNotification: recipientsSupport('personal'),
  retainInheritedPermissions: retainInheritedPermissionsSupport('personal'),
  expirationRequiredForAnonymous: false,
  organizationDefault: organizationDefaultAvailability({ kind: 'file', driveType: 'personal' }, ADMIN_POLICY),
};

function outcomeFrom(file: string, item: DriveItemInfo, extra: Partial<ShareOutcome> = {}): ShareOutcome {
  const p = example<GraphPermission>(file);
  return {
    item,
    permissionId: p.id,
    webUrl: p.link?.webUrl ?? '',
    webHtml: p.link?.webHtml,
    type: p.link?.type,
    scope: p.link?.scope,
    roles: p.roles ?? [],
    preventsDownload: p.link?.preventsDownload ?? false,
    reused: false,
    expiration: { clamped: false },
    passwordProtected: p.hasPassword ?? false,
    notified: [],
    grantedTo: [],
    differences: [],
    apiVersion: 'v1.0',
    createdAt: '2026-03-10T09:31:00Z',
    ...extra,
  };
}

/** Every outcome variant the shared-link card must show truthfully. */
export const outcomes: Record<string, ShareOutcome> = {
  organizationEdit: outcomeFrom('graph-v1.0-createLink-organization-edit.response.json', docx),
  anonymousViewReused: outcomeFrom('graph-v1.0-createLink-anonymous-view.response.json', rtl, {
    reused: true,
    expiration: { requested: '2026-09-30T21:59:59Z', granted: '2026-04-09T21:59:59Z', clamped: true },
    differences: ['You asked for the link to expire on 30 Sep 2026; your organization allows 30 days at most.'],
  }),
  embed: outcomeFrom('graph-v1.0-createLink-embed.response.json', rtl),
  passwordAndRecipients: outcomeFrom('graph-beta-createLink-recipients-sendNotification.response.json', longName, {
    apiVersion: 'beta',
    scope: 'users',
    notified: fiftyRecipients,
    grantedTo: fiftyRecipients,
    expiration: { granted: '2026-04-01T21:59:59Z', clamped: true },
    differences: [
      'You asked for a link for specific people; Microsoft created a link for anyone.',
      'You asked for edit; Microsoft created view.',
    ],
  }),
};

/** One ShareError per kind, with Graph's request id where Graph answered. */
export const shareErrors: ShareError[] = SHARE_ERROR_KINDS.map(
  (kind) =>
    new ShareError(kind, kind === 'invalidRequest' ? 'The expiration date must be after today.' : '', {
      ...(kind === 'throttled' ? { retryAfterSeconds: 37 } : {}),
      ...(['accessDenied', 'notFound', 'policyBlocked', 'throttled', 'transient'].includes(kind)
        ? {
            requestId: '7c9c6a62-2f9f-4b6b-9d45-2b0c1f0f3e11',
            code: kind === 'notFound' ? 'itemNotFound' : 'generalException',
          }
        : {}),
    }),
);
