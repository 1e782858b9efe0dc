/**
 * The one outbound HTTP function the auth layer uses (Entra keys and metadata, msal's token requests). It has the
 * shape of the WHATWG `fetch`, so the app's shared http layer (timeouts, User-Agent, logging) plugs in directly.
 */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** The platform fetch, used when no shared http layer is passed in. */
export const platformFetch: FetchLike = (url, init) => fetch(url, init);

/** GETs a JSON document; throws an Error naming the URL and status (never a body) on anything but 2xx JSON. */
export async function fetchJson(fetchFn: FetchLike, url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetchFn(url, {
    method: 'GET',
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${url} answered HTTP ${res.status}`);
  }
  return res.json();
}
