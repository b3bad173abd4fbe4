// Re-spelled tokens (jws-variants.cases.yaml): per algorithm, variants that decode to the same bytes
// (padding, unused trailing bits) or verify just the same (ECDSA's high-S/low-S twins) are never
// accepted once the original is revoked, and the canonical originals still verify. The path is the
// service's: token validator + revocation hook + revocation list, revoking as POST /v1/revocations does.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { parse } from 'yaml';
import { resolveConfig } from '../../service/src/config/load.js';
import { createRegistry } from '../../service/src/config/registry.js';
import { revocationQueryHook } from '../../service/src/decisions/index.js';
import { createRevocationList } from '../../service/src/revocation/index.js';
import { createMemoryStore } from '../../service/src/store/index.js';
import { createTokenValidator, lowSSpelling } from '../../service/src/tokens/index.js';
import { decodeBase64url } from '../../service/src/tokens/jws-compact.js';

type Part = 'header' | 'payload' | 'signature';
interface Row {
  name: string;
  variant: 'none' | 'pad' | 'trailing_bits' | 'high_s' | 'low_s';
  part?: Part;
  original?: 'high_s';
  algorithms?: string[];
  issuer?: 'default' | 'accept_high_s';
  before: string;
  after: string;
}
interface DecodeRow { input: string; bytes?: string; canonical?: false }

const CASES = parse(readFileSync(new URL('./jws-variants.cases.yaml', import.meta.url), 'utf8')) as { algorithms: string[]; rows: Row[]; decode: DecodeRow[] };
const ISSUER = 'https://idp.variants.test';
const RESOURCE = 'https://mcp.variants.test/mcp';
const PARTS: Part[] = ['header', 'payload', 'signature'];
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

interface Key { alg: string; privateKey: CryptoKey; jwk: JWK }
const keys = new Map<string, Key>();
for (const alg of CASES.algorithms) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  keys.set(alg, { alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid: alg, alg, use: 'sig' } });
}

// Header and payload sized so that each ends in a partial base64 group: both then have unused bits.
function partialGroup(build: (filler: string) => object): Buffer {
  for (let n = 0; ; n++) {
    const bytes = Buffer.from(JSON.stringify(build('x'.repeat(n))));
    if (bytes.length % 3 !== 0) return bytes;
  }
}

let serial = 0;
async function signOnce(key: Key): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const id = ++serial;
  const payload = partialGroup((filler) => ({ iss: ISSUER, sub: `user-${id}`, aud: RESOURCE, iat: now, exp: now + 600, note: filler }));
  const header = JSON.parse(partialGroup((filler) => ({ alg: key.alg, kid: key.alg, typ: 'JWT', x: filler })).toString()) as { alg: string };
  return new CompactSign(payload).setProtectedHeader(header).sign(key.privateKey);
}

/** A token whose signature is in the asked spelling: ECDSA signs either, about half the time each. */
async function original(key: Key, highS: boolean): Promise<string> {
  for (let i = 0; i < 64; i++) {
    const token = await signOnce(key);
    const isHigh = lowSSpelling(token) !== token;
    if (isHigh === highS) return token;
  }
  throw new Error(`no ${highS ? 'high' : 'low'}-S signature from ${key.alg} in 64 tries`);
}

function respell(token: string, part: Part, edit: (encoded: string) => string | undefined): string | undefined {
  const parts = token.split('.');
  const i = PARTS.indexOf(part);
  const edited = edit(parts[i]!);
  if (edited === undefined) return undefined;
  parts[i] = edited;
  return parts.join('.');
}

// Sets the lowest unused bit of the last character: the same bytes, another spelling.
function trailingBits(encoded: string): string | undefined {
  const rest = encoded.length % 4;
  if (rest === 0) return undefined;
  const last = ALPHABET.indexOf(encoded[encoded.length - 1]!);
  return encoded.slice(0, -1) + ALPHABET[last | 1]!;
}

async function variantOf(row: Row, key: Key): Promise<{ original: string; variant: string | undefined }> {
  const ecdsa = key.alg.startsWith('ES');
  const first = ecdsa ? await original(key, row.original === 'high_s') : await signOnce(key);
  switch (row.variant) {
    case 'none': return { original: first, variant: first };
    case 'pad': return { original: first, variant: respell(first, row.part!, (p) => `${p}=`) };
    case 'trailing_bits': return { original: first, variant: respell(first, row.part!, trailingBits) };
    case 'low_s': return { original: first, variant: lowSSpelling(first) };
    case 'high_s': {
      // The high-S twin of a low-S original, found as the token whose low-S spelling is the original.
      const high = await original(key, true);
      const low = lowSSpelling(high);
      return { original: low, variant: high };
    }
  }
}

function harness(alg: string, acceptHighS: boolean) {
  const config = resolveConfig({
    issuers: [{ issuer: ISSUER, jwks: { keys: [keys.get(alg)!.jwk] }, algorithms: [alg], accept_high_s_signatures: acceptHighS }],
    servers: [{ id: 'mcp', resource: RESOURCE }],
  });
  const store = createMemoryStore();
  const revocations = createRevocationList({ store });
  const validator = createTokenValidator({ config, registry: createRegistry(config), isRevoked: revocationQueryHook(revocations) });
  const server = config.servers[0]!;
  return {
    async outcome(token: string): Promise<string> {
      const r = await validator.validateForServer(token, server);
      return r.valid ? 'valid' : r.reason;
    },
    // As POST /v1/revocations {token} does it.
    async revoke(token: string): Promise<void> {
      await revocations.revokeToken(token, await validator.revocationFacts(token));
    },
  };
}

describe('re-spelled tokens never outlive the revocation of the original', () => {
  for (const row of CASES.rows) {
    for (const alg of row.algorithms ?? CASES.algorithms) {
      test(`${alg}: ${row.name} → ${row.before}, after revoking the original → ${row.after}`, async () => {
        assert.notEqual(row.after, 'valid', 'the table itself must never expect a revoked token back');
        const key = keys.get(alg)!;
        const h = harness(alg, row.issuer === 'accept_high_s');
        const { original: token, variant } = await variantOf(row, key);
        assert.ok(variant !== undefined, `${alg}: the ${row.part} has no unused bits, so the row should not list it`);
        if (row.variant !== 'none') {
          assert.notEqual(variant, token, 'the variant is another spelling');
          if (row.variant === 'pad' || row.variant === 'trailing_bits') {
            assert.deepEqual(variant.split('.').map((p) => Buffer.from(p, 'base64url')), token.split('.').map((p) => Buffer.from(p, 'base64url')), 'same bytes');
          }
        }
        const canonicalOriginal = lowSSpelling(token) === token;
        if (canonicalOriginal || row.issuer === 'accept_high_s') assert.equal(await h.outcome(token), 'valid', 'the original verifies');
        assert.equal(await h.outcome(variant), row.before);
        await h.revoke(token);
        assert.equal(await h.outcome(token), 'revoked', 'the original is revoked');
        assert.equal(await h.outcome(variant), row.after);
      });
    }
  }
});

describe('decodeBase64url accepts only the canonical spelling', () => {
  for (const row of CASES.decode) {
    test(`${JSON.stringify(row.input)} → ${row.canonical === false ? 'refused' : row.bytes}`, () => {
      const bytes = decodeBase64url(row.input);
      if (row.canonical === false) assert.equal(bytes, undefined);
      else assert.equal(bytes?.toString('hex'), row.bytes);
    });
  }
});
