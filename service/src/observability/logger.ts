// Structured JSON logs (pino). Credentials are redacted by path as a second line of defence: code
// never logs tokens or secrets on purpose.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export const REDACTED_PATHS = [
  'authorization', 'token', 'secret', 'client_secret', 'password', 'api_key',
  '*.authorization', '*.token', '*.secret', '*.client_secret', '*.password', '*.api_key',
  'headers.cookie', '*.headers.cookie',
];

export interface LoggerOptions {
  level: string;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { service: 'mcp-authz' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
