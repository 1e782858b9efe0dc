import type { InvokeResponse } from 'botbuilder';

/** Adaptive Card JSON as built by src/cards. */
export type CardJson = Record<string, unknown>;

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** A dialog (task module) showing an Adaptive Card: the answer to fetchTask or a submit that needs more input. */
export function taskContinue(
  card: CardJson,
  title: string,
  size: 'small' | 'medium' | 'large' = 'large',
): InvokeResponse {
  return {
    status: 200,
    body: {
      task: {
        type: 'continue',
        value: { title, height: size, width: size, card: { contentType: ADAPTIVE, content: card } },
      },
    },
  };
}

/** Closes the dialog flow with a plain message (a `task` answer with no card). */
export function taskMessage(text: string): InvokeResponse {
  return { status: 200, body: { task: { type: 'message', value: text } } };
}

/** Inserts cards into the compose box (answer to submitAction / selectItem / query). */
export function composeResult(
  attachments: Array<{ content: CardJson; preview?: { contentType: string; content: CardJson } }>,
): InvokeResponse {
  return {
    status: 200,
    body: {
      composeExtension: {
        type: 'result',
        attachmentLayout: 'list',
        attachments: attachments.map((a) => ({
          contentType: ADAPTIVE,
          content: a.content,
          ...(a.preview ? { preview: a.preview } : {}),
        })),
      },
    },
  };
}

/** Asks Teams to show a sign-in link; it re-sends the original invoke with the magic code in `value.state`. */
export function signInRequired(signInLink: string, title: string): InvokeResponse {
  return {
    status: 200,
    body: {
      composeExtension: {
        type: 'auth',
        suggestedActions: { actions: [{ type: 'openUrl', value: signInLink, title }] },
      },
    },
  };
}

/** Asks Teams to fetch an SSO token silently and re-send the search (query and queryLink only). */
export function silentAuth(signInLink: string, title: string): InvokeResponse {
  return {
    status: 200,
    body: {
      composeExtension: {
        type: 'silentAuth',
        suggestedActions: { actions: [{ type: 'openUrl', value: signInLink, title }] },
      },
    },
  };
}

/** HTTP 412: the SSO token cannot be exchanged (usually consent); Teams shows its consent/sign-in prompt. */
export function preconditionFailed(): InvokeResponse {
  return { status: 412 };
}

/** A plain text message in the message extension (e.g. search had nothing to show). */
export function composeMessage(text: string): InvokeResponse {
  return { status: 200, body: { composeExtension: { type: 'message', text } } };
}

/** Universal Action answer replacing the card for the person who clicked. */
export function adaptiveCardUpdate(card: CardJson): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: ADAPTIVE, value: card } };
}

/** Universal Action answer asking the person to sign in (an OAuthCard). */
export function adaptiveCardLoginRequest(signInLink: string, text: string, connectionName: string): InvokeResponse {
  return {
    status: 200,
    body: {
      statusCode: 401,
      type: 'application/vnd.microsoft.activity.loginRequest',
      value: { text, connectionName, buttons: [{ title: text, type: 'signin', value: signInLink }] },
    },
  };
}

/**
 * Universal Action answers always go out as HTTP 200 with `{statusCode, type, value}`; the status codes and types are
 * those of the Universal Action Model's response table (200 card / 200 message / 400 error / 401 loginRequest /
 * 412 preconditionFailed / 500 error). 403 is not in it: a refusal is a 200 message or a 400 error instead.
 */
export function adaptiveCardError(statusCode: 400 | 500, code: string, message: string): InvokeResponse {
  return { status: 200, body: { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } } };
}

/** Universal Action answer that leaves the card as it is and shows the person a message. */
export function adaptiveCardMessage(text: string): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } };
}

/** Universal Action answer to an SSO token that cannot be used: Teams falls back to the sign-in flow. */
export function adaptiveCardPreconditionFailed(message: string): InvokeResponse {
  return {
    status: 200,
    body: {
      statusCode: 412,
      type: 'application/vnd.microsoft.error.preconditionFailed',
      value: { code: 'PreconditionFailed', message },
    },
  };
}

/** A 400-class answer to a payload the bot cannot parse. */
export function badRequest(message: string): InvokeResponse {
  return { status: 400, body: { error: { code: 'BadRequest', message } } };
}
