// IP addresses and CIDR blocks with Go's net/netip parsing rules, as OPA's net.* builtins see them.
// Every address is a 128-bit bigint; IPv4 lives in the IPv4-mapped range ::ffff:0:0/96 as Go's 16-byte form.

const V4_MAPPED_PREFIX = 0xffffn << 32n;
const ALL_ONES = (1n << 128n) - 1n;
const LOW_32 = 0xffffffffn;

export interface Cidr {
  /** Network address (host bits cleared). */
  readonly addr: bigint;
  /** Prefix length over 128 bits (an IPv4 /n is 96 + n). */
  readonly prefix: number;
}

/** True when Go's IP.To4() would succeed: the address is IPv4 or IPv4-mapped. */
export function isV4(addr: bigint): boolean {
  return addr >> 32n === 0xffffn;
}

export function prefixMask(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL_ONES << BigInt(128 - prefix)) & ALL_ONES;
}

function parseV4(s: string): bigint | undefined {
  const fields = s.split('.');
  if (fields.length !== 4) return undefined;
  let out = 0n;
  for (const f of fields) {
    // netip rejects empty fields, more than three digits and leading zeros ("010" is ambiguous).
    if (!/^\d{1,3}$/.test(f) || (f.length > 1 && f[0] === '0')) return undefined;
    const n = Number(f);
    if (n > 255) return undefined;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseV6(input: string): bigint | undefined {
  if (input.includes('%')) return undefined; // zones are refused by ParseIP and ParseCIDR alike
  const bytes: number[] = [];
  let s = input;
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
  }
  while (bytes.length < 16 && s.length > 0) {
    const m = /^[0-9a-fA-F]+/.exec(s);
    if (!m) return undefined;
    const field = m[0];
    // An embedded IPv4 tail starts with digits followed by a dot.
    if (s[field.length] === '.') {
      if ((ellipsis < 0 && bytes.length !== 12) || bytes.length + 4 > 16) return undefined;
      const v4 = parseV4(s);
      if (v4 === undefined) return undefined;
      bytes.push(Number((v4 >> 24n) & 0xffn), Number((v4 >> 16n) & 0xffn), Number((v4 >> 8n) & 0xffn), Number(v4 & 0xffn));
      s = '';
      break;
    }
    if (field.length > 4) return undefined;
    const n = parseInt(field, 16);
    bytes.push(n >> 8, n & 0xff);
    s = s.slice(field.length);
    if (s.length === 0) break;
    if (s[0] !== ':') return undefined;
    s = s.slice(1);
    if (s.length === 0) return undefined; // trailing single colon
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = bytes.length;
      s = s.slice(1);
    }
  }
  if (s.length > 0) return undefined;
  if (bytes.length < 16) {
    if (ellipsis < 0) return undefined;
    bytes.splice(ellipsis, 0, ...new Array<number>(16 - bytes.length).fill(0));
  } else if (ellipsis >= 0) {
    return undefined; // "::" must stand for at least one group of zeros
  }
  let out = 0n;
  for (const b of bytes) out = (out << 8n) | BigInt(b);
  return out;
}

/** Go's net.ParseIP: IPv4 dotted quad or IPv6 text; undefined when invalid. */
export function parseIp(s: string): bigint | undefined {
  if (s.includes(':')) return parseV6(s);
  const v4 = parseV4(s);
  return v4 === undefined ? undefined : V4_MAPPED_PREFIX | v4;
}

/** Go's net.ParseCIDR (the network, host bits cleared); undefined when invalid. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const text = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  const v6 = text.includes(':');
  const ip = parseIp(text);
  if (ip === undefined || !/^\d+$/.test(bitsText)) return undefined;
  const bits = v6 ? 128 : 32;
  const n = Number(bitsText);
  if (n > bits) return undefined;
  const prefix = v6 ? n : 96 + n;
  return { addr: ip & prefixMask(prefix), prefix };
}

/** Go's IPNet.Contains: IPv4 and IPv6 never contain one another. */
export function cidrContainsIp(net: Cidr, ip: bigint): boolean {
  const v4 = isV4(net.addr);
  if (v4 !== isV4(ip)) return false;
  const mask = v4 ? prefixMask(net.prefix) & LOW_32 : prefixMask(net.prefix);
  return ((net.addr ^ ip) & mask) === 0n;
}

/** Last address of a block. */
export function lastAddress(net: Cidr): bigint {
  return net.addr | (~prefixMask(net.prefix) & ALL_ONES);
}

/** Go's IP.String: dotted quad for IPv4 (and mapped), RFC 5952 text for IPv6. */
export function formatIp(addr: bigint): string {
  if (isV4(addr)) {
    return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((addr >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return hex(groups.slice(0, bestStart)) + '::' + hex(groups.slice(bestStart + bestLen));
}

/** Go's IPNet.String for a canonical block. */
export function formatCidr(net: Cidr): string {
  return isV4(net.addr) ? `${formatIp(net.addr)}/${net.prefix - 96}` : `${formatIp(net.addr)}/${net.prefix}`;
}

/** Minimal list of blocks covering [first, last] exactly (what OPA's merge emits for merged ranges). */
export function rangeToCidrs(first: bigint, last: bigint): Cidr[] {
  const out: Cidr[] = [];
  const v4 = isV4(first) && isV4(last);
  const floorPrefix = v4 ? 96 : 0;
  let cur = first;
  while (cur <= last) {
    // Largest aligned block starting at `cur` that stays within `last`.
    let prefix = 128;
    while (prefix > floorPrefix) {
      const size = 1n << BigInt(128 - (prefix - 1));
      if (cur % size !== 0n || cur + size - 1n > last) break;
      prefix--;
    }
    out.push({ addr: cur, prefix });
    cur += 1n << BigInt(128 - prefix);
  }
  return out;
}
