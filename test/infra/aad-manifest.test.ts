import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderManifest, renderTemplate, repoRoot } from '../../appPackage/build';

/** aad.manifest.json (Toolkit aadApp/update input, legacy Entra manifest format) at the repository root. */
const root = repoRoot();
const template = fs.readFileSync(path.join(root, 'aad.manifest.json'), 'utf8');

const VARS = {
  AAD_APP_OBJECT_ID: '9d0c5a4e-0f3a-4a8e-8f7e-5b3c2a1d0e9f',
  AAD_APP_CLIENT_ID: 'a1b2c3d4-e5f6-4789-9abc-def012345678',
  AAD_APP_ACCESS_AS_USER_PERMISSION_ID: '3c1f2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  APP_NAME_SUFFIX: '-dev',
  BOT_DOMAIN: 'sharelink-test.azurewebsites.net',
  BOT_ID: 'a1b2c3d4-e5f6-4789-9abc-def012345678',
  TEAMS_APP_ID: '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f',
};

/** Teams, Outlook and Microsoft 365 clients that must be pre-authorized for SSO (teams-protocol.md §1.4). */
const HOST_CLIENT_IDS = [
  '1fec8e78-bce4-4aaf-ab1b-5451cc387264', // Teams desktop and mobile
  '5e3ce6c0-2b1f-4285-8d4b-75ee78787346', // Teams web
  'd3590ed6-52b3-4102-aeff-aad2292ab01c', // Outlook desktop (Microsoft Office)
  '00000002-0000-0ff1-ce00-000000000000', // Outlook on the web (Exchange Online)
  'bc59ab01-8403-45c6-8796-ac3ef710b3e3', // Outlook on the web
  '4765445b-32c6-49b0-83e6-1d93765276ca', // Microsoft 365 web
  '4345a7b9-9a63-4910-a426-35363201d503', // Microsoft 365 web
  '0ec893e0-5785-4de6-99da-4ed124e5296c', // Microsoft 365 desktop
  '27922004-5251-4030-b22d-91ecd9a37ea4', // Outlook mobile
];

interface AadManifest {
  accessTokenAcceptedVersion: number;
  signInAudience: string;
  requiredResourceAccess: Array<{ resourceAppId: string; resourceAccess: Array<{ id: string; type: string }> }>;
  oauth2Permissions: Array<{ id: string; value: string; type: string; isEnabled: boolean }>;
  preAuthorizedApplications: Array<{ appId: string; permissionIds: string[] }>;
  identifierUris: string[];
  replyUrlsWithType: Array<{ url: string; type: string }>;
}

describe('aad.manifest.json', () => {
  const aad = renderTemplate(template, VARS, 'aad.manifest.json') as unknown as AadManifest;

  it('issues v2 tokens to this organization only', () => {
    assert.equal(aad.accessTokenAcceptedVersion, 2);
    assert.equal(aad.signInAudience, 'AzureADMyOrg');
  });

  it('asks for exactly the delegated Graph permissions createLink and "People in this chat" need', () => {
    assert.equal(aad.requiredResourceAccess.length, 1);
    assert.equal(aad.requiredResourceAccess[0].resourceAppId, 'Microsoft Graph');
    const access = aad.requiredResourceAccess[0].resourceAccess;
    assert.ok(
      access.every((a) => a.type === 'Scope'),
      'delegated only, no application permissions',
    );
    assert.deepEqual(
      access.map((a) => a.id).sort(),
      [
        'Files.ReadWrite.All',
        'Sites.ReadWrite.All',
        'User.Read',
        // GET /chats/{id}/members for "People in this chat": the least privileged scope, no admin consent.
        'Chat.ReadBasic',
        'offline_access',
        'openid',
        'profile',
      ].sort(),
    );
  });

  it('asks for no permission that would need admin consent beyond what createLink already needs', () => {
    const access = aad.requiredResourceAccess[0].resourceAccess.map((a) => a.id);
    for (const adminOnly of ['ChatMember.Read', 'ChannelMember.Read.All', 'Chat.Read.All', 'Group.Read.All'])
      assert.ok(!access.includes(adminOnly), `${adminOnly} needs admin consent; the roster serves channels instead`);
  });

  it('exposes access_as_user and pre-authorizes every Teams, Outlook and Microsoft 365 client for it', () => {
    assert.equal(aad.oauth2Permissions.length, 1);
    const scope = aad.oauth2Permissions[0];
    assert.equal(scope.value, 'access_as_user');
    assert.equal(scope.type, 'User');
    assert.equal(scope.isEnabled, true);
    assert.equal(scope.id, VARS.AAD_APP_ACCESS_AS_USER_PERMISSION_ID);
    assert.deepEqual(aad.preAuthorizedApplications.map((p) => p.appId).sort(), [...HOST_CLIENT_IDS].sort());
    for (const p of aad.preAuthorizedApplications) assert.deepEqual(p.permissionIds, [scope.id]);
  });

  it('uses the same Application ID URI as the Teams manifest and the Bicep (api://{domain}/botid-{id})', () => {
    const teams = renderManifest(VARS) as { webApplicationInfo: { resource: string } };
    assert.deepEqual(aad.identifierUris, [`api://${VARS.BOT_DOMAIN}/botid-${VARS.BOT_ID}`]);
    assert.equal(aad.identifierUris[0], teams.webApplicationInfo.resource);
  });

  it('accepts redirects from the Bot Framework Token Service and the tab sign-in page', () => {
    assert.deepEqual(aad.replyUrlsWithType, [
      { url: 'https://token.botframework.com/.auth/web/redirect', type: 'Web' },
      { url: `https://${VARS.BOT_DOMAIN}/tab/auth-end.html`, type: 'Spa' },
    ]);
  });
});
