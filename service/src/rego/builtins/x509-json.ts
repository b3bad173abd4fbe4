// X.509 certificates and CSRs as the JSON of Go's x509.Certificate / x509.CertificateRequest,
// which is what OPA's crypto.x509.* builtins return (field names, enum numbers, base64 bytes).
import { createPublicKey } from 'node:crypto';
import { normalizeInt, type Value } from '../value.js';
import { type Der, DerError, derInt, derString, derTime, oidArcs, oidText, readDer } from './der.js';

type Obj = Record<string, Value>;

const SIGNATURE_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.3.101.112': 16,
};
const PSS_BY_HASH: Record<string, number> = { '2.16.840.1.101.3.4.2.1': 13, '2.16.840.1.101.3.4.2.2': 14, '2.16.840.1.101.3.4.2.3': 15 };
const PUBLIC_KEY_ALGORITHMS: Record<string, number> = { '1.2.840.113549.1.1.1': 1, '1.2.840.10040.4.1': 2, '1.2.840.10045.2.1': 3, '1.3.101.112': 4 };
/** Go's x509.ExtKeyUsage numbering. */
export const EXT_KEY_USAGES: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};
const NAME_FIELDS: Record<string, string> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

const b64 = (b: Buffer): string => b.toString('base64');
const big = (b: bigint): Value => normalizeInt(b);

function signatureAlgorithm(alg: Der): number {
  const oid = oidText(alg.children[0]);
  if (oid === '1.2.840.113549.1.1.10') {
    const hash = alg.children[1]?.children[0]?.children[0]?.children[0];
    return hash ? (PSS_BY_HASH[oidText(hash)] ?? 0) : 0;
  }
  return SIGNATURE_ALGORITHMS[oid] ?? 0;
}

/** pkix.Name: the well-known attributes by field, and every attribute under Names. */
function pkixName(name: Der): Obj {
  const out: Obj = { Country: null, Organization: null, OrganizationalUnit: null, Locality: null, Province: null, StreetAddress: null, PostalCode: null, SerialNumber: '', CommonName: '', Names: [], ExtraNames: null };
  const names: Value[] = [];
  for (const set of name.children) {
    for (const atv of set.children) {
      const oid = oidText(atv.children[0]);
      const value = derString(atv.children[1]);
      names.push({ Type: oidArcs(atv.children[0]), Value: value });
      if (oid === '2.5.4.3') out.CommonName = value;
      else if (oid === '2.5.4.5') out.SerialNumber = value;
      else if (NAME_FIELDS[oid]) {
        const field = NAME_FIELDS[oid];
        out[field] = [...((out[field] as Value[] | null) ?? []), value];
      }
    }
  }
  out.Names = names;
  return out;
}

function fromBase64Url(s: string): bigint {
  return BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));
}

function publicKey(spki: Der): { algorithm: number; key: Value } {
  const algorithm = PUBLIC_KEY_ALGORITHMS[oidText(spki.children[0].children[0])] ?? 0;
  try {
    const jwk = createPublicKey({ key: spki.raw, format: 'der', type: 'spki' }).export({ format: 'jwk' });
    if (jwk.kty === 'RSA') return { algorithm, key: { N: big(fromBase64Url(jwk.n as string)), E: big(fromBase64Url(jwk.e as string)) } };
    if (jwk.kty === 'EC') return { algorithm, key: { Curve: {}, X: big(fromBase64Url(jwk.x as string)), Y: big(fromBase64Url(jwk.y as string)) } };
    if (jwk.kty === 'OKP') return { algorithm, key: Buffer.from(jwk.x as string, 'base64url').toString('base64') };
  } catch {
    // An algorithm Node cannot load: Go leaves such keys out of the JSON as well.
  }
  return { algorithm, key: null };
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** url.URL's JSON for a URI SAN. */
function urlJson(s: string): Value {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(\/\/([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$/.exec(s);
  if (!m) return { Scheme: '', Opaque: '', User: null, Host: '', Path: s, RawPath: '', OmitHost: false, ForceQuery: false, RawQuery: '', Fragment: '', RawFragment: '' };
  const opaque = m[2] === undefined && !m[4].startsWith('/');
  return {
    Scheme: m[1].toLowerCase(),
    Opaque: opaque ? m[4] : '',
    User: null,
    Host: m[3] ?? '',
    Path: opaque ? '' : decodeURIComponent(m[4]),
    RawPath: '',
    OmitHost: false,
    ForceQuery: false,
    RawQuery: m[6] ?? '',
    Fragment: m[8] !== undefined ? decodeURIComponent(m[8]) : '',
    RawFragment: '',
  };
}

interface Sans {
  DNSNames: Value;
  EmailAddresses: Value;
  IPAddresses: Value;
  URIs: Value;
  uris: string[];
}

function sans(exts: Der[]): Sans {
  const dns: string[] = [];
  const emails: string[] = [];
  const ips: string[] = [];
  const uris: string[] = [];
  for (const ext of exts) {
    if (oidText(ext.children[0]) !== '2.5.29.17') continue;
    const value = readDer(ext.children[ext.children.length - 1].body);
    for (const gn of value.children) {
      if (gn.tag === 0x81) emails.push(gn.body.toString('latin1'));
      else if (gn.tag === 0x82) dns.push(gn.body.toString('latin1'));
      else if (gn.tag === 0x86) uris.push(gn.body.toString('latin1'));
      else if (gn.tag === 0x87) ips.push(ipText(gn.body));
    }
  }
  const orNull = (xs: Value[]): Value => (xs.length ? xs : null);
  return { DNSNames: orNull(dns), EmailAddresses: orNull(emails), IPAddresses: orNull(ips), URIs: orNull(uris.map(urlJson)), uris };
}

function extensionJson(ext: Der): Value {
  const critical = ext.children.length === 3 && ext.children[1].tag === 0x01 && ext.children[1].body[0] !== 0;
  return { Id: oidArcs(ext.children[0]), Critical: critical, Value: b64(ext.children[ext.children.length - 1].body) };
}

function collectUris(node: Der, out: string[]): void {
  if (node.tag === 0x86) out.push(node.body.toString('latin1'));
  for (const c of node.children) collectUris(c, out);
}

/** Everything Go derives from a certificate's extensions. */
function extensionFields(exts: Der[]): Obj {
  const out: Obj = {
    KeyUsage: 0,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
    Policies: null,
  };
  for (const ext of exts) {
    const oid = oidText(ext.children[0]);
    const value = readDer(ext.children[ext.children.length - 1].body);
    if (oid === '2.5.29.15') {
      const bits = value.body.subarray(1);
      let usage = 0;
      for (let i = 0; i < 9 && i < bits.length * 8; i++) if (bits[i >> 3] & (0x80 >> (i & 7))) usage |= 1 << i;
      out.KeyUsage = usage;
    } else if (oid === '2.5.29.19') {
      out.BasicConstraintsValid = true;
      let pathLen = -1;
      for (const c of value.children) {
        if (c.tag === 0x01) out.IsCA = c.body[0] !== 0;
        if (c.tag === 0x02) pathLen = Number(derInt(c));
      }
      out.MaxPathLen = pathLen;
      out.MaxPathLenZero = pathLen === 0;
    } else if (oid === '2.5.29.37') {
      const known: number[] = [];
      const unknown: Value[] = [];
      for (const c of value.children) {
        const u = EXT_KEY_USAGES[oidText(c)];
        if (u === undefined) unknown.push(oidArcs(c));
        else known.push(u);
      }
      out.ExtKeyUsage = known.length ? known : null;
      out.UnknownExtKeyUsage = unknown.length ? unknown : null;
    } else if (oid === '2.5.29.14') out.SubjectKeyId = b64(value.body);
    else if (oid === '2.5.29.35') {
      const keyId = value.children.find((c) => c.tag === 0x80);
      if (keyId) out.AuthorityKeyId = b64(keyId.body);
    } else if (oid === '1.3.6.1.5.5.7.1.1') {
      const ocsp: string[] = [];
      const issuers: string[] = [];
      for (const ad of value.children) {
        const method = oidText(ad.children[0]);
        const loc = ad.children[1];
        if (loc?.tag !== 0x86) continue;
        if (method === '1.3.6.1.5.5.7.48.1') ocsp.push(loc.body.toString('latin1'));
        if (method === '1.3.6.1.5.5.7.48.2') issuers.push(loc.body.toString('latin1'));
      }
      out.OCSPServer = ocsp.length ? ocsp : null;
      out.IssuingCertificateURL = issuers.length ? issuers : null;
    } else if (oid === '2.5.29.31') {
      const uris: string[] = [];
      collectUris(value, uris);
      out.CRLDistributionPoints = uris.length ? uris : null;
    } else if (oid === '2.5.29.32') {
      out.PolicyIdentifiers = value.children.map((p) => oidArcs(p.children[0]));
      out.Policies = value.children.map((p) => oidText(p.children[0]));
    }
  }
  return out;
}

export interface ParsedCertificate {
  json: Obj;
  /** DER of the whole certificate, for node:crypto. */
  der: Buffer;
  extKeyUsage: number[] | null;
}

/** One certificate (a parsed DER node) as Go's JSON; `withUriStrings` adds OPA's URIStrings field. */
export function certificateJson(cert: Der, withUriStrings: boolean): ParsedCertificate {
  if (cert.tag !== 0x30 || cert.children.length !== 3 || cert.children[0].tag !== 0x30) throw new DerError('x509: malformed certificate');
  const tbs = cert.children[0].children;
  let i = 0;
  let version = 1;
  if (tbs[0]?.tag === 0xa0) {
    version = Number(derInt(tbs[0].children[0])) + 1;
    i = 1;
  }
  const [serial, , issuer, validity, subject, spki] = tbs.slice(i);
  if (!spki) throw new DerError('x509: malformed tbs certificate');
  const extsNode = tbs.find((n) => n.tag === 0xa3);
  const exts = extsNode ? extsNode.children[0].children : [];
  const key = publicKey(spki);
  const names = sans(exts);
  const ext = extensionFields(exts);
  const json: Obj = {
    Raw: b64(cert.raw),
    RawTBSCertificate: b64(cert.children[0].raw),
    RawSubjectPublicKeyInfo: b64(spki.raw),
    RawSubject: b64(subject.raw),
    RawIssuer: b64(issuer.raw),
    Signature: b64(cert.children[2].body.subarray(1)),
    SignatureAlgorithm: signatureAlgorithm(cert.children[1]),
    PublicKeyAlgorithm: key.algorithm,
    PublicKey: key.key,
    Version: version,
    SerialNumber: big(derInt(serial)),
    Issuer: pkixName(issuer),
    Subject: pkixName(subject),
    NotBefore: derTime(validity.children[0]),
    NotAfter: derTime(validity.children[1]),
    Extensions: exts.length ? exts.map(extensionJson) : null,
    ExtraExtensions: null,
    UnhandledCriticalExtensions: null,
    ...ext,
    DNSNames: names.DNSNames,
    EmailAddresses: names.EmailAddresses,
    IPAddresses: names.IPAddresses,
    URIs: names.URIs,
    PermittedDNSDomainsCritical: false,
    PermittedDNSDomains: null,
    ExcludedDNSDomains: null,
    PermittedIPRanges: null,
    ExcludedIPRanges: null,
    PermittedEmailAddresses: null,
    ExcludedEmailAddresses: null,
    PermittedURIDomains: null,
    ExcludedURIDomains: null,
  };
  if (withUriStrings) json.URIStrings = names.uris.length ? names.uris : null;
  return { json, der: cert.raw, extKeyUsage: ext.ExtKeyUsage as number[] | null };
}

const STRING_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1e]);

/** An ASN.1 value decoded into Go's `any`: strings and booleans as such, byte strings as base64. */
function anyValue(node: Der | undefined): Value {
  if (!node) return null;
  if (STRING_TAGS.has(node.tag)) return derString(node);
  if (node.tag === 0x01) return node.body[0] !== 0;
  if (node.tag === 0x02) return big(derInt(node));
  return b64(node.body);
}

/** A certificate signing request as Go's x509.CertificateRequest JSON. */
export function certificateRequestJson(csr: Der): Obj {
  if (csr.tag !== 0x30 || csr.children.length !== 3) throw new DerError('x509: malformed certificate request');
  const [version, subject, spki, attrs] = csr.children[0].children;
  if (!spki) throw new DerError('x509: malformed certificate request');
  const attributes: Value[] = [];
  let exts: Der[] = [];
  for (const attr of attrs?.children ?? []) {
    const type = attr.children[0];
    const set = attr.children[1];
    if (oidText(type) === '1.2.840.113549.1.9.14' && set?.children[0]) exts = set.children[0].children;
    attributes.push({
      Type: oidArcs(type),
      Value: (set?.children ?? []).map((seq) => seq.children.map((atv) => ({ Type: oidArcs(atv.children[0]), Value: anyValue(atv.children[1]) }))),
    });
  }
  const key = publicKey(spki);
  const names = sans(exts);
  return {
    Raw: b64(csr.raw),
    RawTBSCertificateRequest: b64(csr.children[0].raw),
    RawSubjectPublicKeyInfo: b64(spki.raw),
    RawSubject: b64(subject.raw),
    Version: Number(derInt(version)),
    Signature: b64(csr.children[2].body.subarray(1)),
    SignatureAlgorithm: signatureAlgorithm(csr.children[1]),
    PublicKeyAlgorithm: key.algorithm,
    PublicKey: key.key,
    Subject: pkixName(subject),
    Attributes: attributes.length ? attributes : null,
    Extensions: exts.length ? exts.map(extensionJson) : null,
    ExtraExtensions: null,
    DNSNames: names.DNSNames,
    EmailAddresses: names.EmailAddresses,
    IPAddresses: names.IPAddresses,
    URIs: names.URIs,
  };
}
