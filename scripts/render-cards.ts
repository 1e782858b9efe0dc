/**
 * Renders every card of the catalog with the `adaptivecards` renderer in headless Chromium, with a Teams-like
 * host config, light and dark, into docs/screenshots/<name>-<theme>.png; a few in German and Arabic (right to
 * left, as an Arabic Teams client shows them) into <name>-<lang>-<theme>.png.
 * `npx tsc -p . && node dist/scripts/render-cards.js [name-filter]`
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { iconDirectory } from '../src/cards/file-kinds';
import type { AdaptiveCardJson } from '../src/cards/template';
export { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const ROOT = path.resolve(__dirname, '..', '..');

/** Teams' three themes: default (light), dark and high contrast. */
export type Theme = 'light' | 'dark' | 'contrast';

/** Cards also shown in German and Arabic. */
const LANGUAGES_TOO = ['options-business', 'shared-organizationEdit-sharer', 'error-throttled'];

const DARK_TOO = [
  'finder-results',
  'finder-recent',
  'options-people',
  'options-people-consent',
  'shared-people',
  'options-errors-50-recipients',
  'shared-passwordAndRecipients-sharer',
  'shared-revoked',
  'error-throttled',
  'search-result',
];

/** Starts Chromium with a fresh profile; `close` ends it and removes the profile. */
export async function launchChromium(): Promise<{ newPage: () => Promise<Page>; close: () => Promise<void> }> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-cards-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  return {
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Teams-like host config: Segoe UI stack, Teams colours and spacing, light, dark or high contrast. */
export function hostConfig(theme: Theme): object {
  const dark = theme === 'dark';
  const contrast = theme === 'contrast';
  const fg = dark || contrast ? '#FFFFFF' : '#242424';
  const subtle = contrast ? '#FFFFFF' : dark ? '#ADADAD' : '#616161';
  // Subtle text stays above 4.5:1 on every container (light: #616161 on white; dark: #ADADAD on #292929).
  const color = (d: string, l: string, hc: string) => {
    const c = contrast ? hc : dark ? d : l;
    return { default: c, subtle: c };
  };
  const foreground = {
    default: { default: fg, subtle },
    dark: { default: contrast ? '#FFFFFF' : '#242424', subtle: contrast ? '#FFFFFF' : '#616161' },
    light: { default: '#FFFFFF', subtle: contrast ? '#FFFFFF' : '#ADADAD' },
    accent: color('#7F85F5', '#4F52B2', '#FFFF01'),
    good: color('#92C353', '#237B4B', '#3FF23F'),
    warning: color('#F8D22A', '#835C00', '#FFFF01'),
    attention: color('#F1707B', '#C4314B', '#FFFF01'),
  };
  const bg = (light: string, darkBg: string) => (contrast ? '#000000' : dark ? darkBg : light);
  return {
    fontFamily:
      "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Hebrew', 'DejaVu Sans', sans-serif",
    supportsInteractivity: true,
    spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
    separator: { lineThickness: 1, lineColor: contrast ? '#FFFFFF' : dark ? '#3D3D3D' : '#E0E0E0' },
    fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 },
    fontWeights: { lighter: 300, default: 400, bolder: 600 },
    fontTypes: {
      default: {
        fontFamily:
          "'Segoe UI', -apple-system, Roboto, 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Hebrew', 'DejaVu Sans', sans-serif",
        fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 },
        fontWeights: { lighter: 300, default: 400, bolder: 600 },
      },
      monospace: {
        fontFamily: "Consolas, 'Courier New', 'DejaVu Sans Mono', monospace",
        fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 },
        fontWeights: { lighter: 300, default: 400, bolder: 600 },
      },
    },
    imageSizes: { small: 32, medium: 52, large: 100 },
    containerStyles: {
      default: { backgroundColor: bg('#FFFFFF', '#292929'), foregroundColors: foreground },
      emphasis: { backgroundColor: bg('#F5F5F5', '#1F1F1F'), foregroundColors: foreground },
      accent: { backgroundColor: bg('#E8EBFA', '#2F2F4A'), foregroundColors: foreground },
      good: { backgroundColor: bg('#E7F2DA', '#0D2E0D'), foregroundColors: foreground },
      warning: { backgroundColor: bg('#FBF6D9', '#463100'), foregroundColors: foreground },
      attention: { backgroundColor: bg('#FCF4F6', '#3E1F25'), foregroundColors: foreground },
    },
    actions: {
      maxActions: 6,
      spacing: 'default',
      buttonSpacing: 8,
      showCard: { actionMode: 'inline', inlineTopMargin: 16 },
      actionsOrientation: 'horizontal',
      actionAlignment: 'left',
    },
    adaptiveCard: { allowCustomStyle: true },
    inputs: {
      label: { inputSpacing: 'small', requiredInputs: { weight: 'bolder' }, optionalInputs: { weight: 'bolder' } },
    },
    factSet: { title: { weight: 'bolder', wrap: true, maxWidth: 150 }, value: { wrap: true }, spacing: 8 },
  };
}

/** The host page: Teams-like chrome around the card; `dir` is the Teams client's direction (rtl in Arabic). */
function pageHtml(theme: Theme, dir: 'ltr' | 'rtl'): string {
  const contrast = theme === 'contrast';
  const dark = theme === 'dark' || contrast;
  const bg = contrast ? '#000000' : dark ? '#1F1F1F' : '#F5F5F5';
  const card = contrast ? '#000000' : dark ? '#292929' : '#FFFFFF';
  const fg = dark ? '#FFFFFF' : '#242424';
  const border = contrast ? '#FFFFFF' : dark ? '#666666' : '#D1D1D1';
  const accent = contrast ? '#FFFF01' : dark ? '#7F85F5' : '#4F52B2';
  const onAccent = contrast ? '#000000' : '#FFFFFF';
  // Teams' primary button: brand #4F52B2 in light and dark (white text 6.4:1), yellow in high contrast.
  const primary = contrast ? '#FFFF01' : '#4F52B2';
  const lang = dir === 'rtl' ? 'ar' : 'en';
  return `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><title>Card</title><style>
  body { margin: 0; padding: 16px; background: ${bg}; width: 568px; }
  #card { background: ${card}; border: 1px solid ${border}; border-radius: 6px; overflow: hidden; }
  .ac-pushButton { font: 600 14px 'Segoe UI', sans-serif; padding: 5px 12px; border-radius: 4px; cursor: pointer;
    border: 1px solid ${border}; background: ${card}; color: ${fg}; min-height: 32px; }
  .ac-pushButton.style-positive { background: ${primary}; border-color: ${primary}; color: ${onAccent}; }
  .ac-pushButton.style-destructive { color: ${contrast ? '#FFFF01' : dark ? '#F1707B' : '#C4314B'}; }
  .ac-pushButton:focus-visible, .ac-input:focus-visible, .ac-selectable:focus-visible { outline: 2px solid ${contrast ? '#1AEBFF' : fg}; outline-offset: 2px; }
  .ac-input { font: 14px 'Segoe UI', sans-serif; color: ${fg}; }
  .ac-textInput, .ac-multichoiceInput, .ac-dateInput, select.ac-input { background: ${dark ? '#1F1F1F' : '#F5F5F5'};
    border: 1px solid ${border}; border-bottom-color: ${dark ? '#ADADAD' : '#616161'}; border-radius: 4px; padding: 5px 8px; color: ${fg}; min-height: 20px; }
  .ac-textInput.ac-multiline { min-height: 60px; }
  .ac-selectable:hover { background: ${dark ? '#333' : '#F0F0F0'}; }
  a { color: ${accent}; }
  /* Teams draws toggles and choices as Fluent checkboxes and radios with a 24 px touch target (WCAG 2.2). */
  input[type='checkbox'], input[type='radio'] { inline-size: 24px; block-size: 24px; margin: 0; accent-color: ${accent}; }
  </style></head><body><main id="card"></main></body></html>`;
}

/** Renders one card to PNG bytes; icon URLs under `publicBaseUrl` are served from the committed icon files. */
export async function renderCardPng(
  page: Page,
  card: AdaptiveCardJson,
  theme: Theme,
  publicBaseUrl: string,
  dir: 'ltr' | 'rtl' = 'ltr',
): Promise<Buffer> {
  await renderCard(page, card, theme, publicBaseUrl, dir);
  const handle = await page.$('#card');
  if (!handle) throw new Error('no card element');
  return (await handle.screenshot({ type: 'png' })) as Buffer;
}

/**
 * Renders one card into `#card` of a fresh host page as Teams would show it (theme, client direction), icons
 * served from the committed files: what the screenshots show and the accessibility checks inspect.
 */
export async function renderCard(
  page: Page,
  card: AdaptiveCardJson,
  theme: Theme,
  publicBaseUrl: string,
  dir: 'ltr' | 'rtl' = 'ltr',
): Promise<void> {
  await openHostPage(page, theme, publicBaseUrl, dir);
  await showCard(page, card, theme);
}

/** Loads the host page (theme, direction) with the renderer; cards then come and go with `showCard`. */
export async function openHostPage(
  page: Page,
  theme: Theme,
  publicBaseUrl: string,
  dir: 'ltr' | 'rtl' = 'ltr',
): Promise<void> {
  await page.unroute(`${publicBaseUrl}/static/icons/*`);
  await page.route(`${publicBaseUrl}/static/icons/*`, async (route) => {
    const name = path.basename(new URL(route.request().url()).pathname);
    const file = path.join(iconDirectory(), name);
    if (/^[a-z]+\.png$/.test(name) && fs.existsSync(file))
      await route.fulfill({ path: file, contentType: 'image/png' });
    else await route.fulfill({ status: 404 });
  });
  await page.setContent(pageHtml(theme, dir));
  await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
}

/** Replaces the card on an open host page (see `openHostPage`) and waits for its icons. */
export async function showCard(page: Page, card: AdaptiveCardJson, theme: Theme): Promise<void> {
  // Browser-side code as a string: this project compiles without the DOM typings.
  const rendered = await page.evaluate(`(() => {
    const ac = new AdaptiveCards.AdaptiveCard();
    ac.hostConfig = new AdaptiveCards.HostConfig(${JSON.stringify(hostConfig(theme))});
    ac.parse(${JSON.stringify(card)});
    const el = ac.render();
    if (!el) return false;
    document.getElementById('card').replaceChildren(el);
    // adaptivecards 3.0.6 puts a typeahead ChoiceSet's aria-labelledby (its label) on the wrapper div, where no
    // browser reads it, instead of on the text box inside; Teams draws its own people picker. Hand the card's own
    // label to the text box (a card without a label still has none, and the accessibility check still fails).
    for (const box of document.querySelectorAll('.ac-choiceSetInput-filtered-textbox')) {
      const holder = box.closest('[aria-labelledby]');
      if (holder && !box.hasAttribute('aria-labelledby')) box.setAttribute('aria-labelledby', holder.getAttribute('aria-labelledby'));
    }
    return true;
  })()`);
  if (!rendered) throw new Error('adaptivecards rendered nothing');
  await page.waitForFunction('Array.from(document.images).every((i) => i.complete)', undefined, { timeout: 5000 });
}

async function main(): Promise<void> {
  const { catalog } = await import('../test/src/cards/catalog');
  const { PUBLIC_BASE_URL } = await import('../test/src/cards/fixtures');
  const filter = process.argv[2];
  const outDir = path.join(ROOT, 'docs', 'screenshots');
  fs.mkdirSync(outDir, { recursive: true });
  const { newPage, close } = await launchChromium();
  try {
    const page = await newPage();
    await page.setViewportSize({ width: 600, height: 800 });
    for (const entry of catalog()) {
      if (filter && !entry.name.includes(filter)) continue;
      // Dark mode for one card per builder keeps the committed screenshots small.
      const themes: Theme[] = DARK_TOO.includes(entry.name) ? ['light', 'dark'] : ['light'];
      for (const theme of themes) {
        const png = await renderCardPng(page, entry.card, theme, PUBLIC_BASE_URL);
        const file = path.join(outDir, `${entry.name}-${theme}.png`);
        fs.writeFileSync(file, png);
        console.log(`${path.relative(ROOT, file)} ${png.length} bytes`);
      }
    }
    for (const [lang, locale, dir] of [
      ['de', 'de-DE', 'ltr'],
      ['ar', 'ar-SA', 'rtl'],
    ] as const) {
      for (const entry of catalog(locale)) {
        if (!LANGUAGES_TOO.includes(entry.name) || (filter && !entry.name.includes(filter))) continue;
        const png = await renderCardPng(page, entry.card, 'light', PUBLIC_BASE_URL, dir);
        const file = path.join(outDir, `${entry.name}-${lang}-light.png`);
        fs.writeFileSync(file, png);
        console.log(`${path.relative(ROOT, file)} ${png.length} bytes`);
      }
    }
  } finally {
    await close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
