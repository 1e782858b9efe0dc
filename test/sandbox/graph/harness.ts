import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import express from 'express';
import { createGraphSandbox, type GraphSandbox } from '../../../sandbox/graph';
import { GRAPH_SEED } from '../../../sandbox/graph/seedIds';
import { loadSigningKeys, type SigningKey } from '../../../sandbox/keys';
import { loadTenantData, type TenantData } from '../../../sandbox/tenant-data';
import { mintGraphToken } from '../../../sandbox/tokens';
import { DEFAULT_FIDELITY, type FidelitySwitches } from '../../../sandbox/fidelity';

export type UserKey = keyof typeof GRAPH_SEED.users;

export interface GraphResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  as?: UserKey;
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** The Graph router on a plain http server (port 0), with token minting for seeded users. */
export interface GraphHarness {
  base: string;
  graph: GraphSandbox;
  key: SigningKey;
  otherKey: SigningKey;
  data: TenantData;
  /** The fidelity switches the Graph router reads (change them in a test; the next harness starts fresh). */
  fidelity: FidelitySwitches;
  token(user: UserKey, scopes?: string[], appId?: string, lifetimeSeconds?: number): Promise<string>;
  call(method: string, path: string, options?: CallOptions): Promise<GraphResponse>;
  close(): Promise<void>;
}

export const DEFAULT_SCOPES = ['Files.ReadWrite.All', 'Sites.ReadWrite.All', 'User.Read'];

/** Starts a harness; `tweak` may change a copy of the seeded directory (e.g. a tenant policy) first. */
export async function startGraphHarness(
  options: { tweak?: (data: TenantData) => void; now?: () => Date; fidelity?: Partial<FidelitySwitches> } = {},
): Promise<GraphHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-graph-'));
  const keys = loadSigningKeys(dir);
  const data = loadTenantData();
  options.tweak?.(data);
  let base = '';
  const fidelity: FidelitySwitches = { ...DEFAULT_FIDELITY, ...options.fidelity };
  const graph = createGraphSandbox({
    data,
    entraKey: keys.entra,
    baseUrl: () => base,
    now: options.now,
    fidelity: () => fidelity,
  });
  const app = express();
  app.use(graph.router);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new Map<string, string>();

  const token = async (
    user: UserKey,
    scopes = DEFAULT_SCOPES,
    appId?: string,
    lifetimeSeconds?: number,
  ): Promise<string> => {
    const k = `${user}|${scopes.join(' ')}|${appId ?? ''}|${lifetimeSeconds ?? ''}`;
    let t = tokens.get(k);
    if (!t) {
      const u = data.users.find((x) => x.id === GRAPH_SEED.users[user])!;
      t = await mintGraphToken(keys.entra, base, u, scopes, appId, lifetimeSeconds);
      tokens.set(k, t);
    }
    return t;
  };

  return {
    get base() {
      return base;
    },
    graph,
    key: keys.entra,
    otherKey: keys.botframework,
    data,
    fidelity,
    token,
    async call(method, p, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const bearer = o.token === undefined ? await token(o.as ?? 'adele') : o.token;
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      let body: string | undefined;
      if (o.rawBody !== undefined) body = o.rawBody;
      else if (o.body !== undefined) body = JSON.stringify(o.body);
      if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const res = await fetch(`${base}${p}`, { method, headers, body });
      const text = await res.text();
      const isJson = (res.headers.get('content-type') ?? '').includes('json');
      return { status: res.status, headers: res.headers, body: text && isJson ? JSON.parse(text) : text || undefined };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        fs.rmSync(dir, { recursive: true, force: true });
      }),
  };
}

/** Encodes a sharing URL as Graph's /shares/ expects: `u!` + unpadded base64url. */
export function encodeShareUrl(url: string): string {
  return 'u!' + Buffer.from(url).toString('base64url');
}
