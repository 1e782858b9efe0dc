import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ensureSandboxTls } from './tls';
import { loadSigningKeys, type Authority, type SigningKey } from './keys';

export interface SandboxOptions {
  /** Folder for the CA, server certificate and signing keys (kept across restarts). */
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface Sandbox {
  url: string;
  port: number;
  keys: Record<Authority, SigningKey>;
  caPath: string;
  close(): Promise<void>;
}

/** Starts the local Microsoft 365 sandbox over https. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const tls = ensureSandboxTls(options.dataDir);
  const keys = loadSigningKeys(options.dataDir);
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3979, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    keys,
    caPath: tls.caPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
