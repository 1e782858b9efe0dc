import type { NetworkResponse } from '@azure/msal-node';
import { InFlight } from '../util/inFlight';
import { LruCache } from '../util/lruCache';

/** As long as msal itself trusts an authority's metadata before asking again (msal-common: 24 h). */
const DEFAULT_TTL_MS = 24 * 60 * 60_000;

/**
 * The OpenID documents msal asks for over GET (an authority's openid-configuration), shared by every msal client of
 * the process: concurrent misses of one URL send one request (issue 9, defect 6), and a 200 answer is kept for
 * `ttlMs`, so a new msal client (one per person with shared state) or a request for another allowed tenant finds
 * it in memory. Anything but a 200 is handed to the callers that waited for it and not kept.
 */
export class MetadataDocuments {
  private readonly kept: LruCache<NetworkResponse<unknown>>;
  private readonly flights = new InFlight<NetworkResponse<unknown>>();

  constructor(options: { ttlMs?: number; now?: () => number; maxDocuments?: number } = {}) {
    this.kept = new LruCache(options.maxDocuments ?? 200, {
      ms: options.ttlMs ?? DEFAULT_TTL_MS,
      now: options.now ?? Date.now,
    });
  }

  /** The document at `url` from memory, or from `load` (one load at a time per URL). Each caller gets its own copy. */
  async get<T>(url: string, load: () => Promise<NetworkResponse<T>>): Promise<NetworkResponse<T>> {
    const answer =
      this.kept.get(url) ??
      (await this.flights.run(url, async () => {
        const res = await load();
        if (res.status === 200) this.kept.set(url, res);
        return res;
      }));
    return structuredClone(answer) as NetworkResponse<T>;
  }
}
