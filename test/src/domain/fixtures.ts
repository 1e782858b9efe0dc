/** Shared test fixtures for the domain tests: items per drive kind, policies, recorded Graph payloads. */
import fs from 'node:fs';
import path from 'node:path';
import type {
  DriveItemInfo,
  DriveType,
  GraphPermission,
  ItemKind,
  LinkOptions,
  LinkPolicy,
} from '../../../src/domain/types';

export const OPEN_POLICY: LinkPolicy = {
  allowedScopes: [],
  allowedTypes: [],
  maxExpirationDays: 0,
  requireExpirationForAnonymous: false,
};

export function item(driveType: DriveType, kind: ItemKind): DriveItemInfo {
  return {
    driveId: `b!${driveType}`,
    itemId: `01${kind.toUpperCase()}`,
    name: kind === 'file' ? 'Plan.docx' : 'Plans',
    kind,
    driveType,
    webUrl: `https://contoso.example/${driveType}/${kind}`,
  };
}

export function options(over: Partial<LinkOptions> = {}): LinkOptions {
  return { useOrganizationDefault: false, recipients: [], sendNotification: false, ...over };
}

const EXAMPLES = path.resolve(__dirname, '../../../../test/contracts/examples');

/** A recorded createLink payload from test/contracts/examples. */
export function example<T = unknown>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES, name), 'utf8')) as T;
}

export function examplePermission(name: string): GraphPermission {
  return example<GraphPermission>(name);
}

/** 2026-11-27T10:00:00Z, a fixed "now". */
export const NOW = Date.UTC(2026, 10, 27, 10, 0, 0);
