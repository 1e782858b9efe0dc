import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  errorCard,
  fileFinderDialog,
  FILE_KINDS,
  fileKindOf,
  iconDirectory,
  linkOptionsDialog,
  MY_SHARED_LINKS_ENTITY_ID,
  mySharedLinksDeepLink,
  pickLanguage,
  refreshUserIds,
  searchResultAttachment,
  sharedLinkCard,
  strings,
} from '../../../src/cards';
import { SHARE_ERROR_KINDS, ShareError } from '../../../src/domain/errors';
import { nodes, visibleTexts } from './checks';
import {
  businessChoices,
  docx,
  fiftyRecipients,
  folder,
  longName,
  manyResults,
  NOW,
  outcomes,
  PASSWORD,
  personalChoices,
  PUBLIC_BASE_URL,
  rtl,
  SHARER,
  MANAGE_URL,
  TIME_ZONE,
  trickyName,
} from './fixtures';

const env = { publicBaseUrl: PUBLIC_BASE_URL, locale: 'en-US', timeZone: TIME_ZONE };
const byId = (card: unknown, id: string) => nodes(card).find((n) => n.id === id);
const submits = (card: unknown) => nodes(card).filter((n) => n.type === 'Action.Submit');

describe('cards: fileFinderDialog', () => {
  it('has the search box "q", a Search submit and at most 15 pickable results with driveId|itemId', () => {
    const { card } = fileFinderDialog({ ...env, query: ' project ', results: [...manyResults, docx, docx] });
    assert.equal(byId(card, 'q')?.value, 'project');
    assert.ok(submits(card).some((a) => JSON.stringify(a.data) === '{"action":"search"}'));
    const picks = submits(card).filter((a) => (a.data as { action?: string }).action === 'pick');
    // Each result has one "Share" button: a clickable row around it would nest one control in another (axe).
    assert.equal(picks.length, 15);
    assert.deepEqual(picks[0]!.data, { action: 'pick', driveId: docx.driveId, itemId: docx.itemId });
    assert.ok(
      submits(card).some((a) => JSON.stringify(a.data) === '{"action":"search","page":1}'),
      'more results',
    );
  });

  it('shows an icon per file type from the public base URL', () => {
    const { card } = fileFinderDialog({ ...env, query: '', results: [docx, folder, rtl] });
    const urls = nodes(card)
      .filter((n) => n.type === 'Image')
      .map((n) => n.url);
    assert.deepEqual(urls, [
      `${PUBLIC_BASE_URL}/static/icons/word.png`,
      `${PUBLIC_BASE_URL}/static/icons/folder.png`,
      `${PUBLIC_BASE_URL}/static/icons/pdf.png`,
    ]);
  });

  it('says when nothing matches', () => {
    const { card } = fileFinderDialog({ ...env, query: 'zebra', results: [] });
    assert.ok(visibleTexts(card).some((t) => t.startsWith('No files match “\u2068zebra\u2069”')));
  });

  it('has a title variant for the files of a message, and shows names as plain text (never markdown)', () => {
    const { card } = fileFinderDialog({ ...env, query: '', results: [trickyName], variant: 'attachments' });
    assert.equal((card.body as Array<{ text?: string }>)[0]!.text, strings('en').finder.attachmentsTitle);
    const holders = nodes(card).filter((n) => typeof n.text === 'string' && (n.text as string).includes('[click me]'));
    assert.ok(holders.length > 0);
    for (const n of holders) assert.equal(n.type, 'TextRun');
  });
});

describe('cards: linkOptionsDialog', () => {
  const base = { ...env, item: docx, choices: businessChoices, now: NOW };

  it('offers only available types and scopes, and lists the others with reasons', () => {
    const { card } = linkOptionsDialog(base);
    const types = (byId(card, 'type')!.choices as Array<{ value: string }>).map((c) => c.value);
    assert.deepEqual(types, ['view', 'review', 'edit', 'blocksDownload', 'addressBar', 'adminDefault']);
    assert.equal(byId(card, 'type')!.value, 'view');
    assert.deepEqual(
      (byId(card, 'scope')!.choices as Array<{ value: string }>).map((c) => c.value),
      ['organization', 'users'],
    );
    const texts = visibleTexts(card).join('\n');
    assert.match(
      texts,
      /Not available: Embed on a web page \(view only\) — Embed links work only in OneDrive personal; Can upload only \(file request\) — Upload-only links work on folders only/,
    );
    assert.match(texts, /Anyone with the link — Your administrator does not allow anonymous links/);
  });

  it('limits the date to tomorrow … policy maximum in the person’s time zone', () => {
    const late = new Date('2026-03-10T23:30:00Z'); // already 11 March in Berlin
    const d = byId(linkOptionsDialog({ ...base, now: late }).card, 'expirationDate')!;
    assert.equal(d.min, '2026-03-12');
    assert.equal(d.max, '2026-06-08');
    assert.equal(d.type, 'Input.Date');
  });

  it('shows the password box only where passwords work, never with a value', () => {
    assert.equal(byId(linkOptionsDialog({ ...base, values: { password: PASSWORD } }).card, 'password'), undefined);
    const { card } = linkOptionsDialog({
      ...base,
      item: rtl,
      choices: personalChoices,
      values: { password: PASSWORD },
    });
    const pw = byId(card, 'password')!;
    assert.equal(pw.type, 'Input.Text');
    assert.equal(pw.value, undefined);
    assert.equal(pw.style, undefined, 'style Password is not rendered by Teams');
    assert.ok(visibleTexts(card).some((t) => /shown as you type/.test(t)));
    assert.equal(byId(card, 'recipients'), undefined);
    assert.equal(byId(card, 'useOrganizationDefault'), undefined);
  });

  it('uses the Teams people picker plus a box for outside addresses, and keeps what was entered', () => {
    const { card } = linkOptionsDialog({
      ...base,
      values: {
        recipients: fiftyRecipients,
        type: 'edit',
        scope: 'users',
        expirationDate: '2026-04-01',
        message: 'hi',
        sendNotification: true,
        retainInheritedPermissions: false,
        useOrganizationDefault: true,
      },
    });
    const picker = byId(card, 'recipients')!;
    assert.deepEqual(picker['choices.data'], { type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
    assert.equal(picker.isMultiSelect, true);
    assert.equal((picker.value as string).split(',').length, 40);
    assert.equal((byId(card, 'externalRecipients')!.value as string).split('; ').length, 10);
    assert.equal(byId(card, 'type')!.value, 'edit');
    assert.equal(byId(card, 'scope')!.value, 'users');
    assert.equal(byId(card, 'expirationDate')!.value, '2026-04-01');
    assert.equal(byId(card, 'message')!.value, 'hi');
    assert.equal(byId(card, 'sendNotification')!.value, 'true');
    assert.equal(byId(card, 'retainInheritedPermissions')!.value, 'false');
    assert.equal(byId(card, 'useOrganizationDefault')!.value, 'true');
  });

  it('puts each error right after its field and sums them up at the top', () => {
    const errors = { expirationDate: 'Too late.', scope: 'Not allowed.' };
    const { card } = linkOptionsDialog({ ...base, errors });
    const body = card.body as Array<Record<string, unknown>>;
    const summary = body[1] as { style: string; items: Array<{ text?: string }> };
    assert.equal(summary.style, 'attention');
    assert.equal(summary.items[0]!.text, 'Please fix 2 problems below.');
    for (const [field, message] of Object.entries(errors)) {
      const at = body.findIndex((n) => n.id === field);
      const next = body
        .slice(at + 1, at + 4)
        .find((n) => n.type === 'RichTextBlock' && JSON.stringify(n).includes(message));
      assert.ok(next, `${field} error next to the field`);
      assert.match(JSON.stringify(next), /"color":"Attention"/);
    }
  });

  it('submits create with the item and time zone, and Back without inputs', () => {
    const { card } = linkOptionsDialog(base);
    const actions = card.actions as Array<Record<string, unknown>>;
    assert.deepEqual(actions[0]!.data, {
      action: 'create',
      driveId: docx.driveId,
      itemId: docx.itemId,
      timeZone: TIME_ZONE,
    });
    assert.deepEqual(actions[1]!.data, { action: 'back' });
    assert.equal(actions[1]!.associatedInputs, 'none');
  });
});

describe('cards: sharedLinkCard', () => {
  const opts = { ...env, manageLinksUrl: MANAGE_URL, sharerAadObjectId: SHARER, organizationName: 'Contoso' };

  it('tells what Graph returned: type, scope in words, roles, new vs reused', () => {
    const texts = visibleTexts(sharedLinkCard(outcomes.organizationEdit!, opts).card).join('\n');
    assert.match(texts, /Can edit/);
    assert.match(texts, /People in Contoso with the link/);
    assert.match(texts, /New sharing link/);
    const reused = visibleTexts(sharedLinkCard(outcomes.anonymousViewReused!, opts).card).join('\n');
    assert.match(reused, /An existing link was reused/);
    assert.match(reused, /Anyone with the link/);
  });

  it('says when policy shortened the expiration, and shows password protection but never a password', () => {
    const t1 = visibleTexts(sharedLinkCard(outcomes.anonymousViewReused!, opts).card).join('\n');
    assert.match(t1, /Apr 9, 2026, 11:59 PM \(GMT\+2\) \(shortened by your organization's policy\)/);
    assert.match(t1, /your organization allows 30 days at most/);
    const t2 = visibleTexts(sharedLinkCard(outcomes.passwordAndRecipients!, opts).card).join('\n');
    assert.match(t2, /Password protected/);
    assert.match(t2, /and 45 more/);
  });

  it('has the link as a button and as selectable text, and embed HTML in monospace', () => {
    const { card } = sharedLinkCard(outcomes.embed!, opts);
    const open = (card.actions as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual([open.type, open.url], ['Action.OpenUrl', outcomes.embed!.webUrl]);
    const runs = nodes(card)
      .filter((n) => n.type === 'TextRun' && n.fontType === 'Monospace')
      .map((n) => n.text);
    assert.ok(runs.includes(outcomes.embed!.webUrl));
    assert.ok(runs.includes(outcomes.embed!.webHtml));
  });

  it('gives the sharer a Revoke Action.Execute with the permission, and the revoked card only "My shared links"', () => {
    const { card } = sharedLinkCard(outcomes.organizationEdit!, { ...opts, forSharer: true, sharerUserId: '29:abc' });
    const revoke = nodes(card).find((n) => n.type === 'Action.Execute' && n.verb === 'revokeLink')!;
    assert.deepEqual(revoke.data, { permissionId: '123ABC', driveId: docx.driveId, itemId: docx.itemId });
    // Documented formats only (29:<id>, 8:orgid:<Entra object id>), both naming the sharer.
    assert.deepEqual((card.refresh as { userIds: string[] }).userIds, ['29:abc', `8:orgid:${SHARER}`]);
    const revoked = sharedLinkCard(outcomes.organizationEdit!, {
      ...opts,
      forSharer: true,
      revoked: { at: '2026-03-11T16:45:00Z', by: 'Ellen Adams' },
    }).card;
    assert.deepEqual(revoked.actions, [
      { type: 'Action.OpenUrl', title: 'Manage in My shared links', url: MANAGE_URL },
    ]);
    assert.match(visibleTexts(revoked).join('\n'), /Link revoked by \u2068Ellen Adams\u2069 on Mar 11, 2026, 5:45 PM/);
  });
});

describe('cards: errorCard', () => {
  it('has a distinct title and advice for every error kind', () => {
    const titles = new Set<string>();
    for (const kind of SHARE_ERROR_KINDS) {
      const texts = visibleTexts(errorCard(kind).card);
      titles.add(texts[0]!);
      assert.ok(texts.includes('What you can do'), kind);
    }
    assert.equal(titles.size, SHARE_ERROR_KINDS.length);
  });

  it('says when to retry after throttling, and shows the request id for support', () => {
    const texts = visibleTexts(
      errorCard(new ShareError('throttled', '', { retryAfterSeconds: 36.2, requestId: 'req-1' })).card,
    );
    assert.ok(texts.includes('Try again in 37 seconds.'));
    assert.ok(texts.some((t) => t.startsWith('Request ID for support: req-1')));
    assert.ok(
      visibleTexts(errorCard(new ShareError('throttled', '', { retryAfterSeconds: 3500 })).card).includes(
        'Try again in about 59 minutes.',
      ),
    );
    assert.ok(!visibleTexts(errorCard('transient').card).some((t) => t.includes('Request ID')));
  });

  it('works as a dialog body with a Back button', () => {
    const body = errorCard('notFound', { inDialog: true }).card;
    assert.deepEqual((body.actions as Array<{ data: unknown }>)[0]!.data, { action: 'back' });
  });
});

describe('cards: search results', () => {
  it('builds a thumbnail preview whose tap selects the item, with the card as content', () => {
    const a = searchResultAttachment(longName, env);
    assert.equal(a.preview.contentType, 'application/vnd.microsoft.card.thumbnail');
    assert.deepEqual(a.preview.content.tap, {
      type: 'invoke',
      value: { action: 'selectItem', driveId: longName.driveId, itemId: longName.itemId },
    });
    assert.ok(a.preview.content.title.length <= 120);
    assert.equal(a.preview.content.images[0]!.url, `${PUBLIC_BASE_URL}/static/icons/excel.png`);
    assert.equal(a.content.version, '1.4');
  });
});

describe('cards: strings and icons', () => {
  it('falls back to English for unknown locales', () => {
    assert.equal(pickLanguage('ko-KR'), 'en');
    assert.equal(pickLanguage(undefined), 'en');
    assert.equal(strings('pt-BR').finder.searchButton, 'Search');
  });

  it('ships a small valid PNG for every file kind', () => {
    for (const kind of FILE_KINDS) {
      const bytes = fs.readFileSync(path.join(iconDirectory(), `${kind}.png`));
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', kind);
      assert.ok(bytes.length < 2048, `${kind} ${bytes.length} bytes`);
    }
  });

  it('maps names and MIME types to icon kinds', () => {
    assert.equal(fileKindOf({ name: 'a.DOCX', kind: 'file' }), 'word');
    assert.equal(fileKindOf({ name: 'noext', kind: 'file', mimeType: 'image/png' }), 'image');
    assert.equal(fileKindOf({ name: 'x.docx', kind: 'folder' }), 'folder');
    assert.equal(fileKindOf({ name: 'x.weird', kind: 'file' }), 'generic');
  });
});

describe('cards: refresh.userIds and the way to "My shared links"', () => {
  const opts = { ...env, manageLinksUrl: MANAGE_URL, sharerAadObjectId: SHARER };

  it('lists only the sharer, in the documented formats, and drops ids of any other shape', () => {
    assert.deepEqual(refreshUserIds(SHARER), [`8:orgid:${SHARER}`]);
    assert.deepEqual(refreshUserIds(SHARER.toUpperCase(), '29:1abc-XYZ'), ['29:1abc-XYZ', `8:orgid:${SHARER}`]);
    assert.deepEqual(refreshUserIds('not-a-guid', 'a:1personal'), []);
  });

  it("puts the deep link on everyone's view, the sharer's view and the revoked card", () => {
    for (const view of [{}, { forSharer: true }, { revoked: { at: '2026-03-11T16:45:00Z' } }]) {
      const { card } = sharedLinkCard(outcomes.organizationEdit!, { ...opts, ...view });
      const open = nodes(card).filter((n) => n.type === 'Action.OpenUrl' && n.url === MANAGE_URL);
      assert.equal(open.length, 1, JSON.stringify(view));
    }
  });

  it('carries what the card shows in the refresh data, never a password', () => {
    const { card } = sharedLinkCard(outcomes.passwordAndRecipients!, opts);
    const data = (card.refresh as { action: { data: { shown: Record<string, unknown> } } }).action.data;
    assert.equal(data.shown.linkUrl, outcomes.passwordAndRecipients!.webUrl);
    assert.equal(data.shown.passwordProtected, true);
    assert.ok(!JSON.stringify(data).includes(PASSWORD));
  });

  it('builds the Teams deep link of Learn "Deep link to an application" with nothing URI-encoded', () => {
    const url = mySharedLinksDeepLink('0b2c6f1e-5d4a-4e3b-9c8d-7a6b5c4d3e2f', '72f988bf-86f1-41af-91ab-2d7cd011db47');
    assert.equal(url, MANAGE_URL);
    assert.doesNotMatch(url, /%/);
    assert.throws(() => mySharedLinksDeepLink('x/../y'));
    const manifest = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../../../appPackage/manifest.json'), 'utf8'),
    );
    assert.equal(manifest.staticTabs[0].entityId, MY_SHARED_LINKS_ENTITY_ID);
  });
});
