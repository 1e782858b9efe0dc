import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { MessageExtensionCommand } from '../../src/dev/playground';
export { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium';

/**
 * Drives the Microsoft 365 Agents Playground in headless Chromium with the steps a person takes in Teams.
 * Selectors are the Playground's accessible names (see docs/playground.md, "Selectors"). Every wait is bounded
 * by `timeoutMs`; failures throw with what the page showed.
 */

export interface DriverOptions {
  /** Where screenshot(name) writes (default ./test-artifacts). */
  artifactsDir?: string;
  /** Commands from the app manifest, so steps can name a command by its title. */
  commands?: MessageExtensionCommand[];
  /** Upper bound for each wait (default 15 s). */
  timeoutMs?: number;
}

/** What a rendered Adaptive Card shows: its text and its links (Action.OpenUrl buttons and anchors). */
export interface RenderedCard {
  text: string;
  links: Array<{ title: string; url: string }>;
}

/** The little of the DOM the in-page functions below use (the project compiles without lib "dom"). */
interface DomElement {
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  closest(selector: string): DomElement | null;
  readonly innerText: string;
  readonly parentElement: DomElement | null;
}
declare const document: {
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  body: DomElement;
};

const APP_ERRORS = /Unable to reach app|Invalid response returned from your app/;

/** Reads a rendered card element in the page (runs in the browser). */
function readCardInPage(el: DomElement): RenderedCard {
  const links: Array<{ title: string; url: string }> = [];
  for (const a of Array.from(el.querySelectorAll('[role="link"][title], a[href]'))) {
    const url = a.getAttribute('title') || a.getAttribute('href') || '';
    const title = a.getAttribute('aria-label') || a.innerText.trim();
    if (url) links.push({ title, url });
  }
  return { text: el.innerText.trim(), links };
}

export class PlaygroundDriver {
  private readonly timeoutMs: number;
  private readonly artifactsDir: string;

  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly options: DriverOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.artifactsDir = options.artifactsDir ?? path.resolve('test-artifacts');
    page.setDefaultTimeout(this.timeoutMs);
  }

  /** Launches headless Chromium (fresh profile) with one page. */
  static async launch(options: DriverOptions = {}): Promise<PlaygroundDriver> {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      return new PlaygroundDriver(browser, page, options);
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** Closes the browser. Safe to call twice. */
  async close(): Promise<void> {
    if (this.browser.isConnected()) await this.browser.close();
  }

  /** Opens the Playground and waits until its compose box is ready. */
  async open(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'domcontentloaded' });
    await this.composeBox().waitFor();
  }

  /** Switches to a conversation by its name in the left rail ("Personal Chat", the group chat or a channel). */
  async openConversation(name: string): Promise<void> {
    await this.page.getByRole('treeitem', { name }).first().click();
    await this.composeBox().waitFor();
  }

  /** The compose box (a rich-text editor). */
  composeBox(): Locator {
    return this.page.locator('[data-lexical-editor="true"]');
  }

  /** The open dialog (the Playground shows one at a time). */
  dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  private resolveCommandId(commandTitleOrId: string): string {
    const command = this.options.commands?.find((c) => c.id === commandTitleOrId || c.title === commandTitleOrId);
    return command?.id ?? commandTitleOrId;
  }

  /** Answers the Playground's "Command ID" prompt and waits for the bot's dialog (fetchTask → task.continue). */
  private async fetchDialog(commandTitleOrId: string): Promise<Locator> {
    const prompt = this.dialog();
    await prompt.getByPlaceholder('Input command id or leave blanks').fill(this.resolveCommandId(commandTitleOrId));
    await prompt.getByRole('button', { name: 'Create' }).click();
    const card = this.dialog().locator('.ac-adaptiveCard');
    await card.or(this.page.getByText(APP_ERRORS)).first().waitFor();
    await this.failOnAppError('opening the dialog');
    return this.dialog();
  }

  private async failOnAppError(step: string): Promise<void> {
    const error = this.page.getByText(APP_ERRORS);
    if (await error.count()) {
      throw new Error(`The Playground reported an app error while ${step}: ${await error.first().innerText()}`);
    }
  }

  /** Compose box → message-extension menu → Action Command → the bot's dialog. */
  async openActionCommand(commandTitleOrId: string): Promise<Locator> {
    await this.page.getByLabel('Trigger Message Extension App').click();
    await this.page.getByRole('menuitem', { name: 'Action Command' }).click();
    return this.fetchDialog(commandTitleOrId);
  }

  /** A message's "…" menu → Action Command → the bot's dialog (fetchTask carries messagePayload). */
  async openMessageAction(messageText: string, commandTitleOrId: string): Promise<Locator> {
    const more = this.page.getByLabel('Show more information');
    const message = this.page.locator('div').filter({ hasText: messageText }).filter({ has: more }).last();
    await message.waitFor();
    await message.hover();
    await message.locator(more).last().click();
    await this.page.getByRole('menuitem', { name: 'Action Command' }).click();
    return this.fetchDialog(commandTitleOrId);
  }

  /** Types into a dialog input found by its label (Adaptive Card `label`) or placeholder. */
  async fillDialogInput(labelOrPlaceholder: string, value: string): Promise<void> {
    const dialog = this.dialog();
    const input = dialog.getByLabel(labelOrPlaceholder).or(dialog.getByPlaceholder(labelOrPlaceholder)).first();
    await input.fill(value);
  }

  /** Picks an option of an Input.ChoiceSet (compact combobox or expanded radio/checkbox list) by its title. */
  async chooseInDialog(label: string, optionTitle: string): Promise<void> {
    const dialog = this.dialog();
    const combo = dialog.getByRole('combobox', { name: label });
    if (await combo.count()) {
      await combo.first().click();
      await this.page.getByRole('option', { name: optionTitle, exact: true }).click();
      return;
    }
    const choice = dialog
      .getByRole('radio', { name: optionTitle, exact: true })
      .or(dialog.getByRole('checkbox', { name: optionTitle, exact: true }));
    await choice.first().check();
  }

  /** Sets an Input.Toggle (a checkbox named by its title). */
  async setDialogToggle(title: string, on: boolean): Promise<void> {
    await this.dialog().getByRole('checkbox', { name: title }).setChecked(on);
  }

  /** The dialog's visible text. */
  async dialogText(): Promise<string> {
    return (await this.dialog().locator('.ac-adaptiveCard').first().innerText()).trim();
  }

  /**
   * Clicks a card action in the dialog and waits for the bot's answer to the submit (the browser's call to the
   * Playground's /_conversation/v1/invoke): 'closed' when the dialog closed (e.g. a result went into the compose
   * box), 'newCard' when the bot answered task.continue and the dialog shows its new card. `near`: click the
   * button in the part of the card that shows exactly this text (e.g. a result row's "Share").
   */
  async clickDialogAction(title: string, options: { near?: string } = {}): Promise<'closed' | 'newCard'> {
    const answered = this.page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/_conversation/v1/invoke',
    );
    const button = this.dialog().getByRole('button', { name: title, exact: true });
    if (options.near) {
      // Several rows have the same button ("Share"): take the innermost card element holding both the text and it.
      const inRow = this.page.getByRole('button', { name: title, exact: true });
      await this.dialog()
        .locator('.ac-container, .ac-columnSet')
        .filter({ has: this.page.getByText(options.near, { exact: true }) })
        .filter({ has: inRow })
        .last()
        .locator(inRow)
        .first()
        .click();
    } else {
      await button.click();
    }
    const response = await answered;
    const body = (await response.json().catch(() => ({}))) as { task?: { type?: string } };
    if (!response.ok()) {
      await this.page
        .getByText(APP_ERRORS)
        .first()
        .waitFor()
        .catch(() => undefined);
      throw new Error(`The bot's answer to "${title}" failed: HTTP ${response.status()} ${JSON.stringify(body)}`);
    }
    if (body.task?.type === 'continue') {
      await this.dialog().locator('.ac-adaptiveCard').first().waitFor();
      // The Playground re-renders the card in place; give React one frame to paint the new content.
      await this.page.evaluate(
        () =>
          new Promise((resolve) =>
            (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame(() =>
              resolve(undefined),
            ),
          ),
      );
      return 'newCard';
    }
    await this.dialog().waitFor({ state: 'detached' });
    return 'closed';
  }

  /** Closes any open dialog or menu (Escape), so the next step starts from the chat. */
  async dismissDialogs(): Promise<void> {
    for (let i = 0; i < 3 && (await this.dialog().count()); i++) {
      await this.page.keyboard.press('Escape');
      await this.dialog()
        .waitFor({ state: 'detached', timeout: 2000 })
        .catch(() => undefined);
    }
  }

  /** Closes the dialog without submitting. */
  async closeDialog(): Promise<void> {
    await this.dialog().getByRole('button', { name: 'Close' }).first().click();
    await this.dialog().waitFor({ state: 'detached' });
  }

  /** Waits for a card in the compose box (after submitAction → composeExtension result) and reads it. */
  async composeCard(): Promise<RenderedCard> {
    const card = this.composeBox().locator('.ac-adaptiveCard').first();
    await card.waitFor();
    return card.evaluate(readCardInPage);
  }

  /** Presses Send on the compose box. */
  async sendComposeBox(): Promise<void> {
    await this.page.getByLabel('Send Message').click();
    await this.composeBox().locator('.ac-adaptiveCard').waitFor({ state: 'detached' });
  }

  /** Types a chat message and sends it. */
  async sendMessage(text: string): Promise<void> {
    await this.composeBox().fill(text);
    await this.page.getByLabel('Send Message').click();
  }

  /** Waits until a message containing `text` is shown in the conversation. */
  async waitForMessage(text: string): Promise<void> {
    await this.page.getByText(text).first().waitFor();
  }

  /** The newest card shown in the conversation (not in the compose box or a dialog). */
  async lastCardInConversation(): Promise<RenderedCard> {
    // Mark the newest conversation card in the page, then read it through a locator.
    await this.page.waitForFunction(() => {
      const cards = Array.from(document.querySelectorAll('.ac-adaptiveCard')).filter(
        (el) => !el.closest('[data-lexical-editor="true"], [role="dialog"]'),
      );
      for (const el of Array.from(document.querySelectorAll('[data-e2e-last-card]')))
        el.removeAttribute('data-e2e-last-card');
      if (!cards.length) return false;
      cards[cards.length - 1].setAttribute('data-e2e-last-card', '');
      return true;
    });
    return this.page.locator('[data-e2e-last-card]').evaluate(readCardInPage);
  }

  /**
   * Clicks an action of the newest conversation card that has it. Action.Execute sends adaptiveCard/action and the
   * card the bot returns replaces this one; a plain Action.Submit sends a message activity with `value`.
   */
  async clickCardActionInConversation(title: string): Promise<void> {
    // Mark the cards that sit in the conversation (not in the compose box or a dialog), then pick among them.
    await this.page.evaluate(() => {
      for (const el of Array.from(document.querySelectorAll('.ac-adaptiveCard'))) {
        if (el.closest('[data-lexical-editor="true"], [role="dialog"]'))
          el.removeAttribute('data-e2e-conversation-card');
        else el.setAttribute('data-e2e-conversation-card', '');
      }
    });
    const button = this.page.getByRole('button', { name: title, exact: true });
    await this.page.locator('[data-e2e-conversation-card]').filter({ has: button }).last().locator(button).click();
  }

  /**
   * Compose box → Search Command: sets the command id (and parameter name), types the query and returns the
   * result titles once the bot answered ("We didn't find any matches." → []). Throws when the panel shows an error.
   */
  async runSearchCommand(commandId: string, query: string, parameterName?: string): Promise<string[]> {
    const shown = await this.searchCommand(commandId, query, parameterName);
    if (shown.error !== undefined) throw new Error(`The search panel shows an error: ${shown.error}`);
    return shown.titles;
  }

  /**
   * Runs a search command and returns the bot's answer as the browser received it, the titles listed and the
   * panel's error, if any. The Playground lists no results when any preview has a `tap` (it cannot send
   * selectItem) and shows "Unable to reach app" instead.
   */
  async searchCommand(
    commandId: string,
    query: string,
    parameterName?: string,
  ): Promise<{ answer: unknown; titles: string[]; error?: string }> {
    await this.page.getByLabel('Trigger Message Extension App').click();
    await this.page.getByRole('menuitem', { name: 'Search Command' }).click();
    await this.page.getByText('Specify Command ID or Parameter').click();
    await this.page.getByPlaceholder('Command ID').fill(this.resolveCommandId(commandId));
    if (parameterName) await this.page.getByPlaceholder('Parameter name').fill(parameterName);
    const answered = this.page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/_conversation/v1/invoke',
    );
    await this.page.getByPlaceholder('Enter a search term').fill(query);
    const answer: unknown = await (await answered).json().catch(() => undefined);
    const shown = await this.page.waitForFunction(() => {
      const input = document.querySelector('input[placeholder="Enter a search term"]');
      let panel: DomElement | null = input;
      while (panel && !panel.innerText.includes('Search-Based Message Extension')) panel = panel.parentElement;
      if (!panel) return false;
      const error = /Unable to reach app[^\n]*|Invalid response returned from your app[^\n]*/.exec(panel.innerText);
      if (error) return { titles: [] as string[], error: error[0] };
      const found = Array.from(panel.querySelectorAll('h1')).map((h) => h.innerText.trim());
      if (found.length) return { titles: found };
      return panel.innerText.includes("We didn't find any matches.") ? { titles: [] as string[] } : false;
    });
    return { answer, ...((await shown.jsonValue()) as { titles: string[]; error?: string }) };
  }

  /** Closes the search panel (its Close button), so the next step starts from the chat. */
  async closeSearchPanel(): Promise<void> {
    const title = this.page.getByText('Search-Based Message Extension', { exact: true });
    if (!(await title.count())) return;
    await this.page.getByRole('button', { name: 'Close' }).last().click();
    await title.waitFor({ state: 'detached' });
  }

  /** Clicks a search result; the Playground inserts its card into the compose box (it sends no selectItem). */
  async pickSearchResult(title: string): Promise<RenderedCard> {
    await this.page.getByRole('heading', { name: title, exact: true }).first().click();
    return this.composeCard();
  }

  /** Saves a full-page screenshot as <artifactsDir>/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.artifactsDir, { recursive: true });
    const file = path.join(this.artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}
