import { strict as assert } from 'node:assert';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import { registeredSignInAudience, type SignInAudience } from '../../../sandbox/entra/app-registration';
import type { Sandbox } from '../../../sandbox/server';
import { startTestSandbox } from '../helpers';

const APP = SANDBOX_IDENTITIES.app;

/** Entra admits the accounts the app registration's signInAudience names, and refuses the rest as Entra does. */
describe('sandbox Entra ID: the registration signInAudience', () => {
  it('reads the audience from the project aad.manifest.json (AzureADMyOrg)', () => {
    assert.equal(registeredSignInAudience(), 'AzureADMyOrg');
  });

  const cases: Array<[SignInAudience, Record<string, number | 'ok'>]> = [
    ['AzureADMyOrg', { adele: 'ok', noah: 50020, pat: 50020 }],
    ['AzureADMultipleOrgs', { adele: 'ok', noah: 'ok', pat: 50020 }],
    ['AzureADandPersonalMicrosoftAccount', { adele: 'ok', noah: 'ok', pat: 'ok' }],
    ['PersonalMicrosoftAccount', { adele: 9002331, noah: 9002331, pat: 'ok' }],
  ];
  const upn = { adele: 'adele@contoso.example', noah: 'noah@fabrikam.example', pat: 'pat@outlook.example' };
  for (const [audience, expected] of cases) {
    it(`${audience}: OBO at the user's own authority → ${JSON.stringify(expected)}`, async () => {
      const sandbox: Sandbox = await startTestSandbox({ signInAudience: audience });
      try {
        for (const [who, want] of Object.entries(expected)) {
          const user = sandbox.user(upn[who as keyof typeof upn]);
          const res = await fetch(`${sandbox.url}/${user.tenantId}/oauth2/v2.0/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
              requested_token_use: 'on_behalf_of',
              client_id: APP.clientId,
              client_secret: APP.clientSecret,
              assertion: await sandbox.ssoToken(user.userPrincipalName),
              scope: 'https://graph.microsoft.com/Files.ReadWrite.All',
            }).toString(),
          });
          const body = (await res.json()) as { error_codes?: number[]; error_description?: string };
          if (want === 'ok') assert.equal(res.status, 200, `${who}: ${body.error_description}`);
          else {
            assert.equal(res.status, 400, who);
            assert.deepEqual(body.error_codes, [want], who);
            if (want === 50020 && who === 'pat')
              assert.match(body.error_description ?? '', /identity provider 'live\.com'/);
          }
        }
      } finally {
        await sandbox.close();
      }
    });
  }
});
