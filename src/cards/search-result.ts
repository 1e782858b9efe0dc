import type { DriveItemInfo } from '../domain/types';
import { itemHeader, itemView, resolveEnv, withDirection, type CardEnv } from './common';
import type { SearchSelectValue } from './contract';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './envelopes';
import { truncate } from './format';
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
      title: truncate(view.name, 120),
      subtitle: truncate(view.location, 120),
      text: view.details,
      images: [{ url: view.iconUrl, alt: view.iconAlt }],
      tap: { type: 'invoke', value: { action: 'selectItem', driveId: item.driveId, itemId: item.itemId } },
    },
  };
}

/**
 * The content card of a search hit (AC 1.4): the file itself. Teams inserts it only if the bot does not answer
 * `selectItem` with the shared-link card, so it never claims that a link exists.
 */
export function searchResultCard(item: DriveItemInfo, env: CardEnv): Expansion {
  const resolved = resolveEnv(env);
  const warnings: string[] = [];
  const header = itemHeader(item, resolved, warnings);
  const e = expandTemplate(template, { header, openTitle: resolved.s.search.open, webUrl: item.webUrl });
  return withDirection({ card: e.card, warnings: [...warnings, ...e.warnings] }, resolved);
}

/** One `composeExtension` result attachment: the content card plus its list preview. */
export function searchResultAttachment(
  item: DriveItemInfo,
  env: CardEnv,
): { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; content: AdaptiveCardJson; preview: ThumbnailPreview } {
  return {
    contentType: ADAPTIVE_CARD_CONTENT_TYPE,
    content: searchResultCard(item, env).card,
    preview: searchResultPreview(item, env),
  };
}
