// The tar.gz reader and writer: round trips, long names, and refusal of links, bombs and damage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readTarGz, TarError, writeTarGz } from '../../service/src/bundles/index.js';

test('entries round-trip, names lose a leading / or ./', () => {
  const long = `${'deep/'.repeat(30)}authz.rego`;
  const archive = writeTarGz([
    { name: '/.manifest', data: Buffer.from('{}') },
    { name: './data.json', data: Buffer.from('{"a":1}') },
    { name: long, data: Buffer.from('package x') },
    { name: 'empty.rego', data: Buffer.alloc(0) },
    { name: 'block.bin', data: Buffer.alloc(512, 7) },
  ]);
  const entries = readTarGz(archive);
  assert.deepEqual(entries.map((e) => e.name), ['.manifest', 'data.json', long, 'empty.rego', 'block.bin']);
  assert.equal(entries[2]!.data.toString(), 'package x');
  assert.equal(entries[3]!.data.length, 0);
  assert.deepEqual(entries[4]!.data, Buffer.alloc(512, 7));
});

function rawHeader(name: string, type: string, size = 0): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(type, 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

test('a symbolic link entry is refused', () => {
  const archive = gzipSync(Buffer.concat([rawHeader('evil', '2'), Buffer.alloc(1024)]));
  assert.throws(() => readTarGz(archive), (e: unknown) => e instanceof TarError && /only regular files/.test(e.message));
});

test('a damaged header, a truncated archive, non-gzip data and an oversized archive are refused', () => {
  const good = Buffer.concat([rawHeader('a.rego', '0', 4), Buffer.from('abcd'), Buffer.alloc(508), Buffer.alloc(1024)]);
  const damaged = Buffer.from(good);
  damaged[0] = 0x62;
  assert.throws(() => readTarGz(gzipSync(damaged)), /checksum/);
  assert.throws(() => readTarGz(gzipSync(good.subarray(0, 514))), /truncated/);
  assert.throws(() => readTarGz(Buffer.from('not gzip')), /not a gzip/);
  const bomb = writeTarGz([{ name: 'zeros', data: Buffer.alloc(4 * 1024 * 1024) }]);
  assert.throws(() => readTarGz(bomb, { maxBytes: 1024 * 1024, maxEntries: 10 }), /exceeds 1048576 bytes/);
  const many = writeTarGz(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })));
  assert.throws(() => readTarGz(many, { maxBytes: 1 << 20, maxEntries: 4 }), /more than 4 files/);
});
