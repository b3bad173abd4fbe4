// Builtins crypto.x509.parse_certificates, parse_and_verify_certificates(_with_options),
// parse_certificate_request and parse_rsa_private_key, with OPA's inputs (PEM, base64 DER or
// base64 PEM) and output shapes.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isArray, isObject, isSet, objectEntries, type Value } from '../value.js';
import { chargeSerialized } from './charging.js';
import { DerError, pemBlocks, readDer, readDerSequence } from './der.js';
import { stringOperand } from './operands.js';
import { builtinError, operandError, type BuiltinContext, type BuiltinDecl } from './types.js';
import { certificateJson, certificateRequestJson, type ParsedCertificate } from './x509-json.js';

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64Std(name: string, s: string): Buffer {
  if (!STD_BASE64.test(s)) throw builtinError(name, 'illegal base64 data at input byte 0');
  return Buffer.from(s, 'base64');
}

function certsFromPem(name: string, text: string): Buffer {
  const parts: Buffer[] = [];
  for (const block of pemBlocks(text)) {
    if (block.type !== 'CERTIFICATE') throw builtinError(name, `PEM block type is '${block.type}', expected CERTIFICATE`);
    parts.push(block.der);
  }
  return Buffer.concat(parts);
}

/** getX509CertsFromString: PEM, or base64 of PEM, or base64 of concatenated DER. */
function parseCertificates(name: string, input: string, withUriStrings: boolean): ParsedCertificate[] {
  let der: Buffer;
  if (input.startsWith('-----BEGIN')) der = certsFromPem(name, input);
  else {
    const raw = base64Std(name, input);
    der = raw.subarray(0, 10).toString('latin1').startsWith('-----BEGIN') ? certsFromPem(name, raw.toString('latin1')) : raw;
  }
  try {
    return readDerSequence(der).map((node) => certificateJson(node, withUriStrings));
  } catch (e) {
    if (e instanceof DerError) throw builtinError(name, e.message);
    throw e;
  }
}

const KEY_USAGES: Record<string, number> = {
  KeyUsageAny: 0,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

interface VerifyOptions {
  dnsName?: string;
  currentTimeMs?: number;
  keyUsages: number[];
}

function verifyOptions(name: string, v: Value): VerifyOptions {
  if (!isObject(v)) throw operandError(name, 2, 'object', v);
  const out: VerifyOptions = { keyUsages: [] };
  for (const [k, x] of objectEntries(v)) {
    if (typeof k !== 'string') continue;
    if (k === 'DNSName') {
      if (typeof x !== 'string') throw builtinError(name, "'DNSName' should be a string");
      out.dnsName = x.replace(/^"+|"+$/g, '');
    } else if (k === 'CurrentTime') {
      if (typeof x !== 'number' && typeof x !== 'bigint') throw builtinError(name, "'CurrentTime' should be a number");
      if (typeof x === 'number' && !Number.isInteger(x)) throw builtinError(name, "'CurrentTime' should be a valid int64 number");
      out.currentTimeMs = Number(BigInt(x) / 1_000_000n);
    } else if (k === 'MaxConstraintComparisons') {
      if (typeof x !== 'number' && typeof x !== 'bigint') throw builtinError(name, "'MaxConstraintComparisons' should be a number");
    } else if (k === 'KeyUsages') {
      if (!isArray(x) && !isSet(x)) throw builtinError(name, "'KeyUsages' should be an Array or Set");
      const invalid: string[] = [];
      for (const u of isArray(x) ? x : x.values()) {
        if (typeof u !== 'string') continue;
        const usage = KEY_USAGES[u.replace(/^"+|"+$/g, '')];
        if (usage === undefined) invalid.push(u);
        else out.keyUsages.push(usage);
      }
      if (invalid.length) throw builtinError(name, `invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
    } else throw builtinError(name, 'invalid key option');
  }
  return out;
}

function validAt(cert: X509Certificate, ms: number): boolean {
  return Date.parse(cert.validFrom) <= ms && ms <= Date.parse(cert.validTo);
}

/** Whether every certificate's extended key usages allow one of the wanted usages (Go's chain rule). */
function usagesAllowed(chain: ParsedCertificate[], wanted: number[]): boolean {
  if (wanted.includes(0)) return true;
  return chain.every((c) => c.extKeyUsage === null || c.extKeyUsage.includes(0) || c.extKeyUsage.some((u) => wanted.includes(u)));
}

/**
 * OPA's chain check: the first certificate is the only root, the last the leaf, the rest
 * intermediates. Answers the chain leaf → root, or undefined when it does not verify.
 */
function verifyChain(certs: ParsedCertificate[], opts: VerifyOptions, nowMs: number): ParsedCertificate[] | undefined {
  const x509 = certs.map((c) => new X509Certificate(c.der));
  const at = opts.currentTimeMs ?? nowMs;
  const leafIndex = certs.length - 1;
  if (opts.dnsName !== undefined && x509[leafIndex].checkHost(opts.dnsName) === undefined) return undefined;
  const chain = [leafIndex];
  const seen = new Set(chain);
  for (;;) {
    const current = x509[chain[chain.length - 1]];
    if (!validAt(current, at)) return undefined;
    if (chain[chain.length - 1] === 0) break;
    // Intermediates first, the root last: Go's verifier searches both pools for the issuer.
    const candidates = [...certs.keys()].filter((i) => i !== 0 && i !== leafIndex && !seen.has(i)).concat(0);
    const next = candidates.find((i) => x509[i].ca && current.checkIssued(x509[i]) && current.verify(x509[i].publicKey));
    if (next === undefined) return undefined;
    chain.push(next);
    seen.add(next);
  }
  const result = chain.map((i) => certs[i]);
  return usagesAllowed(result, opts.keyUsages.length ? opts.keyUsages : [1]) ? result : undefined;
}

/** OPA reads the options only once the certificates parsed. */
function parseAndVerify(name: string, args: Value[], ctx: BuiltinContext, options: () => VerifyOptions, withUriStrings: boolean): Value {
  const input = stringOperand(name, args[0], 1);
  let certs: ParsedCertificate[];
  try {
    certs = parseCertificates(name, input, withUriStrings);
  } catch {
    return [false, []];
  }
  const opts = options();
  if (certs.length < 2) return [false, []];
  const chain = verifyChain(certs, opts, Number(ctx.nowNs / 1_000_000n));
  if (!chain) return [false, []];
  const out = chain.map((c) => c.json);
  chargeSerialized(ctx, out);
  return [true, out];
}

function rsaPrivateKeyJwk(name: string, input: string): Value {
  if (input === '') throw builtinError(name, 'input PEM data was empty');
  let text = input;
  if (!text.startsWith('-----BEGIN')) text = base64Std(name, text).toString('latin1');
  for (const block of pemBlocks(text)) {
    const type = block.type === 'RSA PRIVATE KEY' ? 'pkcs1' : block.type === 'PRIVATE KEY' ? 'pkcs8' : block.type === 'EC PRIVATE KEY' ? 'sec1' : undefined;
    if (!type) continue;
    try {
      const jwk = createPrivateKey({ key: block.der, format: 'der', type }).export({ format: 'jwk' });
      return Object.fromEntries(Object.entries(jwk).filter(([, v]) => typeof v === 'string')) as Value;
    } catch (e) {
      throw builtinError(name, `x509: failed to parse private key: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return null;
}

const PARSE = 'crypto.x509.parse_certificates';
const VERIFY = 'crypto.x509.parse_and_verify_certificates';
const VERIFY_OPTS = 'crypto.x509.parse_and_verify_certificates_with_options';
const CSR = 'crypto.x509.parse_certificate_request';
const RSA_KEY = 'crypto.x509.parse_rsa_private_key';

export const x509Builtins: readonly BuiltinDecl[] = [
  {
    name: PARSE,
    args: ['string'],
    result: { array: { object: ['string', 'any'] } },
    impl: (args, ctx) => {
      const out = parseCertificates(PARSE, stringOperand(PARSE, args[0], 1), true).map((c) => c.json);
      chargeSerialized(ctx, out);
      return out;
    },
  },
  {
    name: VERIFY,
    args: ['string'],
    result: { array: 'any' },
    impl: (args, ctx) => parseAndVerify(VERIFY, args, ctx, () => ({ keyUsages: [] }), true),
  },
  {
    name: VERIFY_OPTS,
    args: ['string', { object: ['string', 'any'] }],
    result: { array: 'any' },
    // OPA returns this variant's chain without the URIStrings field.
    impl: (args, ctx) => {
      stringOperand(VERIFY_OPTS, args[0], 1);
      if (!isObject(args[1])) throw operandError(VERIFY_OPTS, 2, 'object', args[1]);
      return parseAndVerify(VERIFY_OPTS, args, ctx, () => verifyOptions(VERIFY_OPTS, args[1]), false);
    },
  },
  {
    name: CSR,
    args: ['string'],
    result: { object: ['string', 'any'] },
    impl: (args, ctx) => {
      const input = stringOperand(CSR, args[0], 1);
      let der = input.startsWith('-----BEGIN CERTIFICATE REQUEST-----') ? Buffer.from(input, 'latin1') : base64Std(CSR, input);
      const text = der.toString('latin1');
      if (text.startsWith('-----BEGIN')) {
        const block = pemBlocks(text)[0];
        if (!block || block.type !== 'CERTIFICATE REQUEST') throw builtinError(CSR, 'invalid PEM-encoded certificate signing request');
        der = block.der;
      }
      try {
        const out = certificateRequestJson(readDer(der));
        chargeSerialized(ctx, out);
        return out;
      } catch (e) {
        if (e instanceof DerError) throw builtinError(CSR, e.message);
        throw e;
      }
    },
  },
  {
    name: RSA_KEY,
    args: ['string'],
    result: { object: ['string', 'any'] },
    impl: (args) => rsaPrivateKeyJwk(RSA_KEY, stringOperand(RSA_KEY, args[0], 1)),
  },
];
