/**
 * Accessibility of every card and dialog: each card of the catalog, rendered by the `adaptivecards` renderer as
 * Teams shows it (light, dark and high-contrast host configs; English left to right and Arabic right to left),
 * checked with axe-core for WCAG 2.2 A/AA. One browser and one page for all of it, so the run stays short.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import {
  CHROMIUM_PATH,
  launchChromium,
  openHostPage,
  renderCard,
  showCard,
  type Theme,
} from '../../../scripts/render-cards';
import { catalog } from '../../src/cards/catalog';
import { PUBLIC_BASE_URL } from '../../src/cards/fixtures';
import { axeViolations, describeViolations, seriousOrCritical } from '../axe';

describe('accessibility: every card and dialog under axe-core (adaptivecards renderer)', function () {
  this.timeout(120_000);
  let session: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;

  before(async function () {
    if (!fs.existsSync(CHROMIUM_PATH)) {
      console.error(`SKIPPED: ${CHROMIUM_PATH} is absent; install Debian chromium to check the cards.`);
      this.skip();
    }
    session = await launchChromium();
    page = await session.newPage();
    await page.setViewportSize({ width: 600, height: 800 });
  });

  after(async () => {
    await session?.close();
  });

  const variants: Array<[string, 'ltr' | 'rtl']> = [
    ['en-US', 'ltr'],
    ['ar-SA', 'rtl'],
  ];
  for (const [locale, dir] of variants) {
    for (const theme of ['light', 'dark', 'contrast'] as Theme[]) {
      it(`${locale} (${dir}), ${theme}: no serious or critical violation on any card`, async () => {
        const problems: string[] = [];
        const entries = catalog(locale);
        await openHostPage(page, theme, PUBLIC_BASE_URL, dir);
        for (const entry of entries) {
          await showCard(page, entry.card, theme);
          const found = seriousOrCritical(await axeViolations(page));
          if (found.length) problems.push(`${entry.name}:\n  ${describeViolations(found)}`);
        }
        assert.ok(entries.length >= 25, `the catalog has every card (${entries.length})`);
        assert.equal(problems.length, 0, problems.join('\n'));
      });
    }
  }

  it('an Arabic dialog renders right to left, an English one left to right', async () => {
    const options = (locale: string) => catalog(locale).find((e) => e.name === 'options-business')!.card;
    await renderCard(page, options('ar-SA'), 'light', PUBLIC_BASE_URL, 'rtl');
    assert.equal(await page.evaluate("getComputedStyle(document.querySelector('.ac-adaptiveCard')).direction"), 'rtl');
    await renderCard(page, options('en-US'), 'light', PUBLIC_BASE_URL, 'ltr');
    assert.equal(await page.evaluate("getComputedStyle(document.querySelector('.ac-adaptiveCard')).direction"), 'ltr');
  });

  it('finds what it is meant to find: an image without alt text and an unlabelled input are reported', async () => {
    const bad = {
      type: 'AdaptiveCard' as const,
      version: '1.5',
      body: [
        { type: 'Image', url: `${PUBLIC_BASE_URL}/static/icons/word.png` },
        { type: 'Input.Text', id: 'unlabelled' },
      ],
    };
    await renderCard(page, bad, 'light', PUBLIC_BASE_URL);
    const ids = (await axeViolations(page)).map((v) => v.id);
    assert.ok(ids.includes('image-alt'), ids.join());
    assert.ok(ids.includes('label'), ids.join());
  });
});
