import { plainText } from '../domain/displayText';
import type { DriveItemInfo } from '../domain/types';
import { itemView, resolveEnv, withDirection, type CardEnv } from './common';
import { SUBMIT_ACTIONS } from './contract';
import { isolate, truncate } from './format';
import { fill } from './strings';
import { expandTemplate, type Expansion } from './template';
import template from './templates/file-finder.json';

/** Teams dialogs show at most this many results; more go to the next page. */
export const MAX_FINDER_RESULTS = 15;
const NAME_CHARS_IN_LIST = 120;

export interface FileFinderInput extends CardEnv {
  /** The search text as the person typed it (shown again in the box). */
  query: string;
  results: DriveItemInfo[];
  /** A sentence shown above the search box, e.g. why the person is asked to search (already localized). */
  notice?: string;
  /** Zero-based page shown; `hasMore` adds a "More results" button. */
  page?: { index: number; hasMore: boolean };
  /** `search` (default) or `attachments`: choosing among the files attached to a message. */
  variant?: 'search' | 'attachments';
}

/** The AC 1.5 dialog to find a file: search box + Search button, up to 15 results that can be picked. */
export function fileFinderDialog(input: FileFinderInput): Expansion {
  const env = resolveEnv(input);
  const f = env.s.finder;
  const query = plainText(input.query).trim();
  const page = input.page ?? { index: 0, hasMore: false };
  const rows = input.results.slice(0, MAX_FINDER_RESULTS).map((item) => {
    const view = itemView(item, env);
    return {
      ...view,
      name: truncate(view.name, NAME_CHARS_IN_LIST),
      location: truncate(view.location, NAME_CHARS_IN_LIST),
      chooseTooltip: fill(f.chooseTooltip, { name: isolate(truncate(view.name, 60)) }),
      pickData: { action: SUBMIT_ACTIONS.pick, driveId: item.driveId, itemId: item.itemId },
    };
  });
  const hasMore = page.hasMore || input.results.length > MAX_FINDER_RESULTS;
  const pagingActions = [
    ...(page.index > 0
      ? [
          {
            type: 'Action.Submit',
            title: f.previousPage,
            data: { action: SUBMIT_ACTIONS.search, page: page.index - 1 },
          },
        ]
      : []),
    ...(hasMore
      ? [{ type: 'Action.Submit', title: f.nextPage, data: { action: SUBMIT_ACTIONS.search, page: page.index + 1 } }]
      : []),
  ];
  const expansion = expandTemplate(template, {
    s: f,
    title: input.variant === 'attachments' ? f.attachmentsTitle : f.title,
    hasNotice: Boolean(input.notice),
    notice: input.notice ?? '',
    query,
    searchData: { action: SUBMIT_ACTIONS.search },
    resultsHeading: query ? fill(f.resultsFor, { query: isolate(truncate(query, 80)) }) : f.recent,
    isEmpty: rows.length === 0,
    emptyText: query ? fill(f.empty, { query: isolate(truncate(query, 80)) }) : f.emptyNoQuery,
    rows,
    hasPaging: pagingActions.length > 0,
    pagingActions,
  });
  return withDirection(expansion, env);
}
