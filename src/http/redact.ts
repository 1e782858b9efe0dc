/**
 * What of a URL may go into a log line: the host and the path, without the query (which may carry codes or
 * search terms) and without values the path embeds (search text in `search(q='…')`, the encoded URL in a
 * `/shares/u!…` id).
 */
export function redactUrlForLog(url: string): { host: string; path: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { host: '?', path: '?' };
  }
  const path = parsed.pathname.replace(/\(([^)]*)\)/g, '(…)').replace(/\/shares\/[^/]+/gi, '/shares/…');
  return { host: parsed.host, path };
}
