import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { PNG } from 'pngjs';
import { CHROMIUM_PATH, launchChromium, renderCardPng } from '../../scripts/render-cards';
import { catalog } from '../src/cards/catalog';
import { PUBLIC_BASE_URL } from '../src/cards/fixtures';

describe('cards render in Chromium with the adaptivecards renderer', function () {
  this.timeout(60000);
  let session: Awaited<ReturnType<typeof launchChromium>> | undefined;

  before(async function () {
    if (!fs.existsSync(CHROMIUM_PATH)) {
      console.error(`SKIPPED: ${CHROMIUM_PATH} is absent; install Debian chromium to render cards.`);
      this.skip();
    }
    session = await launchChromium();
  });

  after(async () => {
    await session?.close();
  });

  it('renders the shared-link card (with its icon) to a non-empty screenshot', async () => {
    const entry = catalog().find((e) => e.name === 'shared-organizationEdit-sharer')!;
    const page = await session!.newPage();
    const bytes = await renderCardPng(page, entry.card, 'light', PUBLIC_BASE_URL);
    const png = PNG.sync.read(bytes);
    assert.ok(png.width > 300 && png.height > 150, `${png.width}x${png.height}`);
    // Not blank: the screenshot holds many distinct colours (text, icon, button).
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
    assert.ok(colours.size > 20, `${colours.size} colours`);
    // The file icon was served and drawn (Word blue somewhere in the top-left corner).
    let blue = 0;
    for (let y = 0; y < 80; y++)
      for (let x = 0; x < 80; x++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i]! < 60 && png.data[i + 2]! > 150) blue++;
      }
    assert.ok(blue > 10, 'icon visible');
    await page.close();
  });
});
