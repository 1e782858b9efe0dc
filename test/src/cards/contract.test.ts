import { strict as assert } from 'node:assert';
import { catalog } from './catalog';
import { newerThan, nodes, parserIssues, schemaErrors } from './checks';
import { PASSWORD, SHARER, trickyName } from './fixtures';

/** Teams' smallest message limit seen is 28 KB (workflows, BotFramework-Services#228); stay well under it. */
const MAX_CARD_BYTES = 24 * 1024;

describe('cards: every card of every builder meets the contracts', () => {
  const entries = catalog();

  it('uses checks that catch what they are meant to catch', () => {
    const card = (body: unknown[]) => ({ type: 'AdaptiveCard', version: '1.4', body });
    assert.notDeepEqual(schemaErrors(card([{ type: 'TextBlock', text: 'x', bogus: 1 }])), []);
    assert.notDeepEqual(newerThan(card([{ type: 'Table', rows: [] }]), '1.4'), []);
    assert.notDeepEqual(newerThan(card([{ type: 'Input.Text', id: 'a', label: 'x' }]), '1.2'), []);
    assert.notDeepEqual(parserIssues(card([{ type: 'Input.Text', id: 'a', style: 'Password' }]), '1.4'), []);
    assert.notDeepEqual(
      parserIssues(
        card([
          { type: 'Input.Text', id: 'a' },
          { type: 'Input.Text', id: 'a' },
        ]),
        '1.5',
      ),
      [],
    );
    assert.throws(() =>
      schemaErrors(
        card([
          { type: 'Input.ChoiceSet', id: 'p', choices: [], 'choices.data': { type: 'Data.Query', dataset: 'mine' } },
        ]),
      ),
    );
  });

  it('covers every builder and variant', () => {
    assert.ok(entries.length >= 25, `only ${entries.length} cards`);
    for (const prefix of ['finder-', 'options-', 'shared-', 'error-', 'search-result']) {
      assert.ok(
        entries.some((e) => e.name.startsWith(prefix)),
        prefix,
      );
    }
  });

  for (const e of entries) {
    describe(e.name, () => {
      it(`declares version ${e.target} and uses nothing newer`, () => {
        assert.equal(e.card.version, e.target);
        assert.deepEqual(newerThan(e.card, e.target), []);
      });

      it('validates against the Adaptive Card 1.5 JSON schema', () => {
        assert.deepEqual(schemaErrors(e.card), []);
      });

      it(`parses and validates with the adaptivecards library at ${e.target}`, () => {
        assert.deepEqual(parserIssues(e.card, e.target), []);
      });

      it('stays well under the smallest Teams message size', () => {
        const json = JSON.stringify(e.card);
        assert.ok(Buffer.byteLength(json, 'utf8') < MAX_CARD_BYTES, `${Buffer.byteLength(json)} bytes`);
        assert.ok(json.length * 2 < 2 * MAX_CARD_BYTES, 'UTF-16 size');
      });

      it('has no template leftovers and no unexpanded expressions', () => {
        assert.deepEqual(e.warnings, []);
        // File names are data, never expressions: the tricky fixture's literal "${s.title}" must survive as-is.
        const json = JSON.stringify(e.card).split(JSON.stringify(trickyName.name).slice(1, -1)).join('');
        assert.doesNotMatch(json, /\$\{/);
        for (const n of nodes(e.card)) {
          assert.ok(!('$when' in n) && !('$data' in n), 'templating keys left in the card');
        }
        assert.doesNotMatch(json, /\{[a-zA-Z]+\}/, 'a string placeholder was not filled');
      });

      it('never contains the password', () => {
        assert.ok(!JSON.stringify(e.card).includes(PASSWORD));
      });

      it('offers Action.Execute and refresh only on shared-link cards, the button only to the sharer', () => {
        const executes = nodes(e.card).filter((n) => n.type === 'Action.Execute');
        const refresh = e.card.refresh as { userIds?: string[]; action?: { verb?: string } } | undefined;
        const buttons = executes.filter((n) => n.verb === 'revokeLink');
        if (!e.name.startsWith('shared-') || e.name === 'shared-revoked' || e.name === 'shared-without-details') {
          assert.equal(refresh, undefined);
          assert.equal(executes.length, 0);
          return;
        }
        assert.deepEqual(refresh?.userIds, [`8:orgid:${SHARER}`]);
        assert.equal(refresh?.action?.verb, 'refreshLinkCard');
        assert.equal(buttons.length, e.name.endsWith('-sharer') ? 1 : 0);
      });
    });
  }
});

describe('cards: every card in German, Arabic and Japanese meets the same contracts', () => {
  for (const locale of ['de-DE', 'ar-SA', 'ja-JP']) {
    it(`${locale}: versions, schema, parser, size and filled placeholders`, () => {
      const problems: string[] = [];
      for (const e of catalog(locale)) {
        const json = JSON.stringify(e.card).split(JSON.stringify(trickyName.name).slice(1, -1)).join('');
        if (e.card.version !== e.target) problems.push(`${e.name}: version ${e.card.version}`);
        for (const p of [...newerThan(e.card, e.target), ...schemaErrors(e.card), ...parserIssues(e.card, e.target)])
          problems.push(`${e.name}: ${p}`);
        if (e.warnings.length) problems.push(`${e.name}: ${e.warnings.join('; ')}`);
        if (/\{[a-zA-Z]+\}|\$\{/.test(json)) problems.push(`${e.name}: an unfilled placeholder`);
        if (Buffer.byteLength(json, 'utf8') >= MAX_CARD_BYTES) problems.push(`${e.name}: too large`);
      }
      assert.deepEqual(problems, []);
    });
  }

  it('Arabic dialogs (Adaptive Cards 1.5) read right to left; 1.4 cards cannot say so and follow the client', () => {
    for (const e of catalog('ar-SA')) assert.equal(e.card.rtl, e.target === '1.5' ? true : undefined, e.name);
    for (const e of catalog('de-DE')) assert.equal(e.card.rtl, e.target === '1.5' ? false : undefined, e.name);
  });
});
