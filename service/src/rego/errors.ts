// Rego engine errors: one evaluation error (RegoError) and a batch of compile errors, with OPA's codes.
import { AuthzServiceError, type RegoErrorCode } from '../errors/index.js';

export type { RegoErrorCode } from '../errors/index.js';

export interface RegoLocation {
  file: string;
  row: number;
  col: number;
}

export interface RegoErrorInfo {
  code: RegoErrorCode;
  message: string;
  location?: RegoLocation;
  /** The source line and a caret under the column. */
  details?: string;
}

/** One error raised while evaluating (or a single located problem). */
export class RegoError extends AuthzServiceError<RegoErrorCode> {
  readonly code: RegoErrorCode;
  readonly location?: RegoLocation;
  readonly details?: string;

  constructor(code: RegoErrorCode, message: string, location?: RegoLocation, details?: string) {
    super(message);
    this.name = 'RegoError';
    this.code = code;
    this.location = location;
    this.details = details;
  }

  /** OPA's text form: "file:row: code: message". */
  override toString(): string {
    const where = this.location ? `${this.location.file}:${this.location.row}: ` : '';
    return `${where}${this.code}: ${this.message}`;
  }

  info(): RegoErrorInfo {
    return { code: this.code, message: this.message, location: this.location, details: this.details };
  }
}

/** Every parse or compile problem found, reported at once. */
export class RegoCompileError extends AuthzServiceError<'ERR_REGO_COMPILE'> {
  readonly code = 'ERR_REGO_COMPILE';
  readonly errors: RegoErrorInfo[];

  constructor(errors: RegoErrorInfo[]) {
    super(errors.map(formatRegoError).join('\n'));
    this.name = 'RegoCompileError';
    this.errors = errors;
  }
}

/** "file:row:col: code: message" followed by the source line and a caret. */
export function formatRegoError(e: RegoErrorInfo): string {
  const where = e.location ? `${e.location.file}:${e.location.row}:${e.location.col}: ` : '';
  return `${where}${e.code}: ${e.message}${e.details ? '\n' + e.details : ''}`;
}

/** The source line of a location and a caret under its column. */
export function caretDetails(source: string, row: number, col: number): string {
  const line = source.split('\n')[row - 1] ?? '';
  const prefix = line.slice(0, Math.max(0, col - 1)).replace(/[^\t]/g, ' ');
  return `${line}\n${prefix}^`;
}

/** Collects located compile errors, one per problem, in source order. */
export class ErrorList {
  readonly errors: RegoErrorInfo[] = [];

  constructor(private readonly sources: ReadonlyMap<string, string>) {}

  add(code: RegoErrorCode, message: string, loc?: RegoLocation): void {
    const source = loc ? this.sources.get(loc.file) : undefined;
    const details = loc && source !== undefined ? caretDetails(source, loc.row, loc.col) : undefined;
    if (this.errors.some((e) => e.message === message && sameLoc(e.location, loc))) return;
    this.errors.push({ code, message, location: loc, details });
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new RegoCompileError(this.errors);
  }
}

function sameLoc(a?: RegoLocation, b?: RegoLocation): boolean {
  return a?.file === b?.file && a?.row === b?.row && a?.col === b?.col;
}
