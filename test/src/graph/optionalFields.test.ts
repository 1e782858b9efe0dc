import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { searchResultAttachment, sharedLinkCard } from '../../../src/cards';
import { isShareError } from '../../../src/domain/errors';
import { interpretCreateLink } from '../../../src/domain/interpret';
import type { CreateLinkBody } from '../../../src/domain/types';
import { toDriveItemInfo, toGraphPermission, type GraphDriveItem } from '../../../src/graph/driveItemMapping';
import { assertSensible } from '../../helpers/sensibleOutput';
import { MANAGE_URL } from '../cards/fixtures';

const EXAMPLES = path.resolve(__dirname, '../../../../test/contracts/examples');
const example = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(EXAMPLES, name), 'utf8')) as Record<string, unknown>;

// Every link card carries the deep link to "My shared links" (issue 16).
const ENV = {
  publicBaseUrl: 'https://share-link.example.com',
  locale: 'en-US',
  timeZone: 'Europe/Berlin',
  manageLinksUrl: MANAGE_URL,
};
const NOW = Date.parse('2026-11-27T10:00:00Z');
const MIN_VALUE = '0001-01-01T00:00:00Z';

/** A copy of `json` with the dotted field removed (undefined) or set. */
function variant(json: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(json);
  const keys = field.split('.');
  let node = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    if (!node[k] || typeof node[k] !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** Each field the app reads, with the variants a real answer may bring (absent, null, and MinValue for dates). */
function variantsOf(fields: Array<[string, 'date' | 'other']>): Array<[string, string, unknown]> {
  const out: Array<[string, string, unknown]> = [];
  for (const [field, kind] of fields) {
    out.push([field, 'absent', undefined], [field, 'null', null]);
    if (kind === 'date') out.push([field, 'DateTime.MinValue', MIN_VALUE]);
  }
  return out;
}

const ITEM = {
  driveId: 'b!contoso',
  itemId: '01PLAN',
  name: 'Plan.docx',
  kind: 'file' as const,
  driveType: 'business' as const,
  webUrl: 'https://contoso-my.sharepoint.com/personal/a/Documents/Plan.docx',
};

describe('optional fields: every permission, sharingLink and driveItem field the app reads may be absent or null', () => {
  describe('permission + sharingLink (createLink answer → outcome → link card)', () => {
    // A link answer with every field the app reads present, shaped like the recorded v1.0 answer.
    const full: Record<string, unknown> = {
      ...example('graph-v1.0-createLink-organization-edit.response.json'),
      expirationDateTime: '2026-12-30T22:59:59Z',
      hasPassword: false,
      shareId: 'u!abc',
      grantedToIdentitiesV2: [{ user: { id: 'u1', displayName: 'Megan Bowen', email: 'megan@contoso.example' } }],
      grantedToV2: { user: { id: 'u1', displayName: 'Megan Bowen' } },
      inheritedFrom: { driveId: 'b!contoso', id: '01ROOT' },
    };
    (full.link as Record<string, unknown>).preventsDownload = false;
    (full.link as Record<string, unknown>).webHtml = '<iframe src="https://x.example"></iframe>';
    const body: CreateLinkBody = { type: 'edit', scope: 'organization', expirationDateTime: '2027-01-26T22:59:59Z' };
    const fields: Array<[string, 'date' | 'other']> = [
      ['id', 'other'],
      ['roles', 'other'],
      ['link', 'other'],
      ['link.type', 'other'],
      ['link.scope', 'other'],
      ['link.webUrl', 'other'],
      ['link.webHtml', 'other'],
      ['link.preventsDownload', 'other'],
      ['link.application', 'other'],
      ['link.application.id', 'other'],
      ['link.application.displayName', 'other'],
      ['hasPassword', 'other'],
      ['expirationDateTime', 'date'],
      ['grantedToIdentitiesV2', 'other'],
      ['grantedToV2', 'other'],
      ['inheritedFrom', 'other'],
      ['shareId', 'other'],
    ];
    for (const [field, what, value] of variantsOf(fields)) {
      it(`${field} ${what}: a sensible card, or a clear "try again" when there is no link at all`, () => {
        const permission = toGraphPermission(variant(full, field, value));
        let outcome;
        try {
          outcome = interpretCreateLink(201, permission, { item: ITEM, body, apiVersion: 'v1.0' }, NOW);
        } catch (err) {
          assert.ok(['id', 'link', 'link.webUrl'].includes(field), `only a missing id or link may fail: ${field}`);
          assert.ok(isShareError(err) && err.kind === 'transient', 'a missing link is a transient failure');
          return;
        }
        assertSensible(outcome.differences, `differences (${field} ${what})`);
        const card = sharedLinkCard(outcome, { ...ENV, sharerAadObjectId: 'u0', forSharer: true });
        assertSensible(card.card, `link card (${field} ${what})`);
        if (field === 'expirationDateTime') {
          assert.equal(outcome.expiration.granted, undefined);
          assert.ok(!outcome.differences.some((d) => /shortened|policy/.test(d)), 'never "shortened by policy"');
        }
      });
    }
    it('mistyped fields (a number for a string, a string for a list) count as absent', () => {
      const permission = toGraphPermission(
        variant(variant(variant(full, 'roles', 'read'), 'link.type', 7), 'grantedToIdentitiesV2', [null, 'x']),
      );
      assert.equal(permission.roles, undefined);
      assert.equal(permission.link?.type, undefined);
      const outcome = interpretCreateLink(201, permission, { item: ITEM, body, apiVersion: 'v1.0' }, NOW);
      assertSensible(sharedLinkCard(outcome, { ...ENV, sharerAadObjectId: 'u0' }).card, 'mistyped fields');
    });
  });

  describe('driveItem (item get, /shares, drive search, /search/query hit → search result and item header)', () => {
    const full: GraphDriveItem & Record<string, unknown> = {
      ...example('graph-v1.0-shares-driveItem.response.json'),
      lastModifiedDateTime: '2026-03-02T14:05:00Z',
      lastModifiedBy: { user: { displayName: 'Ellen Adams' } },
      file: { mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
      parentReference: {
        driveId: 'b!contoso',
        driveType: 'business',
        id: '01ROOT',
        path: '/drives/b!contoso/root:/Projects',
        siteId: 'contoso.sharepoint.com,1,2',
      },
    };
    const fields: Array<[string, 'date' | 'other']> = [
      ['id', 'other'],
      ['name', 'other'],
      ['webUrl', 'other'],
      ['size', 'other'],
      ['file', 'other'],
      ['file.mimeType', 'other'],
      ['folder', 'other'],
      ['package', 'other'],
      ['lastModifiedDateTime', 'date'],
      ['lastModifiedBy', 'other'],
      ['lastModifiedBy.user', 'other'],
      ['lastModifiedBy.user.displayName', 'other'],
      ['parentReference', 'other'],
      ['parentReference.driveId', 'other'],
      ['parentReference.driveType', 'other'],
      ['parentReference.path', 'other'],
      ['parentReference.siteId', 'other'],
    ];
    for (const [field, what, value] of variantsOf(fields)) {
      it(`${field} ${what}: a sensible result row and header, or the item is left out when it cannot be addressed`, () => {
        const info = toDriveItemInfo(variant(full, field, value) as GraphDriveItem);
        if (!info) {
          assert.ok(['id', 'parentReference', 'parentReference.driveId'].includes(field), `dropped for ${field}`);
          return;
        }
        assertSensible(searchResultAttachment(info, ENV), `search result (${field} ${what})`);
        if (field === 'lastModifiedDateTime') assert.equal(info.lastModifiedDateTime, undefined);
      });
    }
  });
});
