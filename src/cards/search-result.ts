import type { DriveItemInfo } from '../domain/types';
import { itemHeader, itemView, resolveEnv, withDirection, type CardEnv } from './common';
import type { SearchSelectValue } from './contract';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './envelopes';
import { truncate } from './format';
import { htmlText } from '../domain/displayText';
import { expandTemplate, type AdaptiveCardJson, type Expansion } from './template';
import template from './templates/search-result.json';

export const THUMBNAIL_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.thumbnail';

/** The thumbnail card Teams shows in the search result list; tapping it sends `composeExtension/selectItem`. */
export interface ThumbnailPreview {
  contentType: typeof THUMBNAIL_CARD_CONTENT_TYPE;
  content: {
    title: string;
    subtitle: string;
    text: string;
    images: Array<{ url: string; alt: string }>;
    tap: { type: 'invoke'; value: SearchSelectValue };
  };
}

/** The list entry for one search hit: icon, name, location and details; its tap selects the item. */
export function searchResultPreview(item: DriveItemInfo, env: CardEnv): ThumbnailPreview {
  const resolved = resolveEnv(env);
  const view = itemView(item, resolved);
  return {
    contentType: THUMBNAIL_CARD_CONTENT_TYPE,
    content: {
      // Teams renders HTML and Markdown in thumbnail card text: names show as typed, never as markup.
      title: htmlText(truncate(view.name, 120)),
      subtitle: htmlText(truncate(view.location, 120)),
      text: htmlText(view.details),
      images: [{ url: view.iconUrl, alt: view.iconAlt }],
      tap: { type: 'invoke', value: { action: 'selectItem', driveId: item.driveId, itemId: item.itemId } },
    },
  };
}

/**
 * Adaptive Card version per surface: search results go into the compose box (1.4, Outlook-safe); link unfurling
 * renders only 1.3 and earlier (Learn "Link unfurling", MicrosoftDocs/msteams-docs#7286). The card uses nothing
 * newer than 1.2 (RichTextBlock), so both declare the version their surface renders.
 */
export type ItemCardSurface = 'search' | 'unfurl';
const VERSION_BY_SURFACE: Record<ItemCardSurface, string> = { search: '1.4', unfurl: '1.3' };

/**
 * The content card of a search hit or an unfurled link: the file itself. Teams inserts it only if the bot does not
 * answer `selectItem` with the shared-link card, so it never claims that a link exists.
 */
export function searchResultCard(item: DriveItemInfo, env: CardEnv, surface: ItemCardSurface = 'search'): Expansion {
  const resolved = resolveEnv(env);
  const warnings: string[] = [];
  const header = itemHeader(item, resolved, warnings);
  const e = expandTemplate(template, { header, openTitle: resolved.s.search.open, webUrl: item.webUrl });
  return withDirection(
    { card: { ...e.card, version: VERSION_BY_SURFACE[surface] }, warnings: [...warnings, ...e.warnings] },
    resolved,
  );
}

/** One `composeExtension` result attachment: the content card plus its list preview (required for unfurling). */
export function searchResultAttachment(
  item: DriveItemInfo,
  env: CardEnv,
  surface: ItemCardSurface = 'search',
): { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; content: AdaptiveCardJson; preview: ThumbnailPreview } {
  return {
    contentType: ADAPTIVE_CARD_CONTENT_TYPE,
    content: searchResultCard(item, env, surface).card,
    preview: searchResultPreview(item, env),
  };
}
