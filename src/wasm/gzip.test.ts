import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decompressModule } from './gzip.ts';

const wasm = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const LIMIT = 100n * 1024n * 1024n;

test('decompressModule() passes raw Wasm through', () => {
  const r = decompressModule(wasm, LIMIT);
  assert.ok(r.ok);
  assert.equal(r.compressed, false);
  assert.deepEqual(r.wasm, wasm);
});

test('decompressModule() gunzips a gzip module', () => {
  const r = decompressModule(new Uint8Array(gzipSync(wasm)), LIMIT);
  assert.ok(r.ok);
  assert.equal(r.compressed, true);
  assert.deepEqual(r.wasm, wasm);
});

test('decompressModule() rejects an unknown format, a short stream and a corrupt stream', () => {
  assert.deepEqual(decompressModule(new Uint8Array([1, 2, 3, 4]), LIMIT),
    { ok: false, error: { kind: 'DecodingError', message: 'unsupported canister module format' } });
  assert.deepEqual(decompressModule(new Uint8Array([0x1f, 0x8b, 0x08, 0]), LIMIT),
    { ok: false, error: { kind: 'DecodingError', message: 'invalid Wasm module: gzip stream is too short' } });
  const gz = new Uint8Array(gzipSync(wasm));
  gz[12] ^= 0xff;
  const r = decompressModule(gz, LIMIT);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? (r.error as { message: string }).message : '', /^failed to decode compressed Wasm module: |does not match/);
});

test('decompressModule() checks the footer size against the limit, then the real size', () => {
  const big = new Uint8Array(gzipSync(new Uint8Array(4096)));
  assert.deepEqual(decompressModule(big, 1000n), { ok: false, error: { kind: 'ModuleTooLarge', size: 4096n, allowed: 1000n } });
  // A lying footer (a gzip bomb claiming to be small) stops one byte past the claim.
  const lying = big.slice();
  new DataView(lying.buffer).setUint32(lying.length - 4, 100, true);
  assert.deepEqual(decompressModule(lying, LIMIT),
    { ok: false, error: { kind: 'DecodingError', message: 'specified uncompressed size 100 does not match extracted size 101' } });
  const raw = new Uint8Array(2000);
  raw.set(wasm);
  assert.deepEqual(decompressModule(raw, 1000n), { ok: false, error: { kind: 'ModuleTooLarge', size: 2000n, allowed: 1000n } });
});
