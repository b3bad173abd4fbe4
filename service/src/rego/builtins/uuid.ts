// Builtins of the "uuid" category: uuid.rfc4122 (random v4, the same for the same key within a
// query) and uuid.parse (google/uuid's accepted forms and the fields OPA reports).
import { randomBytes } from 'node:crypto';
import { makeObject, normalizeInt, type Value } from '../value.js';
import type { BuiltinContext, BuiltinDecl } from './types.js';
import { stringOperand } from './operands.js';

function rfc4122(args: Value[], ctx: BuiltinContext): Value {
  const key = 'uuid.rfc4122\u0000' + stringOperand('uuid.rfc4122', args[0], 1);
  const cached = ctx.cache.get(key);
  if (typeof cached === 'string') return cached;
  const b = randomBytes(16);
  b[8] = (b[8] & 0x3f) | 0x80;
  b[6] = (b[6] & 0x0f) | 0x40;
  const h = b.toString('hex');
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  ctx.cache.set(key, id);
  return id;
}

/** The 16 bytes of a UUID in one of google/uuid's accepted spellings. */
function uuidBytes(s: string): Buffer | undefined {
  let hex: string;
  if (s.length === 36 + 9) {
    if (s.slice(0, 9).toLowerCase() !== 'urn:uuid:') return undefined;
    s = s.slice(9);
  } else if (s.length === 36 + 2) {
    if (s[0] !== '{' || s[37] !== '}') return undefined;
    s = s.slice(1, 37);
  }
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
    hex = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  } else if (s.length === 32) hex = s;
  else return undefined;
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}

function variant(b: number): string {
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  if ((b & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

function macVariables(b: number): string {
  if ((b & 0b11) === 0b11) return 'local:multicast';
  if ((b & 0b01) === 0b01) return 'global:multicast';
  if ((b & 0b10) === 0b10) return 'local:unicast';
  return 'global:unicast';
}

/** 100-ns intervals between 1582-10-15 (the UUID epoch) and the Unix epoch. */
const G1582_NS100 = 122192928000000000n;

function parse(args: Value[]): Value | undefined {
  const b = uuidBytes(stringOperand('uuid.parse', args[0], 1));
  if (!b) return undefined;
  const version = b[6] >> 4;
  const entries: [Value, Value][] = [
    ['version', version],
    ['variant', variant(b[8])],
  ];
  if (version === 1 || version === 2) {
    const t = BigInt(b.readUInt32BE(0)) | (BigInt(b.readUInt16BE(4)) << 32n) | (BigInt(b.readUInt16BE(6) & 0xfff) << 48n);
    // Go computes this in int64 and may wrap; BigInt.asIntN reproduces that.
    entries.push(['time', normalizeInt(BigInt.asIntN(64, (t - G1582_NS100) * 100n))]);
    entries.push(['nodeid', [...b.subarray(10, 16)].map((x) => x.toString(16).padStart(2, '0')).join('-')]);
    entries.push(['macvariables', macVariables(b[10])]);
    entries.push(['clocksequence', b.readUInt16BE(8) & 0x3fff]);
    if (version === 2) {
      entries.push(['id', b.readUInt32BE(0)]);
      entries.push(['domain', ['Person', 'Group', 'Org'][b[9]] ?? `Domain${b[9]}`]);
    }
  }
  return makeObject(entries);
}

export const uuidBuiltins: readonly BuiltinDecl[] = [
  { name: 'uuid.rfc4122', args: ['string'], result: 'string', nondeterministic: true, impl: rfc4122 },
  { name: 'uuid.parse', args: ['string'], result: { object: ['string', 'any'] }, impl: parse },
];
