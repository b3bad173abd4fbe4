// A small reader and writer of gzip-compressed tar archives (ustar, pax and GNU long names): what
// OPA bundles are. Only regular files are kept; links and devices are refused.
import { AuthzServiceError } from '../errors/index.js';
import { gunzipSync, gzipSync } from 'node:zlib';

export interface TarEntry {
  /** Path inside the archive, `/`-separated, without a leading `/` or `./`. */
  name: string;
  data: Buffer;
}

export interface TarReadLimits {
  /** Bytes of the uncompressed archive (a gzip bomb stops here). */
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_TAR_LIMITS: TarReadLimits = { maxBytes: 256 * 1024 * 1024, maxEntries: 10_000 };

/** A malformed or oversized archive; the message says what was wrong. */
export class TarError extends AuthzServiceError<'ERR_TAR_INVALID'> {
  readonly code = 'ERR_TAR_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

const BLOCK = 512;

function cstring(buf: Buffer, start: number, length: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

function octal(buf: Buffer, start: number, length: number, what: string): number {
  // Base-256 sizes (high bit set) are for files far beyond any bundle.
  if ((buf[start]! & 0x80) !== 0) throw new TarError(`${what} too large`);
  const text = cstring(buf, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError(`bad ${what} field "${text}"`);
  return parseInt(text, 8);
}

function checksumOf(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

/** Pax records (`<len> key=value\n`); only `path` matters here. */
function paxPath(data: Buffer): string | undefined {
  let path: string | undefined;
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const len = Number(data.toString('utf8', at, space));
    if (!Number.isInteger(len) || len <= 0 || at + len > data.length) throw new TarError('bad pax header');
    const record = data.toString('utf8', space + 1, at + len - 1);
    const eq = record.indexOf('=');
    if (eq !== -1 && record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    at += len;
  }
  return path;
}

/** `./a/b`, `/a/b` and `a/b` name the same entry. */
export function normaliseEntryName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** Reads every regular file of a .tar.gz archive. Throws TarError on anything malformed or too big. */
export function readTarGz(archive: Buffer, limits: TarReadLimits = DEFAULT_TAR_LIMITS): TarEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: limits.maxBytes });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TarError(code === 'ERR_BUFFER_TOO_LARGE' ? `uncompressed archive exceeds ${limits.maxBytes} bytes` : 'not a gzip-compressed archive');
  }
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    if (octal(header, 148, 8, 'checksum') !== checksumOf(header)) throw new TarError(`header checksum mismatch at byte ${at}`);
    const size = octal(header, 124, 12, 'size');
    const type = String.fromCharCode(header[156]!);
    const dataStart = at + BLOCK;
    if (dataStart + size > tar.length) throw new TarError('archive is truncated');
    const data = tar.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = cstring(data, 0, data.length);
      continue;
    }
    if (type === 'g') continue;
    const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? cstring(header, 345, 155) : '';
    const rawName = longName ?? (prefix !== '' ? `${prefix}/${cstring(header, 0, 100)}` : cstring(header, 0, 100));
    longName = undefined;
    if (type === '5') continue;
    if (type !== '0' && type !== '\0' && type !== '7') throw new TarError(`${rawName}: only regular files are allowed (entry type "${type}")`);
    if (entries.length >= limits.maxEntries) throw new TarError(`more than ${limits.maxEntries} files`);
    entries.push({ name: normaliseEntryName(rawName), data: Buffer.from(data) });
  }
  return entries;
}

function header(name: string, size: number, type: string, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write(`${mtime.toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  h.write(type, 156, 'latin1');
  h.write('ustar\0' + '00', 257, 'latin1');
  h.write(`${checksumOf(h).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function padded(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, Buffer.alloc(BLOCK - rest)];
}

/** Writes entries (in the order given) as a .tar.gz; names over 100 bytes get a pax header. */
export function writeTarGz(entries: readonly TarEntry[], mtime = 0): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    let name = e.name;
    if (Buffer.byteLength(name) > 100) {
      const body = (n: number): string => `${n} path=${e.name}\n`;
      let len = Buffer.byteLength(body(0));
      while (Buffer.byteLength(body(len)) !== len) len = Buffer.byteLength(body(len));
      const pax = Buffer.from(body(len));
      parts.push(header('PaxHeader', pax.length, 'x', mtime), ...padded(pax));
      name = name.slice(0, 100);
    }
    parts.push(header(name, e.data.length, '0', mtime), ...padded(e.data));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts));
}
