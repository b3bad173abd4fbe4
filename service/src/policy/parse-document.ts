// Parses JSON and YAML documents (data files, CLI input) keeping integers beyond 2^53 exact.
import { AuthzServiceError } from '../errors/index.js';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/** Document formats recognised by file extension. */
export type DocumentFormat = 'json' | 'yaml';

/** Thrown when a document does not parse; `line` is 1-based when known. */
export class DocumentParseError extends AuthzServiceError<'ERR_DOCUMENT_PARSE'> {
  readonly code = 'ERR_DOCUMENT_PARSE';
  readonly line?: number;
  constructor(message: string, line?: number) {
    super(message);
    this.name = 'DocumentParseError';
    if (line !== undefined) this.line = line;
  }
}

/** Format implied by a file name, or undefined for anything that is neither JSON nor YAML. */
export function documentFormat(fileName: string): DocumentFormat | undefined {
  if (/\.json$/i.test(fileName)) return 'json';
  if (/\.ya?ml$/i.test(fileName)) return 'yaml';
  return undefined;
}

/**
 * Parses a JSON or YAML document. Integers outside the safe range become bigints (as the Rego
 * engine represents them); every other number stays a JS number. An empty document is null.
 */
export function parseDocument(text: string, format: DocumentFormat): unknown {
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new DocumentParseError(`invalid JSON: ${(e as Error).message}`);
    }
    // JSON.parse rounds big integers; only then pay for the exact (YAML 1.2 ⊇ JSON) parse.
    if (!hasUnsafeInteger(value)) return value;
  }
  return parseExactYaml(text);
}

function parseExactYaml(text: string): unknown {
  try {
    const value: unknown = parseYaml(text, { intAsBigInt: true, uniqueKeys: true });
    return value === undefined ? null : normalizeBigInts(value);
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const line = e.linePos?.[0]?.line;
      throw new DocumentParseError(e.message.split('\n')[0], line);
    }
    throw new DocumentParseError((e as Error).message);
  }
}

function hasUnsafeInteger(v: unknown): boolean {
  if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v);
  if (Array.isArray(v)) return v.some(hasUnsafeInteger);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasUnsafeInteger);
  return false;
}

/** Bigints that fit the safe range become numbers, matching the engine's number model. */
export function normalizeBigInts(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  if (Array.isArray(v)) return v.map(normalizeBigInts);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      // defineProperty keeps a `__proto__` key as data.
      Object.defineProperty(out, k, { value: normalizeBigInts(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}
