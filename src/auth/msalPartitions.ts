import type { ConfidentialClientApplication, ICachePlugin } from '@azure/msal-node';
import type { SharedCache } from '../state';
import { LruCache } from '../util/lruCache';

/** How long a person's msal partition (access and refresh tokens from OBO) is kept after its last change. */
const PARTITION_TTL_MS = 24 * 60 * 60_000;

/**
 * msal-node's token cache through its cache-plugin interface, one partition per person (msal's guidance for
 * confidential clients that serve many users: one serialized cache per user, see
 * AzureAD/microsoft-authentication-library-for-js lib/msal-node/docs/caching.md). The partition lives in the
 * shared cache, where Redis encrypts it (AES-256-GCM) under a keyed-hash name, so every instance sees a person's
 * OBO result and no token sits in Redis in clear. One msal client per partition (kept in a small LRU), because
 * deserializing a partition replaces the client's whole in-memory cache.
 */
export class MsalPartitions {
  private readonly clients: LruCache<ConfidentialClientApplication>;

  constructor(
    private readonly cache: SharedCache,
    private readonly createClient: (plugin: ICachePlugin) => ConfidentialClientApplication,
    maxClients = 2000,
  ) {
    this.clients = new LruCache(maxClients);
  }

  /** The msal client of one person, its cache loaded from the shared partition. */
  async clientFor(partition: string): Promise<ConfidentialClientApplication> {
    let client = this.clients.get(partition);
    if (!client) {
      client = this.createClient(this.plugin(partition));
      this.clients.set(partition, client);
    }
    // msal's OBO flow reads its in-memory cache without calling the plugin; reading the accounts runs
    // beforeCacheAccess, which loads what another instance stored.
    await client.getTokenCache().getAllAccounts();
    return client;
  }

  private plugin(partition: string): ICachePlugin {
    const cache = this.cache;
    return {
      async beforeCacheAccess(context) {
        const stored = await cache.get(partition);
        if (stored) context.tokenCache.deserialize(stored);
      },
      async afterCacheAccess(context) {
        if (context.cacheHasChanged) await cache.set(partition, context.tokenCache.serialize(), PARTITION_TTL_MS);
      },
    };
  }
}
