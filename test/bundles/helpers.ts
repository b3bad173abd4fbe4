// Test material for bundles: the minimal ABI module assembled from its WebAssembly text, signing keys,
// and bundles written entry by entry.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';
import { writeTarGz, type TarEntry } from '../../service/src/bundles/index.js';

let assembled: Promise<Uint8Array> | undefined;

/** test/bundles/fixtures/minimal-policy.wat as a wasm binary (wabt, at test time). */
export function minimalPolicyWasm(): Promise<Uint8Array> {
  assembled ??= (async () => {
    const wabt = await wabtInit();
    const text = readFileSync(new URL('./fixtures/minimal-policy.wat', import.meta.url), 'utf8');
    const module = wabt.parseWat('minimal-policy.wat', text, { bulk_memory: true });
    try {
      return new Uint8Array(module.toBinary({}).buffer);
    } finally {
      module.destroy();
    }
  })();
  return assembled;
}

export interface KeyPair {
  publicPem: string;
  privatePem: string;
}

export function rsaKeys(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export function ecKeys(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** A .tar.gz of the given files (text or bytes), named as OPA names them (`/path`). */
export function tarGz(files: Record<string, string | Uint8Array>): Buffer {
  const entries: TarEntry[] = Object.entries(files).map(([name, content]) => ({ name: `/${name}`, data: Buffer.from(content) }));
  return writeTarGz(entries);
}

export const ALLOW_TOOLS_LIST_REGO = `package mcp.authz

import rego.v1

default decision := {"allow": false, "reasons": ["only listed methods"], "required_scopes": []}

decision := {"allow": true, "reasons": [], "required_scopes": []} if input.action.method in data.mcp.open_methods
`;
