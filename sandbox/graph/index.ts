import { Router } from 'express';
import type { SigningKey } from '../keys';
import type { TenantData } from '../tenant-data';

/** What the Graph part of the sandbox needs from the sandbox server. */
export interface GraphRouterDeps {
  /** Seeded directory; the Graph part owns drives/items state derived from it. */
  data: TenantData;
  /** Entra's signing key, to verify bearer tokens (see sandbox/tokens.ts verifyGraphToken). */
  entraKey: SigningKey;
  /** Base URL of the sandbox (https://127.0.0.1:PORT), known once it listens. */
  baseUrl(): string;
}

/** The Graph surface (`/v1.0/…`, `/beta/…`). Placeholder until the Graph drives land. */
export interface GraphSandbox {
  router: Router;
  /** Back to the seeded state. */
  reset(): void;
  /** Sharing notification emails "sent" by createLink with sendNotification. */
  outbox(): unknown[];
}

export function createGraphSandbox(_deps: GraphRouterDeps): GraphSandbox {
  return { router: Router(), reset: () => undefined, outbox: () => [] };
}
