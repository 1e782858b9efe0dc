import { strict as assert } from 'node:assert';
import {
  fileFinderDialog,
  linkOptionsDialog,
  searchResultAttachment,
  sharedLinkCard,
  type AdaptiveCardJson,
} from '../../../src/cards';
import { planRecipients } from '../../../src/domain/conversation';
import { htmlText, markdownText, plainText } from '../../../src/domain/displayText';
import type { DriveItemInfo, Recipient } from '../../../src/domain/types';
import { businessChoices, docx, MANAGE_URL, NOW, outcomes, PUBLIC_BASE_URL, SHARER, TIME_ZONE } from './fixtures';

/** What the hostile-conditions campaign put into file, folder and people's names (issue 9, defect 9). */
const HOSTILE =
  '<img src=x onerror=alert(1)><script>alert(2)</script>[click me](https://evil.example) invoice\u202egpj.exe\u0000\u0007\r\nend';
/** Characters that must never reach a surface: C0/C1 controls, bidirectional overrides/embeddings, line breaks. */
const FORBIDDEN = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u202A-\u202E]/;

const env = { publicBaseUrl: PUBLIC_BASE_URL, locale: 'en-US', timeZone: TIME_ZONE };
const hostileItem: DriveItemInfo = { ...docx, name: HOSTILE, parentPath: `Shared/${HOSTILE}`, lastModifiedBy: HOSTILE };
const hostilePerson: Recipient = { displayName: HOSTILE, email: 'megan@contoso.example' };

/** Every string anywhere in a card. */
function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => strings(n, out));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => strings(n, out));
  return out;
}

/** Texts of elements Teams renders as Markdown (TextBlock text, Fact values), where link syntax must not survive. */
function markdownFields(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => markdownFields(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet' && Array.isArray(o.facts)) for (const f of o.facts) out.push(String(f.value ?? ''));
    Object.values(o).forEach((n) => markdownFields(n, out));
  }
  return out;
}

describe('cards: hostile names are shown as typed, never as markup or reordered text (issue 9, defect 9)', () => {
  const cards: Array<[string, AdaptiveCardJson]> = [
    ['search result card', searchResultAttachment(hostileItem, env).content],
    ['file finder', fileFinderDialog({ ...env, query: HOSTILE, results: [hostileItem] }).card],
    ['link options', linkOptionsDialog({ ...env, item: hostileItem, choices: businessChoices, now: NOW }).card],
    [
      // "People in <chat topic>": the topic and members' names are whatever people typed in Teams.
      'link options with the people of a chat',
      linkOptionsDialog({
        ...env,
        item: docx,
        choices: businessChoices,
        now: NOW,
        people: {
          available: true,
          people: planRecipients(
            [
              { displayName: HOSTILE, objectId: 'megan', tenantId: 'contoso' },
              { displayName: `Alex ${HOSTILE}`, objectId: 'alex', tenantId: 'contoso' },
              {
                displayName: `Jordan ${HOSTILE}`,
                objectId: 'jordan',
                tenantId: 'northwind',
                email: 'j@northwind.example',
              },
              { displayName: `Sam ${HOSTILE}`, objectId: 'sam', tenantId: 'northwind' },
            ],
            { tenantId: 'contoso', objectId: SHARER },
            { kind: 'groupChat', name: `Falcon ${HOSTILE}` },
          ),
        },
        peopleChosen: { kept: ['megan', 'alex', 'jordan'] },
      }).card,
    ],
    [
      'shared link card',
      sharedLinkCard(
        {
          ...outcomes.organizationEdit,
          item: hostileItem,
          scope: 'users',
          grantedTo: [hostilePerson],
          notified: [hostilePerson],
        },
        {
          ...env,
          manageLinksUrl: MANAGE_URL,
          sharerAadObjectId: SHARER,
          sharerUserId: '29:1',
          revoked: { at: NOW.toISOString(), by: HOSTILE },
        },
      ).card,
    ],
  ];

  for (const [name, card] of cards) {
    it(`${name}: no control or bidi override characters, no Markdown link where Markdown renders`, () => {
      const all = strings(card);
      const shown = all.filter((s) => s.includes('invoice'));
      assert.ok(shown.length > 0, 'the name is on the card');
      for (const s of all) assert.doesNotMatch(s, FORBIDDEN, JSON.stringify(s));
      for (const s of markdownFields(card)) assert.doesNotMatch(s, /\[[^\]]*\]\(/, JSON.stringify(s));
    });
  }

  it('search preview (thumbnail card, rendered as HTML and Markdown): no tags, no link syntax, no overrides', () => {
    const preview = searchResultAttachment(hostileItem, env).preview.content;
    for (const field of [preview.title, preview.subtitle, preview.text]) {
      assert.doesNotMatch(field, /[<>]/, field);
      assert.doesNotMatch(field, /\[[^\]]*\]\(/, field);
      assert.doesNotMatch(field, FORBIDDEN, JSON.stringify(field));
    }
    assert.match(preview.title, /invoice/);
  });

  it('the text helpers: plain keeps the words, Markdown and HTML variants keep them readable', () => {
    assert.equal(plainText('a\u202eb\u0000c\r\nd\u2066e\u2069'), 'abc de');
    assert.doesNotMatch(markdownText('[x](https://e.example) **b**'), /\[x\]\(|\*\*b\*\*/);
    assert.equal(markdownText('Plan.docx'), 'Plan.docx');
    assert.doesNotMatch(htmlText('<b>&'), /[<>]|&(?!#)/);
    assert.match(htmlText('<b>&'), /^&#60;b/);
  });
});
