import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino masks in every log line. Secrets must never reach a log: the secret key, session
 * tokens (headers, `session:token` paths are logged without the token part), Chatwoot tokens.
 */
export const redactedPaths = [
  'secretKey',
  'token',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'config.secretKey',
  'chatWoot.token',
  'chatwoot.token',
  '*.token',
  '*.secretKey',
  '*.secret',
  '*.password',
  '*.api_access_token',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { name: 'wppd' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
