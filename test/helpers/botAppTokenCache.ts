import { AppCredentials } from 'botframework-connector';

/**
 * botframework-connector caches the bot's app token process-wide per app id and scope. Tests start several
 * sandboxes in one process (each on its own port, so its own issuer); a token from an earlier one would be refused
 * by the next. A real process talks to one authority and starts with an empty cache, as this makes the test do.
 */
export function forgetBotAppTokens(): void {
  (AppCredentials as unknown as { cache: Map<string, unknown> }).cache.clear();
}
