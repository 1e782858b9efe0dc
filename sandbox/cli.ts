import * as path from 'node:path';
import { startSandbox } from './server';
import { SANDBOX_IDENTITIES } from './identities';
import { ensureTrustBundle } from './trust';
import type { LatencyProfile } from './state';

/** `npm run sandbox`: runs the local Microsoft 365 sandbox alone until Ctrl-C. */
async function main(): Promise<void> {
  const port = Number(process.env.SANDBOX_PORT || 3979);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`SANDBOX_PORT must be a port number (got "${process.env.SANDBOX_PORT}")`);
  const dataDir = process.env.SANDBOX_DATA_DIR || path.resolve('.sandbox-data');
  const signedInUsers = (process.env.SANDBOX_SIGNED_IN_USERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  let latencyProfile: LatencyProfile | undefined;
  if (process.env.SANDBOX_LATENCY) {
    try {
      latencyProfile = JSON.parse(process.env.SANDBOX_LATENCY) as LatencyProfile;
    } catch {
      throw new Error('SANDBOX_LATENCY must be JSON, e.g. {"token":80,"createLink":150,"itemLookup":60,"search":120}');
    }
  }
  const sandbox = await startSandbox({ dataDir, port, signedInUsers, latencyProfile });
  const bundle = ensureTrustBundle(dataDir);
  const u = sandbox.url;
  const home = SANDBOX_IDENTITIES.homeTenantId;
  console.log(`Local Microsoft 365 sandbox listening on ${u} (nothing here talks to Microsoft)

Trust its CA: NODE_EXTRA_CA_CERTS=${bundle}   (CA alone: ${sandbox.caPath})

Endpoints
  Entra ID        ${u}/{tenant}/v2.0/.well-known/openid-configuration   tenants: ${sandbox.data.tenants.map((t) => `${t.id} (${t.name})`).join(', ')}, common, organizations, consumers, botframework.com
                  ${u}/${home}/oauth2/v2.0/token   (client_credentials, on-behalf-of)
  Bot channel     ${sandbox.endpoints.botFrameworkOpenIdMetadata}
  Token Service   ${sandbox.endpoints.tokenService}   (OAuthUrl; connection "${SANDBOX_IDENTITIES.app.oauthConnectionName}")
  Bot Connector   ${sandbox.endpoints.connectorServiceUrl}   (an activity's serviceUrl: v3/conversations/{id}/pagedmembers)
  Graph           ${u}/v1.0/…  ${u}/beta/…

App: client id ${SANDBOX_IDENTITIES.app.clientId}, App ID URI ${SANDBOX_IDENTITIES.app.applicationIdUri}

Seeded users`);
  for (const user of sandbox.data.users) {
    const tenant = sandbox.data.tenants.find((t) => t.id === user.tenantId)?.name ?? user.tenantId;
    console.log(
      `  ${user.displayName.padEnd(16)} ${user.userPrincipalName.padEnd(24)} ${user.teamsId.padEnd(10)} ${tenant}${user.consented ? '' : '  (no consent: OBO answers AADSTS65001)'}`,
    );
  }
  if (signedInUsers.length) console.log(`Signed in to the Token Service up front: ${signedInUsers.join(', ')}`);
  console.log(`
Controls (see sandbox/README.md)
  curl -sk -X POST ${u}/admin/faults -H 'content-type: application/json' -d '{"path":"/createLink$","status":429,"retryAfter":2,"times":1}'
  curl -sk -X DELETE ${u}/admin/faults        curl -sk -X PUT ${u}/admin/latency -H 'content-type: application/json' -d '{"createLink":150}'
  curl -sk ${u}/admin/stats                   curl -sk -X POST ${u}/admin/reset
  curl -sk -X POST ${u}/admin/sso-token -H 'content-type: application/json' -d '{"user":"adele@contoso.example"}'
  curl -sk -X POST ${u}/admin/signin -H 'content-type: application/json' -d '{"user":"adele@contoso.example"}'

Ctrl-C stops it.`);
  const stop = () => {
    sandbox.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error('The sandbox failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
