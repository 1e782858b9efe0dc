import * as path from 'node:path';
import type { DriveItemInfo } from '../domain/types';

/** The icon families the cards know; each has `<kind>.png` in src/cards/icons/. */
export const FILE_KINDS = [
  'word',
  'excel',
  'powerpoint',
  'onenote',
  'pdf',
  'image',
  'video',
  'audio',
  'archive',
  'code',
  'text',
  'folder',
  'generic',
] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const BY_EXTENSION: Record<string, FileKind> = {
  doc: 'word',
  docx: 'word',
  docm: 'word',
  dot: 'word',
  dotx: 'word',
  odt: 'word',
  rtf: 'word',
  xls: 'excel',
  xlsx: 'excel',
  xlsm: 'excel',
  xlsb: 'excel',
  csv: 'excel',
  ods: 'excel',
  ppt: 'powerpoint',
  pptx: 'powerpoint',
  pptm: 'powerpoint',
  pps: 'powerpoint',
  ppsx: 'powerpoint',
  odp: 'powerpoint',
  one: 'onenote',
  onetoc2: 'onenote',
  pdf: 'pdf',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  bmp: 'image',
  svg: 'image',
  webp: 'image',
  heic: 'image',
  tif: 'image',
  tiff: 'image',
  mp4: 'video',
  mov: 'video',
  avi: 'video',
  mkv: 'video',
  wmv: 'video',
  webm: 'video',
  mp3: 'audio',
  wav: 'audio',
  m4a: 'audio',
  flac: 'audio',
  ogg: 'audio',
  wma: 'audio',
  zip: 'archive',
  '7z': 'archive',
  rar: 'archive',
  tar: 'archive',
  gz: 'archive',
  tgz: 'archive',
  js: 'code',
  ts: 'code',
  py: 'code',
  cs: 'code',
  java: 'code',
  json: 'code',
  xml: 'code',
  html: 'code',
  css: 'code',
  ps1: 'code',
  sh: 'code',
  sql: 'code',
  yml: 'code',
  yaml: 'code',
  txt: 'text',
  md: 'text',
  log: 'text',
};

/** Which icon family an item belongs to, from its kind, extension and (as a fallback) MIME type. */
export function fileKindOf(item: Pick<DriveItemInfo, 'name' | 'kind' | 'mimeType'>): FileKind {
  if (item.kind === 'folder') return 'folder';
  const dot = item.name.lastIndexOf('.');
  const ext = dot >= 0 ? item.name.slice(dot + 1).toLowerCase() : '';
  const byExt = BY_EXTENSION[ext];
  if (byExt) return byExt;
  const mime = item.mimeType ?? '';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('text/')) return 'text';
  if (mime === 'application/pdf') return 'pdf';
  return 'generic';
}

/** The public URL of a file-kind icon, served by the app from `iconDirectory()` under `/static/icons/`. */
export function iconUrl(publicBaseUrl: string, kind: FileKind): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/static/icons/${kind}.png`;
}

/**
 * Folder holding the icon PNGs (committed in src/cards/icons/), for the server's static route.
 * Compiled code runs from dist/src/cards/, so the PNGs are found in the source tree next to it.
 */
export function iconDirectory(): string {
  const compiled = path.sep + path.join('dist', 'src', 'cards');
  return __dirname.endsWith(compiled)
    ? path.resolve(__dirname, '..', '..', '..', 'src', 'cards', 'icons')
    : path.resolve(__dirname, 'icons');
}
