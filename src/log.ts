import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino removes before a line is written. Tokens, passwords and SSO assertions must never reach logs;
 * code should not log them in the first place, this is the safety net.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'token',
  'accessToken',
  'access_token',
  'assertion',
  'password',
  'clientSecret',
  'client_secret',
  'magicCode',
  '*.token',
  '*.accessToken',
  '*.password',
  '*.assertion',
  '*.authorization',
  'value.authentication.token',
  'value.state',
  'value.data.password',
];

/** Creates the process logger: JSON lines on stdout (or the given destination), secrets redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'share-link' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
