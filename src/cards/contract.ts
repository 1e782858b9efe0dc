/**
 * What the cards send back to the bot. The bot parses these shapes (as untrusted input) — keep them in one place.
 */

/** `data.action` of every Action.Submit in the dialogs. */
export const SUBMIT_ACTIONS = {
  /** Finder: run the search in input `q` (optionally another `page`). */
  search: 'search',
  /** Finder: the person chose a result: `{action, driveId, itemId}`. */
  pick: 'pick',
  /** Options dialog: create the link: `{action, driveId, itemId, timeZone}` plus the inputs below. */
  create: 'create',
  /** Options dialog / error dialog: go back to the finder (inputs are not submitted). */
  back: 'back',
  /**
   * Options dialog: "People in this chat" needs a permission the person has not given: sign in again (consent),
   * then reopen the options for `{driveId, itemId}`.
   */
  grantPeople: 'grantPeople',
  /**
   * Sign-in dialog "Continue": `{action, signInCode?, driveId?, itemId?}`; the dialog goes on where it would have
   * started, or with the options of `{driveId, itemId}` when the sign-in came from "Give permission".
   */
  signedIn: 'signedIn',
} as const;

/** The scope choice value of "People in this chat / channel / meeting" (a users link; not a Graph scope). */
export const CONVERSATION_SCOPE = 'conversation';

/** `verb` of the Universal Actions (Action.Execute → `adaptiveCard/action`) on the shared-link card. */
export const EXECUTE_VERBS = {
  /** Revoke the link: data `{permissionId, driveId, itemId}`. Only the sharer sees the button; check it anyway. */
  revokeLink: 'revokeLink',
  /** Automatic refresh for the sharer: answer with the sharer's view (with the revoke button). Same data. */
  refreshLinkCard: 'refreshLinkCard',
} as const;

/** Ids of the inputs; Teams submits each as a string under this key of `value.data`. */
export const INPUT_IDS = {
  /** Finder search text. */
  query: 'q',
  /** Sign-in dialog: the code the Token Service page shows when the sign-in ends outside Teams' window. */
  signInCode: 'signInCode',
  /** "Use my organization's default link" toggle: "true" | "false". */
  useOrganizationDefault: 'useOrganizationDefault',
  /** Link type (a LinkType). */
  type: 'type',
  /** Link scope (a LinkScope). */
  scope: 'scope',
  /** Expiration date, "YYYY-MM-DD" (end of that day in the person's time zone); may be "" or absent. */
  expirationDate: 'expirationDate',
  /** Password, as typed. Never echoed back into a card. */
  password: 'password',
  /** People picker: Entra object ids, comma-separated. */
  recipients: 'recipients',
  /** Free text email addresses of outside people, separated by commas or semicolons. */
  externalRecipients: 'externalRecipients',
  /** "People in this chat": keys of the people kept (comma-separated); unticked ones are left out. */
  conversationPeople: 'conversationPeople',
  /** Message for the notification email. */
  message: 'message',
  /** "true" | "false". */
  sendNotification: 'sendNotification',
  /** "true" | "false". */
  retainInheritedPermissions: 'retainInheritedPermissions',
} as const;

/** Finder submit: `{action:"search", q, page?}` or `{action:"pick", driveId, itemId, q}`. */
export type FinderSubmitData =
  { action: 'search'; q?: string; page?: number } | { action: 'pick'; driveId: string; itemId: string; q?: string };

/** Options dialog "Create link" submit (all input values are strings as Teams sends them). */
export interface CreateSubmitData {
  action: 'create';
  driveId: string;
  itemId: string;
  timeZone: string;
  useOrganizationDefault?: string;
  type?: string;
  scope?: string;
  expirationDate?: string;
  password?: string;
  recipients?: string;
  externalRecipients?: string;
  message?: string;
  sendNotification?: string;
  retainInheritedPermissions?: string;
}

/** Data of both Action.Execute verbs on the shared-link card. */
export interface LinkCardExecuteData {
  permissionId: string;
  driveId: string;
  itemId: string;
}

/**
 * What the card shows, carried in the refresh action's data (`shown`) so that a refresh which finds no record in the
 * share log can still answer with the plain card instead of an error. Field names as in the share log's record.
 * Untrusted on the way back: it is only ever drawn for the person whose client sent it, never the sharer's view.
 */
export interface LinkCardSnapshot {
  itemName: string;
  itemWebUrl: string;
  itemKind: 'file' | 'folder';
  driveType: 'personal' | 'business' | 'documentLibrary';
  itemSize?: number;
  mimeType?: string;
  linkUrl: string;
  type?: string;
  scope?: string;
  roles: string[];
  expirationDateTime?: string;
  passwordProtected: boolean;
  reused: boolean;
  createdAt: string;
}

/** Data of the refresh Action.Execute: the ids plus the snapshot. */
export interface LinkCardRefreshData extends LinkCardExecuteData {
  shown: LinkCardSnapshot;
}

/** `tap.value` of a search result; arrives as `composeExtension/selectItem` value. */
export interface SearchSelectValue {
  action: 'selectItem';
  driveId: string;
  itemId: string;
}
