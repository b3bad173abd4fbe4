// The shape of a CLI command: arguments in, text out through `io`, exit code back.

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;
