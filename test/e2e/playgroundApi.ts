import type { PlaygroundConfigFile } from '../../src/dev/playground';

/**
 * The Playground's own HTTP API, for invoke-level tests without a browser (see docs/playground.md).
 * Every call goes to the running Playground, which builds the Teams activity and sends it to the bot.
 */

/** Invoke names the Playground's `POST /_conversation/v1/invoke` accepts. */
export type PlaygroundInvokeName =
  | 'composeExtension/fetchTask'
  | 'composeExtension/submitAction'
  | 'composeExtension/query'
  | 'composeExtension/queryLink'
  | 'composeExtension/anonymousQueryLink'
  | 'adaptiveCard/action'
  | 'message/submitAction';

export interface PlaygroundApiError extends Error {
  status: number;
  body: string;
}

export interface InvokeOptions {
  /** Sender: a user id from the config (`29:…`). Default: the signed-in user. */
  fromId?: string;
  /** Default: the personal chat. */
  conversationId?: string;
  /** Required for adaptiveCard/action: the id of the message holding the card. */
  replyToId?: string;
}

/** One Teams file reference, the attachment shape Teams puts on a message holding a shared file. */
export interface FileReference {
  name: string;
  contentUrl: string;
}

/** Thin client of the Playground's REST API. */
export class PlaygroundApi {
  constructor(
    readonly baseUrl: string,
    readonly config: PlaygroundConfigFile,
  ) {}

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (!res.ok) {
      const err = new Error(`Playground ${method} ${path} answered ${res.status}: ${text}`) as PlaygroundApiError;
      err.status = res.status;
      err.body = text;
      throw err;
    }
    return { status: res.status, text };
  }

  /** The loaded config (`GET /_internal/v1/config`): users, chats, team, locale. */
  async getConfig(): Promise<{ config: Record<string, unknown>; internalConfig: Record<string, unknown> }> {
    return JSON.parse((await this.call('GET', '/_internal/v1/config')).text);
  }

  /**
   * Sends an invoke as a person would trigger it and returns what the Playground kept of the bot's answer:
   * `{task, composeExtension}` for message-extension invokes, `{type, value}` for adaptiveCard/action.
   */
  async invoke<T = Record<string, unknown>>(
    name: PlaygroundInvokeName,
    value: unknown,
    options: InvokeOptions = {},
  ): Promise<T> {
    const body = {
      name,
      value,
      from: { id: options.fromId ?? this.config.currentUser.id },
      conversation: { id: options.conversationId ?? this.config.personalChat.id },
      ...(options.replyToId ? { replyToId: options.replyToId } : {}),
    };
    return JSON.parse((await this.call('POST', '/_conversation/v1/invoke', body)).text) as T;
  }

  /** Posts a chat message as a user (the bot receives it); only text or Adaptive/Hero cards are accepted. */
  async postUserMessage(text: string, options: { fromId?: string; conversationId?: string } = {}): Promise<string> {
    const conversationId = options.conversationId ?? this.config.personalChat.id;
    const res = await this.call(
      'POST',
      `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      {
        from: { id: options.fromId ?? this.config.currentUser.id },
        text,
        textFormat: 'plain',
      },
    );
    return (JSON.parse(res.text) as { messageId: string }).messageId;
  }

  /**
   * Posts a message as the bot through the Playground's connector (no auth there), e.g. one holding a file
   * reference. The Playground shows the text and each attachment as separate messages.
   */
  async postBotMessage(
    activity: { text?: string; attachments?: unknown[] },
    conversationId = this.config.personalChat.id,
  ): Promise<void> {
    await this.call('POST', `/_connector/v3/conversations/${encodeURIComponent(conversationId)}/activities`, {
      type: 'message',
      from: { id: this.config.bot.id, name: this.config.bot.name },
      conversation: { id: conversationId },
      ...activity,
    });
  }

  /** Posts a bot message holding one Teams file reference (`contentType: "reference"`). */
  async postFileReference(file: FileReference, conversationId?: string): Promise<void> {
    await this.postBotMessage(
      { attachments: [{ contentType: 'reference', contentUrl: file.contentUrl, name: file.name }] },
      conversationId,
    );
  }
}
