/** Every Adaptive Card of the app, built from JSON templates in ./templates and texts in ./strings. */
export { fileFinderDialog, MAX_FINDER_RESULTS, type FileFinderInput } from './file-finder';
export {
  linkOptionsDialog,
  LINK_OPTION_FIELDS,
  scopeInWords,
  type LinkOptionField,
  type LinkOptionsInput,
} from './link-options';
export { linkCardWithoutDetails, refreshUserIds, sharedLinkCard, type SharedLinkOptions } from './shared-link';
export { MY_SHARED_LINKS_ENTITY_ID, mySharedLinksDeepLink } from './manage-link';
export { peopleNames, peopleLabel, peopleUnavailableText, excludedText } from './people';
export { errorCard, errorSummary, type ErrorCardOptions } from './error-card';
export { signInDialog, type SignInDialogInput } from './sign-in';
export {
  searchResultAttachment,
  searchResultCard,
  searchResultPreview,
  THUMBNAIL_CARD_CONTENT_TYPE,
  type ItemCardSurface,
  type ThumbnailPreview,
} from './search-result';
export { adaptiveAttachment, ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCardAttachment } from './envelopes';
export { CONVERSATION_SCOPE, EXECUTE_VERBS, INPUT_IDS, SUBMIT_ACTIONS } from './contract';
export type {
  CreateSubmitData,
  FinderSubmitData,
  LinkCardExecuteData,
  LinkCardRefreshData,
  LinkCardSnapshot,
  SearchSelectValue,
} from './contract';
export { fileKindOf, iconDirectory, iconUrl, FILE_KINDS, type FileKind } from './file-kinds';
export { strings, pickLanguage, fill, plural, textDirection, type CardStrings } from './strings';
export { say, errorText } from './messages';
export type { CardEnv } from './common';
export type { AdaptiveCardJson, Expansion } from './template';
