import { AuthenticationConstants } from 'botframework-connector';
// botframework-connector does not export these; they are how its validation finds its per-URL key cache.
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor';
import type { OpenIdMetadata } from 'botframework-connector/lib/auth/openIdMetadata';

/** Key caches whose getKey already shares concurrent loads (each is wrapped once per process). */
const shared = new WeakSet<OpenIdMetadata>();

/**
 * Longest a call waits for another one still loading. botbuilder loads keys with no timeout: a load that hangs must
 * not hold every later invoke, so after this a caller loads itself and later callers wait for that load instead.
 */
const WAIT_FOR_RUNNING_LOAD_MS = 3_000;

/** True once `call` has settled within `ms` (rejects with its failure); false while it is still running. */
async function settledWithin(call: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([call.then(() => true as const), slow]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * botbuilder's signing-key cache for one OpenID metadata URL: botframework-connector keeps one `OpenIdMetadata` per
 * URL for the whole process (JwtTokenExtractor's static cache), and every channel-token validation reads it.
 * While cold (or past its refresh interval) each `getKey` call loads the metadata and keys itself, so N concurrent
 * invokes send N pairs of requests (issue 9, defect 6). Here a call that arrives while another is running waits for
 * that one (sharing its failure too) and then reads the cache it filled; nothing is kept after a failure.
 */
export function channelKeyCache(metadataUrl: string): OpenIdMetadata {
  const metadata = new JwtTokenExtractor({}, metadataUrl, AuthenticationConstants.AllowedSigningAlgorithms)
    .openIdMetadata;
  if (shared.has(metadata)) return metadata;
  shared.add(metadata);
  const getKey = metadata.getKey.bind(metadata);
  let running: Promise<unknown> | undefined;
  metadata.getKey = async (keyId) => {
    for (let current = running; current; current = running) {
      if (await settledWithin(current, WAIT_FOR_RUNNING_LOAD_MS)) return getKey(keyId);
      // Still hanging: the first caller to notice loads again; the others wait for that load.
      if (running === current) break;
    }
    const call = getKey(keyId);
    running = call;
    try {
      return await call;
    } finally {
      if (running === call) running = undefined;
    }
  };
  return metadata;
}

/**
 * Loads the channel's OpenID metadata and signing keys into botbuilder's cache (start-up warm-up), through
 * botbuilder's own loader, so the first invoke is validated from memory. Throws when they cannot be loaded.
 */
export async function warmChannelKeys(metadataUrl: string): Promise<void> {
  // No key has this id: the call loads the key set (cold cache) and finds nothing, which is all warming needs.
  await channelKeyCache(metadataUrl).getKey('share-link-warm-up');
}
