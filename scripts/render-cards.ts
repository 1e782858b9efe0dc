/**
 * Renders every card of the catalog with the `adaptivecards` renderer in headless Chromium, with a Teams-like
 * host config, light and dark, into docs/screenshots/<name>-<theme>.png.
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

export type Theme = 'light' | 'dark';

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

/** Teams-like host config: Segoe UI stack, Teams colours and spacing, light or dark. */
export function hostConfig(theme: Theme): object {
  const dark = theme === 'dark';
  const fg = dark ? '#FFFFFF' : '#242424';
  const subtle = dark ? '#ADADAD' : '#616161';
  const color = (d: string, l: string) => ({ default: dark ? d : l, subtle: dark ? d + 'CC' : l + 'CC' });
  const foreground = {
    default: { default: fg, subtle },
    dark: { default: '#242424', subtle: '#616161' },
    light: { default: '#FFFFFF', subtle: '#ADADAD' },
    accent: color('#7F85F5', '#5B5FC7'),
    good: color('#92C353', '#237B4B'),
    warning: color('#F8D22A', '#835C00'),
    attention: color('#F1707B', '#C4314B'),
  };
  return {
    fontFamily:
      "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Hebrew', 'DejaVu Sans', sans-serif",
    supportsInteractivity: true,
    spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
    separator: { lineThickness: 1, lineColor: dark ? '#3D3D3D' : '#E0E0E0' },
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
      default: { backgroundColor: dark ? '#292929' : '#FFFFFF', foregroundColors: foreground },
      emphasis: { backgroundColor: dark ? '#1F1F1F' : '#F5F5F5', foregroundColors: foreground },
      accent: { backgroundColor: dark ? '#2F2F4A' : '#E8EBFA', foregroundColors: foreground },
      good: { backgroundColor: dark ? '#0D2E0D' : '#E7F2DA', foregroundColors: foreground },
      warning: { backgroundColor: dark ? '#463100' : '#FBF6D9', foregroundColors: foreground },
      attention: { backgroundColor: dark ? '#3E1F25' : '#FCF4F6', foregroundColors: foreground },
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

function pageHtml(theme: Theme): string {
  const dark = theme === 'dark';
  const bg = dark ? '#1F1F1F' : '#F5F5F5';
  const card = dark ? '#292929' : '#FFFFFF';
  const fg = dark ? '#FFFFFF' : '#242424';
  const border = dark ? '#3D3D3D' : '#D1D1D1';
  const accent = dark ? '#7F85F5' : '#5B5FC7';
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; padding: 16px; background: ${bg}; width: 568px; }
  #card { background: ${card}; border: 1px solid ${border}; border-radius: 6px; overflow: hidden; }
  .ac-pushButton { font: 600 14px 'Segoe UI', sans-serif; padding: 5px 12px; border-radius: 4px; cursor: pointer;
    border: 1px solid ${border}; background: ${card}; color: ${fg}; min-height: 32px; }
  .ac-pushButton.style-positive { background: ${accent}; border-color: ${accent}; color: #fff; }
  .ac-pushButton.style-destructive { color: ${dark ? '#F1707B' : '#C4314B'}; }
  .ac-input { font: 14px 'Segoe UI', sans-serif; color: ${fg}; }
  .ac-textInput, .ac-multichoiceInput, .ac-dateInput, select.ac-input { background: ${dark ? '#1F1F1F' : '#F5F5F5'};
    border: 1px solid ${border}; border-bottom-color: ${dark ? '#ADADAD' : '#616161'}; border-radius: 4px; padding: 5px 8px; color: ${fg}; min-height: 20px; }
  .ac-textInput.ac-multiline { min-height: 60px; }
  .ac-selectable:hover { background: ${dark ? '#333' : '#F0F0F0'}; }
  </style></head><body><div id="card"></div></body></html>`;
}

/** Renders one card to PNG bytes; icon URLs under `publicBaseUrl` are served from the committed icon files. */
export async function renderCardPng(
  page: Page,
  card: AdaptiveCardJson,
  theme: Theme,
  publicBaseUrl: string,
): Promise<Buffer> {
  await page.route(`${publicBaseUrl}/static/icons/*`, async (route) => {
    const name = path.basename(new URL(route.request().url()).pathname);
    const file = path.join(iconDirectory(), name);
    if (/^[a-z]+\.png$/.test(name) && fs.existsSync(file))
      await route.fulfill({ path: file, contentType: 'image/png' });
    else await route.fulfill({ status: 404 });
  });
  await page.setContent(pageHtml(theme));
  await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
  // Browser-side code as a string: this project compiles without the DOM typings.
  const rendered = await page.evaluate(`(() => {
    const ac = new AdaptiveCards.AdaptiveCard();
    ac.hostConfig = new AdaptiveCards.HostConfig(${JSON.stringify(hostConfig(theme))});
    ac.parse(${JSON.stringify(card)});
    const el = ac.render();
    if (!el) return false;
    document.getElementById('card').appendChild(el);
    return true;
  })()`);
  if (!rendered) throw new Error('adaptivecards rendered nothing');
  await page.waitForFunction('Array.from(document.images).every((i) => i.complete)', undefined, { timeout: 5000 });
  const handle = await page.$('#card');
  if (!handle) throw new Error('no card element');
  return (await handle.screenshot({ type: 'png' })) as Buffer;
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
