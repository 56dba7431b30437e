import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader, DecodeError } from './reader.ts';
import { ByteWriter } from './writer.ts';

const r = (...bytes: number[]) => new ByteReader(new Uint8Array(bytes));

test('ByteReader.u32() decodes LEB128 and rejects overlong or too-large encodings', () => {
  assert.equal(r(0x00).u32(), 0);
  assert.equal(r(0xe5, 0x8e, 0x26).u32(), 624485);
  assert.equal(r(0xff, 0xff, 0xff, 0xff, 0x0f).u32(), 0xffffffff);
  assert.equal(r(0x80, 0x80, 0x80, 0x80, 0x00).u32(), 0); // padded but within 5 bytes
  assert.throws(() => r(0xff, 0xff, 0xff, 0xff, 0x1f).u32(), DecodeError);
  assert.throws(() => r(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32(), DecodeError);
  assert.throws(() => r(0x80).u32(), /unexpected end/);
});

test('ByteReader.s32() and s64() sign-extend and bound their encodings', () => {
  assert.equal(r(0x7f).s32(), -1);
  assert.equal(r(0x80, 0x7f).s32(), -128);
  assert.equal(r(0xff, 0xff, 0xff, 0xff, 0x07).s32(), 0x7fffffff);
  assert.equal(r(0x80, 0x80, 0x80, 0x80, 0x78).s32(), -0x80000000);
  assert.throws(() => r(0xff, 0xff, 0xff, 0xff, 0x0f).s32(), /too large/);
  assert.equal(r(0x7f).s64(), -1n);
  assert.equal(r(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00).s64(), 0x7fffffffffffffffn);
  assert.equal(r(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f).s64(), -0x8000000000000000n);
  assert.throws(() => r(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).s64(), /too large/);
});

test('ByteReader.s33() decodes block types', () => {
  assert.equal(r(0x40).s33(), -64);
  assert.equal(r(0x7f).s33(), -1);
  assert.equal(r(0x05).s33(), 5);
  assert.equal(r(0x80, 0x01).s33(), 128);
});

test('ByteWriter round-trips every LEB128 form through ByteReader', () => {
  const u32s = [0, 1, 63, 64, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32 - 1];
  const s32s = [0, 1, -1, 63, -64, 64, -65, 2 ** 31 - 1, -(2 ** 31)];
  const s64s = [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 123456789012345n];
  const u64s = [0n, 2n ** 64n - 1n, 2n ** 40n];
  const w = new ByteWriter(4);
  for (const v of u32s) w.u32(v);
  for (const v of s32s) w.s32(v);
  for (const v of s64s) w.s64(v);
  for (const v of u64s) w.u64(v);
  w.name('héllo');
  const rd = new ByteReader(w.finish());
  for (const v of u32s) assert.equal(rd.u32(), v);
  for (const v of s32s) assert.equal(rd.s32(), v);
  for (const v of s64s) assert.equal(rd.s64(), v);
  for (const v of u64s) assert.equal(rd.u64(), v);
  assert.equal(rd.name(), 'héllo');
  assert.ok(rd.eof);
});

test('ByteReader.name() rejects malformed UTF-8 and count() rejects impossible lengths', () => {
  assert.throws(() => r(0x02, 0xc3, 0x28).name(), /malformed UTF-8/);
  assert.throws(() => r(0xff, 0xff, 0x03, 0x00).count(), /exceeds the remaining/);
});
