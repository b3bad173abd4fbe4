// JWT builtins against tokens signed here with freshly generated keys (no key material is committed);
// the scenarios, including algorithm-confusion attacks, are data in jwt.yaml.
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { constants, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { parse } from 'yaml';
import { BUILTINS, BuiltinError, type BuiltinContext } from '../../../service/src/rego/builtins/index.js';
import { canonicalJson, makeObject, type Value } from '../../../service/src/rego/value.js';

interface Scenario {
  note: string;
  sign: { alg: string; key: string; header?: Record<string, unknown>; payload?: Record<string, unknown> };
  tamper?: 'payload' | 'strip-signature';
  call: { builtin: string; key?: string; append?: string; constraints?: Record<string, unknown> };
  want?: unknown;
  error?: { code: string; prefix: string };
}

const scenarios = parse(readFileSync(new URL('./jwt.yaml', import.meta.url), 'utf8')) as Scenario[];
const ctx: BuiltinContext = { nowNs: 1700000000000000000n, print: () => undefined, cache: new Map(), charge: () => undefined };
const keys = new Map<string, { publicKey: KeyObject; privateKey: KeyObject }>();

before(() => {
  keys.set('rsa', generateKeyPairSync('rsa', { modulusLength: 2048 }));
  keys.set('rsa2', generateKeyPairSync('rsa', { modulusLength: 2048 }));
  keys.set('ec256', generateKeyPairSync('ec', { namedCurve: 'P-256' }));
  keys.set('ec384', generateKeyPairSync('ec', { namedCurve: 'P-384' }));
  keys.set('ec521', generateKeyPairSync('ec', { namedCurve: 'P-521' }));
  keys.set('ed25519', generateKeyPairSync('ed25519'));
});

function pair(name: string): { publicKey: KeyObject; privateKey: KeyObject } {
  const k = keys.get(name);
  assert.ok(k, `test key ${name}`);
  return k;
}

function jwkOf(spec: string): Record<string, unknown> {
  // "<key>@<alg>#<kid>"
  const m = /^([a-z0-9]+)(?:@([A-Za-z0-9]+))?(?:#(.+))?$/.exec(spec);
  assert.ok(m, `key spec ${spec}`);
  const jwk: Record<string, unknown> = { ...pair(m[1]).publicKey.export({ format: 'jwk' }) };
  if (m[2]) jwk.alg = m[2];
  if (m[3]) jwk.kid = m[3];
  return jwk;
}

/** Expands `$pem:`, `$jwk:` and `$jwks:` references into key text. */
function keyText(ref: string): string {
  if (ref.startsWith('$pem:')) return pair(ref.slice(5)).publicKey.export({ format: 'pem', type: 'spki' }).toString();
  if (ref.startsWith('$jwk:')) return JSON.stringify(jwkOf(ref.slice(5)));
  if (ref.startsWith('$jwks:')) return JSON.stringify({ keys: ref.slice(6).split(',').map(jwkOf) });
  return ref;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** Signs independently of the builtins under test. */
function signToken(s: Scenario['sign']): string {
  const header = { alg: s.alg, typ: 'JWT', ...s.header };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(s.payload ?? { iss: 'test' }))}`;
  const data = Buffer.from(input);
  const hash = `sha${s.alg.slice(2)}`;
  let signature: Buffer;
  if (s.key.startsWith('secret:')) {
    signature = s.alg === 'none' ? Buffer.alloc(0) : createHmac(hash, keyText(s.key.slice(7))).update(data).digest();
  } else {
    const key = pair(s.key).privateKey;
    if (s.alg === 'EdDSA') signature = sign(null, data, key);
    else if (s.alg.startsWith('PS')) {
      signature = sign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    } else if (s.alg.startsWith('ES')) signature = sign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
    else signature = sign(hash, data, key);
  }
  return `${input}.${b64url(signature)}`;
}

function tamper(token: string, how: Scenario['tamper']): string {
  const [h, p, s] = token.split('.');
  if (how === 'payload') return `${h}.${b64url(JSON.stringify({ iss: 'attacker' }))}.${s}`;
  if (how === 'strip-signature') return `${h}.${p}.`;
  return token;
}

function toValue(x: unknown): Value {
  if (Array.isArray(x)) return x.map(toValue);
  if (x !== null && typeof x === 'object') {
    return makeObject(Object.entries(x).map(([k, v]) => [k, typeof v === 'string' ? keyText(v) : toValue(v)]));
  }
  return x as Value;
}

describe('rego builtins: jwt', () => {
  for (const s of scenarios) {
    test(s.note, () => {
      const decl = BUILTINS.get(s.call.builtin);
      assert.ok(decl, `builtin ${s.call.builtin}`);
      const token = tamper(signToken(s.sign), s.tamper);
      const second = s.call.constraints ? toValue(s.call.constraints) : keyText(s.call.key ?? '') + (s.call.append ?? '');
      const call = (): Value | undefined => decl.impl([token, second], ctx);
      if (s.error) {
        assert.throws(call, (e: unknown) => {
          assert.ok(e instanceof BuiltinError, String(e));
          assert.equal(e.code, s.error?.code);
          assert.ok(e.message.startsWith(s.error?.prefix ?? ''), e.message);
          return true;
        });
        return;
      }
      const got = call();
      if (s.call.builtin === 'io.jwt.decode_verify' && typeof s.want === 'boolean') {
        assert.ok(Array.isArray(got));
        assert.equal(got[0], s.want);
        if (!s.want) assert.equal(canonicalJson(got), '[false,{},{}]');
      } else {
        assert.equal(canonicalJson(got as Value), canonicalJson(toValue(s.want)));
      }
    });
  }

  test('io.jwt.decode returns header, claims and the signature as hex', () => {
    // Claims beyond 2^53 must survive exactly, so the token is assembled from JSON text.
    const raw = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"big":12345678901234567890}')}.AQID`;
    const got = BUILTINS.get('io.jwt.decode')?.impl([raw], ctx) as Value[];
    assert.equal(canonicalJson(got), '[{"alg":"HS256","typ":"JWT"},{"big":12345678901234567890},"010203"]');
    assert.equal(typeof (got[1] as Record<string, Value>).big, 'bigint');
  });

  test('io.jwt.decode refuses absurdly nested claims with a builtin error, not a stack overflow', () => {
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const raw = `${b64url('{"alg":"HS256"}')}.${b64url(deep)}.AA`;
    assert.throws(() => BUILTINS.get('io.jwt.decode')?.impl([raw], ctx), (e: unknown) => {
      assert.ok(e instanceof BuiltinError);
      assert.equal(e.message, 'io.jwt.decode: invalid JSON: exceeded max depth');
      return true;
    });
  });

  test('io.jwt.encode_sign output verifies, for every algorithm family', () => {
    const encode = BUILTINS.get('io.jwt.encode_sign');
    assert.ok(encode);
    const cases: [string, string, string][] = [
      ['HS256', 'secret', 'io.jwt.verify_hs256'],
      ['RS256', 'rsa', 'io.jwt.verify_rs256'],
      ['PS384', 'rsa', 'io.jwt.verify_ps384'],
      ['ES256', 'ec256', 'io.jwt.verify_es256'],
      ['ES512', 'ec521', 'io.jwt.verify_es512'],
      ['EdDSA', 'ed25519', 'io.jwt.verify_eddsa'],
    ];
    for (const [alg, keyName, verifier] of cases) {
      const jwk = keyName === 'secret' ? { kty: 'oct', k: b64url('topsecret') } : pair(keyName).privateKey.export({ format: 'jwk' });
      const token = encode.impl([toValue({ alg }), toValue({ sub: 'x' }), toValue(jwk)], ctx) as string;
      const key = keyName === 'secret' ? 'topsecret' : keyText(`$pem:${keyName}`);
      assert.equal(BUILTINS.get(verifier)?.impl([token, key], ctx), true, alg);
    }
  });

  test('io.jwt.encode_sign_raw refuses alg none and a public key', () => {
    const raw = BUILTINS.get('io.jwt.encode_sign_raw');
    assert.ok(raw);
    assert.throws(() => raw.impl(['{"alg":"none"}', '{}', '{"kty":"oct","k":"YQ"}'], ctx), /unknown JWS algorithm: none/);
    assert.throws(() => raw.impl(['{"alg":"RS256"}', '{}', keyText('$jwk:rsa')], ctx), /invalid key type for algorithm RS256/);
    assert.throws(() => raw.impl(['{"alg":"HS256"}', 'not json', '{"kty":"oct","k":"YQ"}'], ctx), /type is JWT but payload is not JSON/);
  });
});
