// Builtins of the "net" category: CIDR arithmetic over IPv4 and IPv6 (no DNS: net.lookup_ip_addr is left out on purpose).
import type { Value } from '../value.js';
import { RegoSet, isArray, isObject, isSet, objectEntries } from '../value.js';
import type { BuiltinDecl, TypeSpec } from './types.js';
import { builtinError, operandError } from './types.js';
import type { Cidr } from './ip-address.js';
import {
  cidrContainsIp,
  formatCidr,
  formatIp,
  isV4,
  lastAddress,
  parseCidr,
  parseIp,
  prefixMask,
  rangeToCidrs,
} from './ip-address.js';

/**
 * net.cidr_expand materialises every address of a block. OPA relies on query cancellation to stop
 * a /8 or an IPv6 /64; this engine refuses blocks above this size instead, since policy inputs are untrusted.
 */
export const CIDR_EXPAND_MAX_ADDRESSES = 65536;

function stringAt(name: string, v: Value, position: number): string {
  if (typeof v !== 'string') throw operandError(name, position, 'string', v);
  return v;
}

/** OPA reads every CIDR operand as "operand 1" (getNetFromOperand); the messages keep that. */
function cidrOperand(name: string, v: Value): Cidr {
  const s = stringAt(name, v, 1);
  const net = parseCidr(s);
  if (!net) throw builtinError(name, `invalid CIDR address: ${s}`);
  return net;
}

function cidrContains(name: string, a: Value, b: Value): boolean {
  const outer = cidrOperand(name, a);
  const text = stringAt(name, b, 1);
  const ip = parseIp(text);
  if (ip !== undefined) return cidrContainsIp(outer, ip);
  const inner = parseCidr(text);
  if (!inner) throw builtinError(name, `not a valid textual representation of an IP address or CIDR: ${text}`);
  return cidrContainsIp(outer, inner.addr) && cidrContainsIp(outer, lastAddress(inner));
}

/** Elements of a cidr_contains_matches operand as [cidr, index] pairs, as OPA enumerates them. */
function matchOperand(name: string, position: number, v: Value): [Value, Value][] {
  const cidrOf = (x: Value): Value => {
    if (typeof x === 'string') return x;
    if (isArray(x) && x.length > 0) return x[0];
    throw builtinError(name, `operand ${position}: element must be string or non-empty array`);
  };
  if (typeof v === 'string') return [[v, v]];
  if (isArray(v)) return v.map((x, i) => [cidrOf(x), i]);
  if (isSet(v)) return v.values().map((x) => [cidrOf(x), x]);
  if (isObject(v)) return objectEntries(v).map(([k, x]) => [cidrOf(x), k]);
  return [];
}

// ---- net.cidr_merge ---------------------------------------------------------------------------

interface MergeRange {
  first: bigint;
  last: bigint;
  /** How the block prints when it merges with nothing (Go keeps the IPNet it was given). */
  text?: string;
}

/** Go's IP.DefaultMask: the classful prefix of an IPv4 address. */
function classfulPrefix(ip: bigint): number {
  const top = Number((ip >> 24n) & 0xffn);
  return top < 0x80 ? 8 : top < 0xc0 ? 16 : 24;
}

function mergeRange(name: string, v: Value): MergeRange {
  if (typeof v !== 'string') throw builtinError(name, 'element must be string');
  const ip = parseIp(v);
  if (ip !== undefined) {
    if (!isV4(ip)) throw builtinError(name, 'IPv6 invalid: needs prefix length');
    const prefix = 96 + classfulPrefix(ip);
    const first = ip & prefixMask(prefix);
    // Go prints the unmasked address with the classful mask ("10.1.2.3/8").
    return { first, last: lastAddress({ addr: first, prefix }), text: `${formatIp(ip)}/${prefix - 96}` };
  }
  const net = parseCidr(v);
  if (!net) throw builtinError(name, `invalid CIDR address: ${v}`);
  return { first: net.addr, last: lastAddress(net), text: formatCidr(net) };
}

function mergeCidrs(ranges: MergeRange[]): string[] {
  ranges.sort((a, b) => (a.last !== b.last ? (a.last < b.last ? -1 : 1) : a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  for (let i = ranges.length - 1; i > 0; i--) {
    const cur = ranges[i];
    const prev = ranges[i - 1];
    const before = cur.first === 0n || cur.first === 0xffffn << 32n ? cur.first : cur.first - 1n;
    if (before <= prev.last) {
      ranges[i - 1] = { first: prev.first < cur.first ? prev.first : cur.first, last: cur.last };
      ranges.splice(i, 1);
    }
  }
  return ranges.flatMap((r) => (r.text !== undefined ? [r.text] : rangeToCidrs(r.first, r.last).map(formatCidr)));
}

// ---- declarations ------------------------------------------------------------------------------

const MATCH_OPERAND: TypeSpec = {
  oneOf: [
    'string',
    { array: { oneOf: ['string', { array: 'any' }] } },
    { set: { oneOf: ['string', { array: 'any' }] } },
    { object: ['string', { oneOf: ['string', { array: 'any' }] }] },
  ],
};

export const netBuiltins: readonly BuiltinDecl[] = [
  {
    name: 'net.cidr_contains',
    args: ['string', 'string'],
    result: 'boolean',
    impl: ([a, b]) => cidrContains('net.cidr_contains', a, b),
  },
  {
    name: 'net.cidr_intersects',
    args: ['string', 'string'],
    result: 'boolean',
    impl: ([a, b]) => {
      const x = cidrOperand('net.cidr_intersects', a);
      const y = cidrOperand('net.cidr_intersects', b);
      return cidrContainsIp(x, y.addr) || cidrContainsIp(y, x.addr);
    },
  },
  {
    name: 'net.cidr_is_valid',
    args: ['string'],
    result: 'boolean',
    impl: ([a]) => typeof a === 'string' && parseCidr(a) !== undefined,
  },
  {
    name: 'net.cidr_expand',
    args: ['string'],
    result: { set: 'string' },
    impl: ([a]) => {
      const name = 'net.cidr_expand';
      const net = cidrOperand(name, a);
      const count = 1n << BigInt(128 - net.prefix);
      if (count > BigInt(CIDR_EXPAND_MAX_ADDRESSES)) {
        throw builtinError(name, `CIDR block has ${count} addresses, more than the limit of ${CIDR_EXPAND_MAX_ADDRESSES}`);
      }
      const out = new RegoSet();
      for (let ip = net.addr; ip <= lastAddress(net); ip++) out.add(formatIp(ip));
      return out;
    },
  },
  {
    name: 'net.cidr_merge',
    args: [{ oneOf: [{ array: 'string' }, { set: 'string' }] }],
    result: { set: 'string' },
    impl: ([a]) => {
      const name = 'net.cidr_merge';
      let items: Value[];
      if (isArray(a)) items = a;
      else if (isSet(a)) items = a.values();
      else throw builtinError(name, 'operand must be an array');
      return new RegoSet(mergeCidrs(items.map((x) => mergeRange(name, x))));
    },
  },
  {
    name: 'net.cidr_contains_matches',
    args: [MATCH_OPERAND, MATCH_OPERAND],
    result: { set: { array: 'any' } },
    impl: ([a, b]) => {
      const name = 'net.cidr_contains_matches';
      const out = new RegoSet();
      for (const [cidr1, index1] of matchOperand(name, 1, a)) {
        for (const [cidr2, index2] of matchOperand(name, 2, b)) {
          if (cidrContains(name, cidr1, cidr2)) out.add([index1, index2]);
        }
      }
      return out;
    },
  },
];
