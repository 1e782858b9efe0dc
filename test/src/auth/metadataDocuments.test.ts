import { strict as assert } from 'node:assert';
import type { NetworkResponse } from '@azure/msal-node';
import { mintSsoToken } from '../../../sandbox/tokens';
import { SANDBOX_IDENTITIES } from '../../../sandbox/identities';
import { MetadataDocuments } from '../../../src/auth/metadataDocuments';
import { createMsalClient } from '../../../src/auth/msalClient';
import { createLogger } from '../../../src/log';
import { startEntraStandIn, users, type EntraStandIn } from './entraStandIn';

const id = SANDBOX_IDENTITIES;

describe('auth/metadataDocuments: an authority’s metadata fetched once for every msal client', () => {
  let entra: EntraStandIn;
  before(async () => {
    entra = await startEntraStandIn();
  });
  after(async () => {
    await entra.close();
  });

  it('real msal-node: 12 concurrent OBO exchanges on 3 clients (per-person clients) make one metadata request', async () => {
    const documents = new MetadataDocuments();
    const clients = Array.from({ length: 3 }, () =>
      createMsalClient({
        clientId: id.app.clientId,
        clientSecret: id.app.clientSecret,
        authority: `${entra.url}/${id.homeTenantId}`,
        documents,
        logger: createLogger('silent'),
      }),
    );
    const u = users();
    const before = { ...entra.counts };
    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const person = i % 2 ? u.adele : u.megan;
        const sso = await mintSsoToken(entra.key, entra.url, person, { nowSeconds: Math.floor(Date.now() / 1000) - i });
        return clients[i % 3].acquireTokenOnBehalfOf({
          oboAssertion: sso,
          scopes: ['https://graph.microsoft.com/Files.ReadWrite.All'],
          authority: `${entra.url}/${person.tenantId}`,
        });
      }),
    );
    assert.ok(results.every((r) => r?.accessToken));
    assert.equal(entra.counts.openid - before.openid, 1);
  });

  it('keeps a 200 until its time is up, hands anything else only to the callers that waited for it', async () => {
    let now = 0;
    const documents = new MetadataDocuments({ ttlMs: 1000, now: () => now });
    let loads = 0;
    const answer = (status: number) => async (): Promise<NetworkResponse<{ n: number }>> => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return { status, headers: {}, body: { n: loads } };
    };
    const failed = await Promise.all(Array.from({ length: 5 }, () => documents.get('u', answer(503))));
    assert.ok(failed.every((r) => r.status === 503));
    assert.equal(loads, 1);
    const ok = await Promise.all(Array.from({ length: 5 }, () => documents.get('u', answer(200))));
    assert.equal(loads, 2, 'the 503 was not kept');
    ok[0].body.n = 99;
    assert.equal(ok[1].body.n, 2, 'each caller has its own copy');
    await documents.get('u', answer(200));
    assert.equal(loads, 2, 'the 200 is kept');
    now = 1000;
    await documents.get('u', answer(200));
    assert.equal(loads, 3, 'and fetched again once its time is up');
  });
});
