// A minimal DER reader for the X.509 builtins: tag/length/value nodes, OIDs, integers, times, PEM.
import { AuthzServiceError } from '../../errors/index.js';

export interface Der {
  tag: number;
  /** The whole encoding (header and contents). */
  raw: Buffer;
  /** The contents octets. */
  body: Buffer;
  children: Der[];
}

export class DerError extends AuthzServiceError<'ERR_DER'> {
  readonly code = 'ERR_DER';
}

/** Reads one node at `offset`; constructed nodes (bit 0x20) get their children parsed. */
export function readDer(buf: Buffer, offset = 0): Der {
  if (offset + 2 > buf.length) throw new DerError('x509: malformed certificate');
  const tag = buf[offset];
  let len = buf[offset + 1];
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || offset + 2 + n > buf.length) throw new DerError('x509: malformed certificate');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i];
    header += n;
  }
  const end = offset + header + len;
  if (end > buf.length) throw new DerError('x509: malformed certificate');
  const node: Der = { tag, raw: buf.subarray(offset, end), body: buf.subarray(offset + header, end), children: [] };
  if (tag & 0x20) {
    let at = 0;
    while (at < node.body.length) {
      const child = readDer(node.body, at);
      node.children.push(child);
      at += child.raw.length;
    }
  }
  return node;
}

/** Consecutive DER nodes filling the buffer (x509.ParseCertificates takes concatenated DER). */
export function readDerSequence(buf: Buffer): Der[] {
  const out: Der[] = [];
  let at = 0;
  while (at < buf.length) {
    const node = readDer(buf, at);
    out.push(node);
    at += node.raw.length;
  }
  return out;
}

export function oidArcs(node: Der): number[] {
  const b = node.body;
  if (b.length === 0) return [];
  const arcs = [Math.min(2, Math.floor(b[0] / 40)), b[0] - Math.min(2, Math.floor(b[0] / 40)) * 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  return arcs;
}

export const oidText = (node: Der): string => oidArcs(node).join('.');

/** A two's-complement INTEGER. */
export function derInt(node: Der): bigint {
  if (node.body.length === 0) return 0n;
  let v = BigInt('0x' + node.body.toString('hex'));
  if (node.body[0] & 0x80) v -= 1n << BigInt(node.body.length * 8);
  return v;
}

/** UTCTime or GeneralizedTime as Go's time.Time JSON (RFC 3339, UTC). */
export function derTime(node: Der): string {
  const s = node.body.toString('latin1');
  const m = node.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new DerError('x509: malformed time');
  let year = m[1];
  if (node.tag === 0x17) year = String(Number(year) < 50 ? 2000 + Number(year) : 1900 + Number(year));
  return `${year}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

/** The text of a directory string (UTF8, Printable, IA5, T61, BMP). */
export function derString(node: Der): string {
  if (node.tag === 0x1e) {
    const swapped = Buffer.from(node.body);
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return node.tag === 0x0c ? node.body.toString('utf8') : node.body.toString('latin1');
}

/** The DER bodies of every PEM block, with their types; text outside blocks is skipped as Go does. */
export function pemBlocks(text: string): { type: string; der: Buffer }[] {
  const out: { type: string; der: Buffer }[] = [];
  const re = /-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2].split(/\r?\n/).filter((l) => !l.includes(':')).join('');
    out.push({ type: m[1], der: Buffer.from(body.replace(/\s+/g, ''), 'base64') });
  }
  return out;
}
