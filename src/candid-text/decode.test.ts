import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { decodeToJson, decodeToText, encodeArgs, parseDid } from './index.ts';

const AA = Principal.fromText('aaaaa-aa');

function text(types: IDL.Type[], values: unknown[], withTypes = true): string {
  const r = decodeToText(IDL.encode(types, values), withTypes ? types : undefined);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function decodeError(bytes: Uint8Array, types?: IDL.Type[]): string {
  const r = decodeToText(bytes, types);
  assert.ok(!r.ok, 'expected an error');
  return r.error;
}

test('primitives print with their type annotation, numbers grouped by _', () => {
  assert.equal(text([IDL.Nat], [42n]), '(42 : nat)');
  assert.equal(text([], []), '()');
  assert.equal(text([IDL.Nat, IDL.Int], [1_000_000n, -1234n]), '(1_000_000 : nat, -1_234 : int)');
  assert.equal(text([IDL.Nat8, IDL.Nat16, IDL.Nat32, IDL.Nat64], [255, 65535, 4294967295, 18446744073709551615n]),
    '(\n  255 : nat8,\n  65_535 : nat16,\n  4_294_967_295 : nat32,\n  18_446_744_073_709_551_615 : nat64,\n)');
  assert.equal(text([IDL.Int8, IDL.Int16, IDL.Int32, IDL.Int64], [-128, -1000, -100000, -1n]), '(-128 : int8, -1_000 : int16, -100_000 : int32, -1 : int64)');
  assert.equal(text([IDL.Float64, IDL.Float64, IDL.Float32], [1, -2.5, 0.1]), '(1.0 : float64, -2.5 : float64, 0.1 : float32)');
  assert.equal(text([IDL.Float64, IDL.Float64], [1e21, -0]), '(1000000000000000000000.0 : float64, -0.0 : float64)');
  assert.equal(text([IDL.Float64, IDL.Float64, IDL.Float64], [NaN, -Infinity, 1e-7]), '(NaN : float64, -inf : float64, 0.0000001 : float64)');
  assert.equal(text([IDL.Bool, IDL.Null, IDL.Reserved], [true, null, null]), '(true, null : null, null : reserved)');
  assert.equal(text([IDL.Text], ['a"b\\c\n\'é\u0007']), '("a\\"b\\\\c\\n\\\'é\\u{7}")');
  assert.equal(text([IDL.Principal], [AA]), '(principal "aaaaa-aa")');
});

test('composite values: opt, vec, blob, record, tuple, variant, func, service', () => {
  assert.equal(text([IDL.Opt(IDL.Nat), IDL.Opt(IDL.Text), IDL.Opt(IDL.Nat)], [[5n], ['a'], []]), '(opt (5 : nat), opt "a", null)');
  assert.equal(text([IDL.Vec(IDL.Nat)], [[1n, 2n]]), '(vec { 1 : nat; 2 : nat })');
  assert.equal(text([IDL.Vec(IDL.Text)], [[]]), '(vec {})');
  // More than ten elements: one line, as didc prints them.
  assert.equal(text([IDL.Vec(IDL.Bool)], [Array(11).fill(true)]), `(vec {${' true;'.repeat(11)}})`);
  assert.equal(text([IDL.Vec(IDL.Bool)], [Array(10).fill(true)]), `(vec {${' true;'.repeat(9)} true })`);
  assert.equal(text([IDL.Vec(IDL.Nat8)], [new TextEncoder().encode('hello world')]), '(blob "hello world")');
  assert.equal(text([IDL.Vec(IDL.Nat8)], [Uint8Array.of(0xde, 0xad, 0x41)]), '(blob "\\de\\ad\\41")');
  assert.equal(text([IDL.Vec(IDL.Nat8)], [new TextEncoder().encode('a\n"b')]), '(blob "a\\0a\\22b")');
  assert.equal(text([IDL.Vec(IDL.Nat8)], [new Uint8Array()]), '(blob "")');
  const account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
  assert.equal(text([account], [{ owner: AA, subaccount: [] }]), '(record { owner = principal "aaaaa-aa"; subaccount = null })');
  assert.equal(text([IDL.Tuple(IDL.Nat, IDL.Text)], [[1n, 'a']]), '(record { 1 : nat; "a" })');
  assert.equal(text([IDL.Record({ 'quoted name': IDL.Nat, _5_: IDL.Nat, type: IDL.Nat })], [{ 'quoted name': 1n, _5_: 2n, type: 3n }]),
    '(record { 5 = 2 : nat; "quoted name" = 1 : nat; "type" = 3 : nat })');
  const result = IDL.Variant({ Ok: IDL.Nat, Err: IDL.Text, Pending: IDL.Null });
  assert.equal(text([result, result], [{ Ok: 5n }, { Pending: null }]), '(variant { Ok = 5 : nat }, variant { Pending })');
  const f = IDL.Func([], []);
  assert.equal(text([f, IDL.Service({})], [[AA, 'get'], AA]), '(func "aaaaa-aa".get, service "aaaaa-aa")');
  assert.equal(text([f], [[AA, 'odd name']]), '(func "aaaaa-aa"."odd name")');
});

test('long values break over lines, two spaces per level, a separator after each item', () => {
  const t = IDL.Record({ name: IDL.Text, balance: IDL.Nat, owner: IDL.Principal });
  assert.equal(text([IDL.Vec(t)], [[{ name: 'alice', balance: 1234567890n, owner: AA }, { name: 'bob', balance: 5n, owner: Principal.anonymous() }]]), [
    '(',
    '  vec {',
    '    record {',
    '      balance = 1_234_567_890 : nat;',
    '      owner = principal "aaaaa-aa";',
    '      name = "alice";',
    '    };',
    '    record { balance = 5 : nat; owner = principal "2vxsx-fae"; name = "bob" };',
    '  },',
    ')',
  ].join('\n'));
  assert.equal(text([IDL.Text, IDL.Text], ['x'.repeat(40), 'y'.repeat(40)]), `(\n  "${'x'.repeat(40)}",\n  "${'y'.repeat(40)}",\n)`);
});

test('without types: the message\'s own types, field ids as numbers', () => {
  const t = IDL.Record({ name: IDL.Text, n: IDL.Nat });
  assert.equal(text([t], [{ name: 'a', n: 1n }], false), '(record { 110 = 1 : nat; 1_224_700_491 = "a" })');
  assert.equal(text([IDL.Variant({ ok: IDL.Null })], [{ ok: null }], false), '(variant { 24_860 })');
  assert.equal(text([IDL.Tuple(IDL.Nat, IDL.Nat)], [[1n, 2n]], false), '(record { 1 : nat; 2 : nat })');
  assert.equal(text([IDL.Vec(IDL.Nat8), IDL.Opt(IDL.Int)], [Uint8Array.of(1), [-1n]], false), '(blob "\\01", opt (-1 : int))');
});

test('nat and int of any size, LEB128 read in linear time', () => {
  for (const n of [0n, 63n, 64n, -64n, -65n, 2n ** 64n, -(2n ** 70n) + 3n, 10n ** 300n]) {
    const r = decodeToJson(IDL.encode([IDL.Int, IDL.Nat], [n, n < 0n ? -n : n]));
    assert.deepEqual(r, { ok: true, value: [String(n), String(n < 0n ? -n : n)] });
  }
});

test('decoding against the expected types applies the spec\'s subtyping', () => {
  const wire = IDL.encode([IDL.Record({ a: IDL.Nat, extra: IDL.Text }), IDL.Nat, IDL.Text, IDL.Text], [{ a: 1n, extra: 'x' }, 2n, 'y', 'z']);
  const expected = [IDL.Record({ a: IDL.Int, missing: IDL.Opt(IDL.Nat) }), IDL.Int, IDL.Opt(IDL.Nat)];
  const r = decodeToText(wire, expected);
  assert.deepEqual(r, { ok: true, value: '(record { a = 1 : int; missing = null }, 2 : int, null)' });
  // Fewer values than types: opt, null and reserved are filled in.
  const few = decodeToText(IDL.encode([IDL.Nat], [1n]), [IDL.Nat, IDL.Opt(IDL.Text), IDL.Null, IDL.Reserved]);
  assert.deepEqual(few, { ok: true, value: '(1 : nat, null, null : null, null : reserved)' });
  assert.equal(decodeError(IDL.encode([IDL.Nat], [1n]), [IDL.Nat, IDL.Text]), 'missing argument 2 of type text');
  assert.equal(decodeError(IDL.encode([IDL.Int], [-1n]), [IDL.Nat]), 'type mismatch: -1 : int cannot be of type nat (argument 1)');
  assert.equal(decodeError(IDL.encode([IDL.Variant({ b: IDL.Null })], [{ b: null }]), [IDL.Variant({ a: IDL.Null })]),
    'variant field 98 not found (argument 1)');
  assert.equal(decodeError(IDL.encode([IDL.Record({})], [{}]), [IDL.Record({ x: IDL.Nat })]), 'record field x not found (argument 1)');
  // opt T accepts a T, and anything that does not fit becomes null.
  assert.deepEqual(decodeToText(IDL.encode([IDL.Nat, IDL.Text], [3n, 'a']), [IDL.Opt(IDL.Nat), IDL.Opt(IDL.Nat)]), { ok: true, value: '(opt (3 : nat), null)' });
});

test('recursive types from a .did decode and print', () => {
  const s = parseDid('type List = opt record { head : int; tail : List }; service : { f : () -> (List) }');
  assert.ok(s.ok);
  const types = s.value.methods.get('f')!.retTypes;
  const list = [{ head: 1n, tail: [{ head: 2n, tail: [] }] }];
  assert.equal(text(types, [list]), '(\n  opt record {\n    head = 1 : int;\n    tail = opt record { head = 2 : int; tail = null };\n  },\n)');
  assert.equal(text(types, [[{ head: 1n, tail: [] }]]), '(opt record { head = 1 : int; tail = null })');
  assert.equal(text(types, [[{ head: 1n, tail: [] }]], false), '(opt record { 1_158_359_328 = 1 : int; 1_291_237_008 = null })');
});

test('a linked list a thousand long (as Motoko lists are) decodes, prints and encodes back', () => {
  const list = IDL.Rec();
  list.fill(IDL.Opt(IDL.Tuple(IDL.Nat, list)));
  let v: unknown = [];
  for (let i = 999; i >= 0; i--) v = [[BigInt(i), v]];
  const bytes = IDL.encode([list], [v]);
  const printed = decodeToText(bytes, [list]);
  assert.ok(printed.ok, printed.ok ? '' : printed.error);
  assert.ok(printed.value.startsWith('(\n  opt record {\n    0 : nat;\n    opt record {\n'));
  assert.ok(decodeToText(bytes).ok);
  assert.ok(decodeToJson(bytes, [list]).ok);
  const again = encodeArgs(printed.value, [list]);
  assert.ok(again.ok, again.ok ? '' : again.error);
  assert.deepEqual(again.value, bytes);
});

test('decodeToJson: bigints as strings, principals as text, blobs as hex', () => {
  const types = [IDL.Nat, IDL.Int64, IDL.Nat32, IDL.Float64, IDL.Text, IDL.Principal, IDL.Vec(IDL.Nat8), IDL.Opt(IDL.Nat8), IDL.Opt(IDL.Nat8),
    IDL.Record({ a: IDL.Bool, b: IDL.Null }), IDL.Tuple(IDL.Nat8, IDL.Text), IDL.Variant({ Ok: IDL.Nat }), IDL.Vec(IDL.Int8)];
  const values = [12345678901234567890n, -5n, 7, 1.5, 'hi', AA, Uint8Array.of(0xca, 0xfe), [3], [], { a: true, b: null }, [1, 'x'], { Ok: 1n }, Int8Array.of(-1, 2)];
  const r = decodeToJson(IDL.encode(types, values), types);
  assert.deepEqual(r, { ok: true, value: ['12345678901234567890', '-5', 7, 1.5, 'hi', 'aaaaa-aa', 'cafe', [3], [], { a: true, b: null }, [1, 'x'], { Ok: '1' }, [-1, 2]] });
  const untyped = decodeToJson(IDL.encode([IDL.Record({ a: IDL.Nat })], [{ a: 1n }]));
  assert.deepEqual(untyped, { ok: true, value: [{ 97: '1' }] });
});

test('malformed messages are error values with the byte offset', () => {
  const b = (...xs: number[]) => Uint8Array.from(xs);
  const didl = [0x44, 0x49, 0x44, 0x4c];
  assert.equal(decodeError(b(1, 2, 3)), 'invalid Candid message at byte 0: wrong magic number (not a Candid message)');
  assert.equal(decodeError(b(0x44, 0x49, 0x44, 0x4d, 0, 0)), 'invalid Candid message at byte 4: wrong magic number (not a Candid message)');
  assert.equal(decodeError(b(...didl, 0, 1, 0x7d)), 'invalid Candid message at byte 7: unexpected end of message');
  assert.equal(decodeError(b(...didl, 0, 1, 0x7e, 2)), 'invalid Candid message at byte 8: invalid bool byte 2');
  assert.equal(decodeError(b(...didl, 0, 0, 1)), 'invalid Candid message at byte 6: 1 trailing bytes after the arguments');
  assert.equal(decodeError(b(...didl, 0, 1, 0x71, 1, 0xff)), 'invalid Candid message at byte 9: text is not valid UTF-8');
  assert.equal(decodeError(b(...didl, 0, 1, 3)), 'invalid Candid message at byte 7: type index 3 out of range');
  assert.equal(decodeError(b(...didl, 0, 1, 0x60)), 'invalid Candid message at byte 7: unknown type code -32');
  assert.equal(decodeError(b(...didl, 1, 0x6c, 2, 1, 0x7c, 1, 0x7c, 0)), 'invalid Candid message at byte 10: record or variant field ids are not strictly increasing');
  assert.equal(decodeError(b(...didl, 1, 0x50, 0)), 'invalid Candid message at byte 6: unsupported type opcode -48 in the type table');
  assert.equal(decodeError(b(...didl, 0xff, 0xff, 0xff, 0xff, 0x0f)), 'invalid Candid message at byte 9: count 4294967295 larger than the message');
  assert.equal(decodeError(b(...didl, 0, 1, 0x6f)), 'invalid Candid message at byte 7: cannot decode a value of type empty');
  // A record that contains itself has no finite value.
  assert.match(decodeError(b(...didl, 1, 0x6c, 1, 0, 0, 1, 0)), /value nested too deeply/);
  // vec null of length 2^32 - 1: zero bytes per element, bounded by the value budget.
  assert.match(decodeError(b(...didl, 1, 0x6d, 0x7f, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f)), /too many values/);
  assert.match(decodeError(b(...didl, 0, 1, 0x68, 0)), /opaque references are not supported/);
  assert.equal(decodeError(b(...didl, 0, 1, 0x7d, ...new Array(9000).fill(0xff), 1)), 'invalid Candid message at byte 8199: number longer than 8192 LEB128 bytes');
  assert.match(decodeError(b(...didl, 0, 1, 0x68, 1, 30, ...new Array(30).fill(0))), /principal longer than 29 bytes/);
});
