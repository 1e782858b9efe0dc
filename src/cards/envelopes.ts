import type { AdaptiveCardJson } from './template';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** A Bot Framework attachment holding an Adaptive Card. */
export interface AdaptiveCardAttachment {
  contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  content: AdaptiveCardJson;
}

/** Wraps a card as an attachment (for compose-extension results and messages). */
export function adaptiveAttachment(card: AdaptiveCardJson): AdaptiveCardAttachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/** The `task.continue` response that shows (or re-shows) a card in a Teams dialog. */
export function taskContinue(
  card: AdaptiveCardJson,
  title: string,
  size: { height?: number | 'small' | 'medium' | 'large'; width?: number | 'small' | 'medium' | 'large' } = {},
): { task: { type: 'continue'; value: { title: string; height: number | string; width: number | string; card: AdaptiveCardAttachment } } } {
  return {
    task: {
      type: 'continue',
      value: { title, height: size.height ?? 'large', width: size.width ?? 'medium', card: adaptiveAttachment(card) },
    },
  };
}
