import { GraphError, invalidRequest } from './errors';
import { parseSearchArgument } from './search';

/** How a request names a drive (the five documented path forms plus Groups.yml's `/groups/{g}/drives/{d}`). */
export type DriveTarget =
  | { by: 'me' }
  | { by: 'user'; id: string }
  | { by: 'group'; id: string }
  | { by: 'site'; id: string }
  | { by: 'drive'; id: string; groupId?: string };

/** How a request names an item inside a drive. */
export type ItemAddress = { by: 'id'; id: string } | { by: 'root' } | { by: 'path'; path: string };

export type ItemAction =
  | { op: 'get' }
  | { op: 'createLink' }
  | { op: 'permissions' }
  | { op: 'permission'; permissionId: string }
  | { op: 'children' }
  | { op: 'search'; q: string };

export type GraphRoute =
  | { kind: 'drive'; drive: DriveTarget }
  | { kind: 'item'; drive: DriveTarget; item: ItemAddress; action: ItemAction }
  | { kind: 'shares'; shareId: string }
  | { kind: 'searchQuery' };

const badSegment = (segment: string): GraphError =>
  new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalidRequest(`The URL segment '${s}' is not correctly percent-encoded.`);
  }
}

/** Whether a path (after /v1.0 or /beta) belongs to the Graph drives surface this router serves. */
export function isDrivesPath(path: string): boolean {
  return /^\/(me\/drive|users\/[^/]+\/drive|groups\/[^/]+\/drives?|sites\/[^/]+\/drive|drives\/|shares\/|search\/query)/i.test(
    path,
  );
}

function parseDrivePrefix(path: string): { drive: DriveTarget; rest: string } | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^\/me\/drive(?=\/|$)(.*)$/i.exec(path))) return { drive: { by: 'me' }, rest: m[1] };
  if ((m = /^\/users\/([^/]+)\/drive(?=\/|$)(.*)$/i.exec(path)))
    return { drive: { by: 'user', id: decode(m[1]) }, rest: m[2] };
  if ((m = /^\/groups\/([^/]+)\/drives\/([^/]+)(.*)$/i.exec(path)))
    return { drive: { by: 'drive', id: decode(m[2]), groupId: decode(m[1]) }, rest: m[3] };
  if ((m = /^\/groups\/([^/]+)\/drive(?=\/|$)(.*)$/i.exec(path)))
    return { drive: { by: 'group', id: decode(m[1]) }, rest: m[2] };
  if ((m = /^\/sites\/([^/]+)\/drive(?=\/|$)(.*)$/i.exec(path)))
    return { drive: { by: 'site', id: decode(m[1]) }, rest: m[2] };
  if ((m = /^\/drives\/([^/]+)(.*)$/i.exec(path))) return { drive: { by: 'drive', id: decode(m[1]) }, rest: m[2] };
  return undefined;
}

function parseItemAction(rest: string): ItemAction {
  if (rest === '' || rest === '/') return { op: 'get' };
  let m: RegExpExecArray | null;
  if (/^\/(microsoft\.graph\.)?createLink$/i.test(rest)) return { op: 'createLink' };
  if (/^\/permissions\/?$/i.test(rest)) return { op: 'permissions' };
  if ((m = /^\/permissions\/([^/]+)$/i.exec(rest))) return { op: 'permission', permissionId: decode(m[1]) };
  if (/^\/children\/?$/i.test(rest)) return { op: 'children' };
  if ((m = /^\/(?:microsoft\.graph\.)?search\((.*)\)$/i.exec(rest)))
    return { op: 'search', q: parseSearchArgument(decode(m[1])) };
  throw badSegment(rest.split('/')[1] ?? rest);
}

/** Parses the raw (still percent-encoded) path after the version segment into a route, or undefined if not ours. */
export function parseGraphPath(rawPath: string): GraphRoute | undefined {
  // Some clients percent-encode the parentheses of function calls; they are plain characters to OData.
  const path = rawPath.replace(/%28/gi, '(').replace(/%29/gi, ')');
  if (/^\/search\/query\/?$/i.test(path)) return { kind: 'searchQuery' };
  let m: RegExpExecArray | null;
  if ((m = /^\/shares\/([^/]+)\/driveItem\/?$/i.exec(path))) return { kind: 'shares', shareId: decode(m[1]) };
  if (/^\/shares\//i.test(path)) throw badSegment(path.split('/')[3] ?? 'shares');
  const prefix = parseDrivePrefix(path);
  if (!prefix) return undefined;
  const { drive, rest } = prefix;
  if (rest === '' || rest === '/') return { kind: 'drive', drive };
  if ((m = /^\/(?:microsoft\.graph\.)?search\((.*)\)$/i.exec(rest))) {
    return {
      kind: 'item',
      drive,
      item: { by: 'root' },
      action: { op: 'search', q: parseSearchArgument(decode(m[1])) },
    };
  }
  // Path-addressed: /root:/folder/file.docx or /root:/folder/file.docx:/createLink
  if ((m = /^\/root:(\/[^:]*)?(?::(.*))?$/i.exec(rest))) {
    const itemPath = (m[1] ?? '').split('/').filter(Boolean).map(decode).join('/');
    const item: ItemAddress = itemPath ? { by: 'path', path: itemPath } : { by: 'root' };
    return { kind: 'item', drive, item, action: parseItemAction(m[2] ?? '') };
  }
  if ((m = /^\/root(\/.*)?$/i.exec(rest)))
    return { kind: 'item', drive, item: { by: 'root' }, action: parseItemAction(m[1] ?? '') };
  if ((m = /^\/items\/([^/]+)(\/.*)?$/i.exec(rest))) {
    const id = decode(m[1]);
    return {
      kind: 'item',
      drive,
      item: id === 'root' ? { by: 'root' } : { by: 'id', id },
      action: parseItemAction(m[2] ?? ''),
    };
  }
  throw badSegment(rest.split('/')[1] ?? rest);
}
