import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandboxApp, type SandboxApp } from '../../src/dev/sandboxApp';
import { createLogger } from '../../src/log';
import { forgetBotAppTokens } from '../helpers/botAppTokenCache';
import { PlaygroundApi } from './playgroundApi';
import type { Request } from 'playwright-core';
import { CHROMIUM_PATH, PlaygroundDriver } from './playgroundDriver';

/**
 * The real app in sandbox mode (as `npm start` composes it) driven through the Microsoft 365 Agents Playground in
 * headless Chromium: the action command, the message action, the search command and revoking from the card, with
 * every link checked in the sandbox's Graph. Screenshots go to test-artifacts/.
 */

const ADELE = 'adele@contoso.example';
const DRIVE = 'b!adele-onedrive';
const PLAN = {
  itemId: '01ADELE_PLAN_DOCX',
  name: 'Plan.docx',
  webUrl: 'https://contoso-my.sharepoint.example/personal/adele_contoso_example/Documents/Plan.docx',
};
const BUDGET = { itemId: '01ADELE_BUDGET_XLSX', name: 'Budget 2025.xlsx' };
const KICKOFF = { itemId: '01ADELE_KICKOFF_PPTX', name: 'Kickoff.pptx' };
/** The Playground's group chat and its seeded twin (sandbox/data/tenant.json: Adele, Megan, Alex, Lee, Diego). */
const GROUP_CHAT = 'Share Link sandbox group';
const PEOPLE = {
  megan: '0a1d0000-0000-4000-8000-000000000e9a',
  alex: '0a1d0000-0000-4000-8000-0000000a11a1',
  diego: '0a1d0000-0000-4000-8000-00000000d1e9',
};

/** Labels exactly as src/cards/strings/en.json has them. */
const UI = {
  searchBox: 'Search your files',
  search: 'Search',
  pick: 'Share',
  type: 'What people can do',
  canEdit: 'Can edit',
  scope: 'Who the link works for',
  organization: 'People in your organization with the link',
  expiration: 'Link expires after (optional)',
  external: 'Other email addresses',
  create: 'Create link',
  open: 'Open link',
  revoke: 'Revoke link',
  noFileInMessage: 'This message has no OneDrive or SharePoint file. Search for the file you want to share.',
};

type Permission = {
  id: string;
  roles: string[];
  grantedToIdentitiesV2?: Array<{ user?: { id?: string } }>;
  expirationDateTime?: string;
  link?: { type: string; scope: string; webUrl: string };
};

/** "YYYY-MM-DD", `days` from today (UTC). */
function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('Share Link end to end in the Agents Playground (sandbox mode, headless Chromium)', function () {
  this.timeout(60_000);
  const timings: Record<string, number> = {};
  const logs: string[] = [];
  let tmp: string;
  let app: SandboxApp;
  let api: PlaygroundApi;
  let driver: PlaygroundDriver;
  /** The link the action-command journey created (revoked by the last test). */
  let planLink: { url: string; permissionId: string; messageId: string } | undefined;

  /** The sandbox Graph's permissions on one of Adele's items, read with a fresh token of hers (outside the app). */
  async function permissionsOf(itemId: string): Promise<Permission[]> {
    const token = await app.sandbox.graphToken(ADELE);
    const res = await fetch(`${app.sandbox.url}/v1.0/drives/${encodeURIComponent(DRIVE)}/items/${itemId}/permissions`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { value: Permission[] }).value;
  }

  async function linkPermission(itemId: string, url: string): Promise<Permission | undefined> {
    return (await permissionsOf(itemId)).find((p) => p.link?.webUrl === url);
  }

  async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await step();
    } finally {
      timings[name] = Date.now() - t0;
    }
  }

  before(async function () {
    if (!fs.existsSync(CHROMIUM_PATH)) {
      console.error(`    skipped: no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
      this.skip();
    }
    const t0 = Date.now();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-e2e-'));
    // botframework-connector caches the bot's app token process-wide; an earlier sandbox's token would be refused.
    forgetBotAppTokens();
    app = await startSandboxApp({
      env: {
        SANDBOX_DATA_DIR: path.resolve('.sandbox-data'),
        SANDBOX_PORT: '0',
        PORT: '0',
        SHARE_LOG_PATH: path.join(tmp, 'share-log.sqlite'),
      },
      log: createLogger('info', { write: (line: string) => void logs.push(line) }),
      playground: { port: 0, dataDir: tmp },
    });
    assert.ok(app.playground, `the Playground did not start: ${app.playgroundError}`);
    api = new PlaygroundApi(app.playground.url, app.playground.config);
    timings.startServicesMs = Date.now() - t0;
    await timed('browserOpenMs', async () => {
      driver = await PlaygroundDriver.launch({ commands: app.playground!.commands });
      await driver.open(app.playground!.url);
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      if (driver) await driver.screenshot(`e2e-failed-${this.currentTest.title.slice(0, 40)}`).catch(() => undefined);
      const problems = logs.filter((l) => /"level":(40|50|60)/.test(l)).slice(-8);
      if (problems.length) console.error(`    app warnings/errors:\n      ${problems.join('\n      ')}`);
    }
    await driver?.dismissDialogs().catch(() => undefined);
    await driver?.closeSearchPanel().catch(() => undefined);
  });

  after(async () => {
    await driver?.close().catch(() => undefined);
    await app?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (Object.keys(timings).length) {
      fs.mkdirSync('test-artifacts', { recursive: true });
      fs.writeFileSync(path.join('test-artifacts', 'e2e-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    }
  });

  it('action command: search, pick Plan.docx, options with a validation round trip, create, send; Graph has the link', async () => {
    const t0 = Date.now();
    await driver.openActionCommand('shareLink');
    assert.match(await driver.dialogText(), /Find the file to share/);
    await driver.screenshot('e2e-1-finder');

    await driver.fillDialogInput(UI.searchBox, 'plan');
    assert.equal(await driver.clickDialogAction(UI.search), 'newCard');
    const results = await driver.dialogText();
    assert.match(results, /Files matching “\u2068plan\u2069”/);
    assert.match(results, /Plan\.docx/);
    await driver.screenshot('e2e-2-finder-results');

    assert.equal(await driver.clickDialogAction(UI.pick, { near: PLAN.name }), 'newCard');
    const options = await driver.dialogText();
    assert.match(options, /^Plan\.docx$/m);
    assert.match(options, new RegExp(UI.type));
    await driver.screenshot('e2e-3-options');

    // A date in the past: the client refuses to submit (Input.Date min, as Teams web does) and sends nothing.
    let invokes = 0;
    const countInvokes = (r: Request) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/_conversation/v1/invoke') invokes++;
    };
    driver.page.on('request', countInvokes);
    await driver.fillDialogInput(UI.expiration, dayFromToday(-3));
    await driver.dialog().getByRole('button', { name: UI.create, exact: true }).click();

    // Validation round trip: an address that is not one comes back as the same dialog with the error shown.
    const expiry = dayFromToday(5);
    await driver.fillDialogInput(UI.expiration, expiry);
    await driver.chooseInDialog(UI.type, UI.canEdit);
    await driver.chooseInDialog(UI.scope, UI.organization);
    await driver.fillDialogInput(UI.external, 'not-an-address');
    assert.equal(await driver.clickDialogAction(UI.create), 'newCard');
    driver.page.off('request', countInvokes);
    assert.equal(invokes, 1, 'the submit with a past date reached the bot');
    const invalid = await driver.dialogText();
    assert.match(invalid, /Please fix 1 problem below\./);
    assert.match(invalid, /"not-an-address" is not a valid email address\./);
    await driver.screenshot('e2e-4-options-error');
    assert.equal(
      (await permissionsOf(PLAN.itemId)).filter((p) => p.link).length,
      0,
      'no link may exist after a refused submit',
    );

    // Fix it: no outside addresses; the choices are made again in case the dialog did not keep them.
    await driver.fillDialogInput(UI.external, '');
    await driver.chooseInDialog(UI.type, UI.canEdit);
    await driver.chooseInDialog(UI.scope, UI.organization);
    await driver.fillDialogInput(UI.expiration, expiry);
    await driver.screenshot('e2e-5-options-filled');
    assert.equal(await driver.clickDialogAction(UI.create), 'closed');

    const inCompose = await driver.composeCard();
    assert.match(inCompose.text, /Plan\.docx/);
    await driver.screenshot('e2e-6-compose');
    const sent = driver.page.waitForResponse(
      (r) =>
        r.request().method() === 'POST' &&
        /^\/_conversation\/v1\/conversations\/[^/]+\/messages$/.test(new URL(r.url()).pathname),
    );
    await driver.sendComposeBox();
    const messageId = ((await (await sent).json()) as { messageId: string }).messageId;
    const posted = await driver.lastCardInConversation();
    timings.actionJourneyMs = Date.now() - t0;
    await driver.screenshot('e2e-7-card-in-conversation');
    assert.match(posted.text, /Plan\.docx/);
    assert.match(posted.text, /Can edit/);
    const open = posted.links.find((l) => l.title === UI.open);
    assert.ok(open, `no "${UI.open}" on the card: ${JSON.stringify(posted.links)}`);

    const permission = await linkPermission(PLAN.itemId, open.url);
    assert.ok(permission, `the sandbox Graph has no link ${open.url} on Plan.docx`);
    assert.equal(permission.link?.type, 'edit');
    assert.equal(permission.link?.scope, 'organization');
    assert.deepEqual(permission.roles, ['write']);
    const expires = Date.parse(permission.expirationDateTime ?? '');
    assert.ok(
      expires > Date.now() + 4 * 86_400_000 && expires < Date.now() + 7 * 86_400_000,
      `expiration ${permission.expirationDateTime} for ${expiry}`,
    );
    planLink = { url: open.url, permissionId: permission.id, messageId };
  });

  it('message action on a message holding a file: the Playground drops its URL, so the finder asks; pick, create, Graph has it', async () => {
    const t0 = Date.now();
    await api.postBotMessage({
      text: 'The file we talked about',
      attachments: [{ contentType: 'reference', contentUrl: PLAN.webUrl, name: PLAN.name }],
    });
    await driver.waitForMessage('reference is not supported yet');
    await driver.openMessageAction('reference is not supported yet', 'shareFromMessage');
    const finder = await driver.dialogText();
    assert.ok(finder.includes(UI.noFileInMessage), finder);
    await driver.screenshot('e2e-8-message-action-finder');

    await driver.fillDialogInput(UI.searchBox, 'budget');
    assert.equal(await driver.clickDialogAction(UI.search), 'newCard');
    assert.match(await driver.dialogText(), /Budget 2025\.xlsx/);
    assert.equal(await driver.clickDialogAction(UI.pick, { near: BUDGET.name }), 'newCard');
    assert.match(await driver.dialogText(), /Budget 2025\.xlsx/);
    const before = (await permissionsOf(BUDGET.itemId)).filter((p) => p.link).length;
    assert.equal(await driver.clickDialogAction(UI.create), 'closed');
    await driver.composeCard();
    await driver.sendComposeBox();
    const posted = await driver.lastCardInConversation();
    timings.messageActionJourneyMs = Date.now() - t0;
    await driver.screenshot('e2e-9-message-action-card');
    assert.match(posted.text, /Budget 2025\.xlsx/);
    const open = posted.links.find((l) => l.title === UI.open);
    assert.ok(open, JSON.stringify(posted.links));
    const permission = await linkPermission(BUDGET.itemId, open.url);
    assert.ok(permission, `the sandbox Graph has no link ${open.url} on Budget 2025.xlsx`);
    assert.equal((await permissionsOf(BUDGET.itemId)).filter((p) => p.link).length, before + 1);
  });

  it('message action with the full Teams messagePayload (REST invoke): the options dialog for that one file', async () => {
    const t0 = Date.now();
    const answer = await api.invoke<{ task: { type: string; value: { title: string; card: { content: unknown } } } }>(
      'composeExtension/fetchTask',
      {
        commandId: 'shareFromMessage',
        commandContext: 'message',
        messagePayload: {
          id: '1700000000000',
          body: { contentType: 'html', content: '<attachment id="f1"></attachment>' },
          attachments: [{ id: 'f1', contentType: 'reference', contentUrl: PLAN.webUrl, name: PLAN.name }],
        },
      },
      { conversationId: app.playground!.config.groupChat.id },
    );
    timings.restMessageActionMs = Date.now() - t0;
    assert.equal(answer.task.type, 'continue');
    assert.equal(answer.task.value.title, 'Sharing link options');
    const card = JSON.stringify(answer.task.value.card.content);
    assert.ok(card.includes(PLAN.name), 'the dialog names the file');
    assert.ok(card.includes(`"itemId":"${PLAN.itemId}"`), 'Create link carries the file');
    assert.ok(card.includes(`"driveId":"${DRIVE}"`));
  });

  it('search command findFile "budget": the bot answers with the files (the Playground lists none: they have a tap)', async () => {
    const t0 = Date.now();
    const shown = await driver.searchCommand('findFile', 'budget', 'q');
    timings.searchMs = Date.now() - t0;
    await driver.screenshot('e2e-10-search');
    const answer = shown.answer as {
      composeExtension: {
        type: string;
        attachments: Array<{
          preview: { content: { title: string; tap?: { type: string; value: Record<string, string> } } };
        }>;
      };
    };
    assert.equal(answer.composeExtension.type, 'result');
    const previews = answer.composeExtension.attachments.map((a) => a.preview.content);
    const budget = previews.find((p) => p.title === BUDGET.name);
    assert.ok(budget, JSON.stringify(previews.map((p) => p.title)));
    for (const p of previews) assert.match(p.title, /budget/i);
    // Picking a result in Teams sends selectItem with this value (the org default link is created at once).
    assert.deepEqual(budget.tap, {
      type: 'invoke',
      value: { action: 'selectItem', driveId: DRIVE, itemId: BUDGET.itemId },
    });
    if (shown.titles.length) {
      assert.ok(shown.titles.includes(BUDGET.name), JSON.stringify(shown.titles));
    } else {
      // Playground 0.2.28 shows no results at all when a preview has a tap (it cannot send selectItem).
      assert.match(shown.error ?? '', /Unable to reach app/);
      await driver.waitForMessage('Search-based message extension tap action is not supported yet');
    }
    await driver.closeSearchPanel();
  });

  it('"People in this chat" in the group chat: the finder opens on recent files; Graph grants exactly the people kept', async () => {
    const t0 = Date.now();
    await driver.openConversation(GROUP_CHAT);
    try {
      await peopleInChatJourney(t0);
    } finally {
      await driver.dismissDialogs().catch(() => undefined);
      await driver.openConversation('Personal Chat');
    }
  });

  async function peopleInChatJourney(t0: number): Promise<void> {
    await driver.openActionCommand('shareLink');
    assert.match(await driver.dialogText(), /Your recent files/);
    await driver.screenshot('e2e-13-finder-recent');
    await driver.fillDialogInput(UI.searchBox, 'kickoff');
    assert.equal(await driver.clickDialogAction(UI.search), 'newCard');
    assert.equal(await driver.clickDialogAction(UI.pick, { near: KICKOFF.name }), 'newCard');

    // Names are wrapped in Unicode isolates (bidi-safe); the option is matched with or without them.
    const choice =
      /^People in \u2068?Share Link sandbox group\u2069?: \u2068?Megan\u2069?, \u2068?Alex\u2069? and 2 others$/;
    await driver.dialog().getByRole('radio', { name: choice }).check();
    const dialog = driver.dialog();
    await dialog
      .getByRole('checkbox', { name: /Lee Gu/ })
      .or(dialog.getByLabel(/Lee Gu/))
      .first()
      .uncheck();
    assert.match(await driver.dialogText(), /nobody is emailed unless you turn on/);
    await driver.screenshot('e2e-14-people-options');
    assert.equal(await driver.clickDialogAction(UI.create), 'closed');

    await driver.composeCard();
    await driver.sendComposeBox();
    const posted = await driver.lastCardInConversation();
    timings.peopleInChatJourneyMs = Date.now() - t0;
    await driver.screenshot('e2e-15-people-card');
    assert.match(posted.text, /Can open it/);
    assert.match(posted.text, /Megan Bowen.*Alex Wilber.*Diego Siciliani/s);
    assert.doesNotMatch(posted.text, /Lee Gu/);
    const open = posted.links.find((l) => l.title === UI.open);
    assert.ok(open, JSON.stringify(posted.links));
    const permission = await linkPermission(KICKOFF.itemId, open.url);
    assert.ok(permission, `the sandbox Graph has no link ${open.url} on ${KICKOFF.name}`);
    assert.equal(permission.link?.scope, 'users');
    assert.deepEqual(
      (permission.grantedToIdentitiesV2 ?? []).map((g) => g.user?.id).sort(),
      [PEOPLE.megan, PEOPLE.alex, PEOPLE.diego].sort(),
      'the grantees in Graph are exactly the people kept',
    );
    assert.deepEqual(app.sandbox.outbox(), [], 'nobody was emailed');
  }

  it('revoke from the card in the conversation (Action.Execute): the permission is gone from Graph', async () => {
    assert.ok(planLink, 'needs the link of the action-command test');
    const link = planLink;
    const t0 = Date.now();
    const data = { permissionId: link.permissionId, driveId: DRIVE, itemId: PLAN.itemId };
    // Teams runs the card's refresh for the sharer (userIds) and shows the answer, the sharer's view with "Revoke
    // link". The Playground renders no refresh, so the test asks for it over REST, as Teams would, and shows it.
    const refreshed = await api.invoke<{ type: string; value: Record<string, unknown> }>(
      'adaptiveCard/action',
      { action: { type: 'Action.Execute', verb: 'refreshLinkCard', data }, trigger: 'automatic' },
      { replyToId: link.messageId },
    );
    assert.equal(refreshed.type, 'application/vnd.microsoft.card.adaptive');
    assert.ok(JSON.stringify(refreshed.value).includes(UI.revoke), "the sharer's view has the revoke button");
    await driver.dismissDialogs();
    await api.postBotMessage({
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: refreshed.value }],
    });
    await driver.page.getByRole('button', { name: UI.revoke, exact: true }).first().waitFor();
    await driver.screenshot('e2e-11-sharer-view');

    await driver.clickCardActionInConversation(UI.revoke);
    await driver.waitForMessage('Link revoked by');
    assert.match((await driver.lastCardInConversation()).text, /Link revoked by \u2068?Adele Vance\u2069? on /);
    timings.revokeMs = Date.now() - t0;
    await driver.screenshot('e2e-12-revoked');
    const after = await permissionsOf(PLAN.itemId);
    assert.equal(
      after.find((p) => p.id === link.permissionId),
      undefined,
      'the permission is still in Graph',
    );
    assert.equal(await linkPermission(PLAN.itemId, link.url), undefined);
  });
});
