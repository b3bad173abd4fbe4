// The logging interface core modules write to (pino-compatible subset), so they never pick a library.

export type LogFields = Record<string, unknown>;

/** Structured logger; `fields` never carry tokens or secrets. */
export interface Logger {
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
