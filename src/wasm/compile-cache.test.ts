import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ErrorCode } from '../errors/index.ts';
import { CompileCache, moduleHash } from './compile-cache.ts';
import { wat } from '../../test/wasm/modules.ts';

const COUNTER = `(module
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (global $n (mut i32) (i32.const 0))
  (func (export "canister_update inc") (global.set $n (i32.add (global.get $n) (i32.const 1))) (call $reply)))`;

test('CompileCache.get() compiles once, then hits memory, and a new cache hits disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ic-exec-cache-'));
  try {
    const bytes = await wat(COUNTER);
    const cache = new CompileCache({ dir });
    const first = cache.get(bytes);
    assert.ok(first.ok);
    assert.equal(first.source, 'compiled');
    assert.equal(first.compiled.hash, moduleHash(bytes));
    const second = cache.get(bytes);
    assert.ok(second.ok);
    assert.equal(second.source, 'memory');
    assert.equal(second.compiled.module, first.compiled.module);
    assert.equal(readdirSync(dir).length, 1);

    const restarted = new CompileCache({ dir });
    const third = restarted.get(bytes);
    assert.ok(third.ok);
    assert.equal(third.source, 'disk');
    assert.deepEqual(third.compiled.output, first.compiled.output);
    assert.deepEqual(restarted.stats, { memoryHits: 0, diskHits: 1, compiles: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CompileCache.get() keys by the installed bytes: gzip is another module with its own hash', async () => {
  const bytes = await wat(COUNTER);
  const gz = new Uint8Array(gzipSync(bytes));
  const cache = new CompileCache();
  const a = cache.get(bytes);
  const b = cache.get(gz);
  assert.ok(a.ok && b.ok);
  assert.notEqual(a.compiled.hash, b.compiled.hash);
  assert.deepEqual(a.compiled.output.binary, b.compiled.output.binary);
});

test('CompileCache.get() remembers rejections and ignores a damaged disk entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ic-exec-cache-'));
  try {
    const cache = new CompileCache({ dir });
    const bad = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 99]);
    const r1 = cache.get(bad);
    assert.equal(r1.ok, false);
    assert.equal(!r1.ok && r1.error.code, ErrorCode.CanisterInvalidWasm);
    const r2 = cache.get(bad);
    assert.equal(r2.source, 'memory');
    assert.deepEqual(r2, { ...r1, source: 'memory' });

    const bytes = await wat(COUNTER);
    cache.get(bytes);
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file), new Uint8Array([1, 2, 3]));
    const fresh = new CompileCache({ dir });
    const r3 = fresh.get(bytes);
    assert.ok(r3.ok);
    assert.equal(r3.source, 'compiled');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CompileCache evicts the least recently used module past its bounds', async () => {
  const cache = new CompileCache({ maxEntries: 2 });
  const mods = await Promise.all([1, 2, 3].map((i) => wat(`(module (func (export "canister_update m${i}")))`)));
  for (const m of mods) cache.get(m);
  assert.equal(cache.size, 2);
  assert.equal(cache.get(mods[0]).source, 'compiled');
  assert.equal(cache.get(mods[2]).source, 'memory');
});
