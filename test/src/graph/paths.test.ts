import { strict as assert } from 'node:assert';
import { itemPath, pathLookup, searchFunctionPath, shareIdFor, toAddress } from '../../../src/graph/paths';
import { driveTypeOf, kindOf, readableParentPath } from '../../../src/graph/driveItemMapping';

describe('graph paths and item mapping', () => {
  it('builds the five createLink item paths with encoded segments', () => {
    assert.equal(itemPath(toAddress({ driveId: 'b!x/y', itemId: 'i d' })), '/drives/b!x%2Fy/items/i%20d');
    assert.equal(itemPath({ kind: 'me', itemId: 'i' }), '/me/drive/items/i');
    assert.equal(itemPath({ kind: 'user', userId: 'u@x.com', itemId: 'i' }), '/users/u%40x.com/drive/items/i');
    assert.equal(itemPath({ kind: 'group', groupId: 'g', itemId: 'i' }), '/groups/g/drive/items/i');
    assert.equal(itemPath({ kind: 'site', siteId: 'a,b', itemId: 'i' }), '/sites/a%2Cb/drive/items/i');
  });

  it('builds path lookups and drive-search paths', () => {
    assert.equal(pathLookup({ driveId: 'd' }, '/A b/c?.txt'), '/drives/d/root:/A%20b/c%3F.txt');
    assert.equal(pathLookup('me', ''), '/me/drive/root');
    assert.equal(searchFunctionPath("it's 50% off?"), "/me/drive/root/search(q='it''s%2050%25%20off%3F')");
  });

  it('encodes sharing URLs as u! + unpadded base64url', () => {
    const id = shareIdFor('https://contoso.sharepoint.com/:w:/g/EaBc?e=1');
    assert.match(id, /^u![A-Za-z0-9_-]+$/);
    const back = Buffer.from(id.slice(2).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    assert.equal(back, 'https://contoso.sharepoint.com/:w:/g/EaBc?e=1');
    assert.equal(shareIdFor('u!abc_-1'), 'u!abc_-1');
  });

  it('decodes and shortens the parent path', () => {
    assert.equal(readableParentPath('/drive/root:'), undefined);
    assert.equal(readableParentPath('/drives/b!x/root:/Shared%20Documents/Plans'), 'Shared Documents/Plans');
    const long =
      '/drive/root:/' +
      ['Projects', 'Contoso Relaunch 2026', 'Workstreams', 'Finance and Controlling', 'Q3', 'Plans'].join('/');
    const short = readableParentPath(long)!;
    assert.ok(short.length <= 62, short);
    assert.ok(short.startsWith('Projects/…/'), short);
    assert.ok(short.endsWith('/Q3/Plans'), short);
  });

  it('derives drive type and kind when Graph leaves facets out', () => {
    assert.equal(driveTypeOf({ parentReference: { driveType: 'personal' } }), 'personal');
    assert.equal(driveTypeOf({ webUrl: 'https://contoso-my.sharepoint.com/personal/a/x.docx' }), 'business');
    assert.equal(driveTypeOf({ webUrl: 'https://contoso.sharepoint.com/sites/s/x.docx' }), 'documentLibrary');
    assert.equal(driveTypeOf({ webUrl: 'https://onedrive.live.com/?id=1' }), 'personal');
    // Every cloud's SharePoint hosts, not only .com.
    assert.equal(driveTypeOf({ webUrl: 'https://contoso-my.sharepoint.us/personal/a/x.docx' }), 'business');
    assert.equal(driveTypeOf({ webUrl: 'https://contoso.sharepoint.cn/sites/s/x.docx' }), 'documentLibrary');
    assert.equal(driveTypeOf({ webUrl: 'https://contoso-my.sharepoint-mil.us/personal/a/x.docx' }), 'business');
    assert.equal(driveTypeOf({ webUrl: 'not a url' }), 'business');
    assert.equal(driveTypeOf({ webUrl: null as unknown as string, parentReference: null as never }), 'business');
    assert.equal(kindOf({ folder: {} }), 'folder');
    assert.equal(kindOf({ file: {}, name: 'README' }), 'file');
    assert.equal(kindOf({ name: 'Budget.xlsx' }), 'file');
    assert.equal(kindOf({ name: 'Plans' }), 'folder');
  });
});
