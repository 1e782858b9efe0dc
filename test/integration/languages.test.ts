import { strict as assert } from 'node:assert';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import { plural, strings } from '../../src/cards';
import {
  USERS,
  cardText,
  errorNextTo,
  findAll,
  inputById,
  invokeActivity,
  startHarness,
  type ActivityOptions,
  type Harness,
} from './harness';
import { createData as journeyCreateData } from './journeys';

const D = GRAPH_SEED.drives;
const I = GRAPH_SEED.items;

/** Issue 14: dialogs, cards and errors in the person's Teams language, with dates in their locale and zone. */
describe('integration: the message extension in the person’s language', function () {
  this.timeout(20_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele] } });
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => h.sandbox.faults.clear());

  const submit = (data: Record<string, unknown>, opts: ActivityOptions) =>
    h.send(
      invokeActivity(
        h.user(USERS.adele),
        'composeExtension/submitAction',
        { commandId: 'shareLink', commandContext: 'compose', context: { theme: 'default' }, data },
        opts,
      ),
    );
  const fetchTask = (opts: ActivityOptions) =>
    h.send(
      invokeActivity(
        h.user(USERS.adele),
        'composeExtension/fetchTask',
        { commandId: 'shareLink', commandContext: 'compose', context: { theme: 'default' } },
        opts,
      ),
    );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const dialog = (body: any) => {
    assert.equal(body?.task?.type, 'continue', JSON.stringify(body).slice(0, 500));
    return { title: body.task.value.title as string, card: body.task.value.card.content };
  };
  const createData = (extra: Record<string, unknown> = {}) => journeyCreateData({ timeZone: 'Asia/Tokyo', ...extra });
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  const cases: Array<{ locale: string; rtl: boolean; expired: RegExp }> = [
    { locale: 'de-DE', rtl: false, expired: /liegt in der Vergangenheit/ },
    { locale: 'ar-SA', rtl: true, expired: /تاريخ انتهاء الصلاحية في الماضي/ },
    { locale: 'ja-JP', rtl: false, expired: /過去の日付/ },
  ];
  for (const { locale, rtl, expired } of cases) {
    describe(locale, () => {
      const s = strings(locale);
      const opts: ActivityOptions = { locale, timezone: 'Asia/Tokyo' };

      it('the finder and the options dialog are in the language, right to left where it is written so', async () => {
        const finder = dialog((await fetchTask(opts)).body);
        assert.equal(finder.title, s.bot.dialogTitles.finder);
        // The Search button's title (the finder now opens on recent files, without the "type a name" text).
        assert.ok(JSON.stringify(finder.card).includes(`"title":"${s.finder.searchButton}"`), 'the Search button');
        assert.equal(finder.card.rtl, rtl);
        const options = dialog(
          (await submit({ action: 'pick', driveId: D.adele, itemId: I.adelePlanDocx }, opts)).body,
        );
        assert.equal(options.title, s.bot.dialogTitles.options);
        assert.equal(options.card.rtl, rtl);
        const text = JSON.stringify(options.card);
        for (const expected of [s.options.typeLabel, s.options.scopeLabel, s.options.create, s.linkTypes.edit])
          assert.ok(text.includes(expected), `"${expected}" in the ${locale} dialog`);
        // The reasons for what cannot be offered come from the domain, translated too.
        assert.ok(!/OneDrive personal|Embed links/.test(text), `no English reasons: ${text.slice(0, 400)}`);
      });

      it('a validation problem is next to its field in the language', async () => {
        const reply = await submit(createData({ expirationDate: '2020-01-01' }), opts);
        const { card } = dialog(reply.body);
        const next = errorNextTo(card, 'expirationDate') ?? '';
        assert.match(next, expired);
        assert.ok(cardText(card).includes(plural(s.options.fixSummary, 1, locale)), 'the summary above says so too');
      });

      it('the link card is in the language, with the expiry date in the locale and the person’s time zone', async () => {
        const day = inDays(20);
        const reply = await submit(createData({ itemId: I.adeleContractPdf, expirationDate: day }), opts);
        const [att] = reply.body.composeExtension.attachments;
        const text = cardText(att.content);
        assert.ok(text.includes(s.shared.factExpires), text.slice(0, 300));
        assert.ok(text.includes(s.linkTypes.view));
        // The link ends at 23:59:59 on the chosen day in Tokyo: the card shows that day in the locale's format.
        const shown = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'Asia/Tokyo' }).format(
          new Date(`${day}T12:00:00+09:00`),
        );
        assert.ok(text.includes(shown), `"${shown}" in ${text.slice(0, 600)}`);
      });

      it('an error from Microsoft 365 comes back as an error card in the language', async () => {
        h.sandbox.faults.add({ kind: 'graph.createLink', status: 429, retryAfter: 120, times: 1 });
        const reply = await submit(createData({ itemId: I.adeleNotesTxt }), opts);
        const { card, title } = dialog(reply.body);
        assert.equal(title, s.bot.dialogTitles.error);
        const text = cardText(card);
        assert.ok(text.includes(s.errors.throttled.title), text);
        assert.ok(text.includes(plural(s.errors.throttled.todoMinutes, 2, locale)), text);
        assert.ok(!/Microsoft|Try again/.test(text.replace(/Microsoft 365/g, '')), `no English sentences: ${text}`);
      });
    });
  }

  it('an unknown language gets English', async () => {
    const finder = dialog((await fetchTask({ locale: 'ko-KR' })).body);
    assert.equal(finder.title, 'Share a file');
    assert.equal(finder.card.rtl, false);
    const reply = await submit(createData({ expirationDate: '2020-01-01' }), { locale: 'ko-KR' });
    assert.match(errorNextTo(dialog(reply.body).card, 'expirationDate') ?? '', /in the past/);
  });

  it('the clientInfo entity’s locale serves when the activity has none', async () => {
    const finder = dialog((await fetchTask({ locale: 'fr-FR', activityLocale: null })).body);
    assert.equal(finder.title, strings('fr').bot.dialogTitles.finder);
    assert.ok(findAll(finder.card, (o) => o.title === strings('fr').finder.searchButton).length > 0);
    assert.ok(inputById(finder.card, 'q'));
  });
});
