import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { encodeArgs, parseDid } from './index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function encode(text: string, types?: IDL.Type[]): Uint8Array {
  const r = encodeArgs(text, types);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function encodeError(text: string, types?: IDL.Type[]): string {
  const r = encodeArgs(text, types);
  assert.ok(!r.ok, `expected an error for ${text}`);
  return r.error;
}

/** Text encoded against `types` decodes, with @dfinity/candid, to `values`. */
function roundTrip(text: string, types: IDL.Type[], values: unknown[]): void {
  assert.deepEqual(IDL.decode(types, encode(text, types)), values, text);
}

test('every primitive type, numbers coerced to the expected type', () => {
  roundTrip('(true, false, null)', [IDL.Bool, IDL.Bool, IDL.Null], [true, false, null]);
  roundTrip('(0, 1_000_000, 0xff, -5, +7)', [IDL.Nat, IDL.Nat, IDL.Nat, IDL.Int, IDL.Int], [0n, 1_000_000n, 255n, -5n, 7n]);
  roundTrip('(255, 65535, 4294967295, 18446744073709551615)', [IDL.Nat8, IDL.Nat16, IDL.Nat32, IDL.Nat64], [255, 65535, 4294967295, 18446744073709551615n]);
  roundTrip('(-128, -32768, -2147483648, -9223372036854775808)', [IDL.Int8, IDL.Int16, IDL.Int32, IDL.Int64], [-128, -32768, -2147483648, -9223372036854775808n]);
  roundTrip('(1.5, -2.25e3, 3, 0.1)', [IDL.Float64, IDL.Float64, IDL.Float64, IDL.Float32], [1.5, -2250, 3, Math.fround(0.1)]);
  roundTrip('("", "héllo \\u{1F600}", "\\n\\t\\r\\\\\\"\\\'", "\\e2\\82\\ac")', [IDL.Text, IDL.Text, IDL.Text, IDL.Text], ['', 'héllo 😀', '\n\t\r\\"\'', '€']);
  roundTrip('(principal "aaaaa-aa", principal "2vxsx-fae")', [IDL.Principal, IDL.Principal], [Principal.fromText('aaaaa-aa'), Principal.anonymous()]);
  roundTrip('(null, 5, "x")', [IDL.Reserved, IDL.Reserved, IDL.Reserved], [null, null, null]);
});

test('composite types: opt, vec, blob, record, tuple, variant, func, service', () => {
  roundTrip('(opt 5, null, opt opt "a", opt null)', [IDL.Opt(IDL.Nat), IDL.Opt(IDL.Nat), IDL.Opt(IDL.Opt(IDL.Text)), IDL.Opt(IDL.Opt(IDL.Nat))], [[5n], [], [['a']], [[]]]);
  roundTrip('(vec { 1; 2; 3 }, vec {}, vec { "a"; "b"; })', [IDL.Vec(IDL.Nat16), IDL.Vec(IDL.Text), IDL.Vec(IDL.Text)], [Uint16Array.of(1, 2, 3), [], ['a', 'b']]);
  roundTrip('(blob "\\00\\ffab", vec { 1; 2 }, blob "")', [IDL.Vec(IDL.Nat8), IDL.Vec(IDL.Nat8), IDL.Vec(IDL.Nat8)],
    [Uint8Array.of(0, 255, 97, 98), Uint8Array.of(1, 2), new Uint8Array()]);
  const account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
  roundTrip('(record { owner = principal "aaaaa-aa" })', [account], [{ owner: Principal.fromText('aaaaa-aa'), subaccount: [] }]);
  roundTrip('(record { subaccount = opt blob "\\01"; owner = principal "aaaaa-aa"; extra = 5 })', [account],
    [{ owner: Principal.fromText('aaaaa-aa'), subaccount: [Uint8Array.of(1)] }]);
  roundTrip('(record { 1; "a" }, record { 0 = 1; 1 = "a" })', [IDL.Tuple(IDL.Nat, IDL.Text), IDL.Tuple(IDL.Nat, IDL.Text)], [[1n, 'a'], [1n, 'a']]);
  roundTrip('(record { "quoted name" = 1; 5 = 2 })', [IDL.Record({ 'quoted name': IDL.Nat, _5_: IDL.Nat })], [{ 'quoted name': 1n, _5_: 2n }]);
  const result = IDL.Variant({ Ok: IDL.Nat, Err: IDL.Text, Pending: IDL.Null });
  roundTrip('(variant { Ok = 5 }, variant { Err = "no" }, variant { Pending })', [result, result, result], [{ Ok: 5n }, { Err: 'no' }, { Pending: null }]);
  const f = IDL.Func([IDL.Nat], [], ['query']);
  roundTrip('(func "aaaaa-aa".get, service "2vxsx-fae", func "aaaaa-aa"."odd name")', [f, IDL.Service({ get: f }), f],
    [[Principal.fromText('aaaaa-aa'), 'get'], Principal.anonymous(), [Principal.fromText('aaaaa-aa'), 'odd name']]);
});

test('annotations in the text, nested parentheses, comments and a bare single value', () => {
  roundTrip('((5 : nat8), (opt (1 : nat) : opt nat))', [IDL.Nat8, IDL.Opt(IDL.Nat)], [5, [1n]]);
  roundTrip('( /* the amount */ 10 // tokens\n )', [IDL.Nat], [10n]);
  roundTrip('record { x = 1 }', [IDL.Record({ x: IDL.Nat })], [{ x: 1n }]);
  roundTrip('', [IDL.Opt(IDL.Nat), IDL.Null, IDL.Reserved], [[], null, null]);
  roundTrip('()', [], []);
});

test('recursive types from a .did', () => {
  const s = parseDid('type List = opt record { head : int; tail : List }; service : { f : (List) -> () }');
  assert.ok(s.ok);
  const types = s.value.methods.get('f')!.argTypes;
  roundTrip('(opt record { head = 1; tail = opt record { head = -2; tail = null } })', types,
    [[{ head: 1n, tail: [{ head: -2n, tail: [] }] }]]);
});

test('without types: inferred as didc does (a number is an int, field names hashed)', () => {
  const same = (text: string, types: IDL.Type[], values: unknown[]) => assert.equal(hex(encode(text)), hex(IDL.encode(types, values)), text);
  same('(1, -2, 1.5, "a", true, null)', [IDL.Int, IDL.Int, IDL.Float64, IDL.Text, IDL.Bool, IDL.Null], [1n, -2n, 1.5, 'a', true, null]);
  same('(5 : nat8, 7 : nat, 8 : float32, -1 : int64)', [IDL.Nat8, IDL.Nat, IDL.Float32, IDL.Int64], [5, 7n, 8, -1n]);
  same('(record { x = 2; 5 = "five" })', [IDL.Record({ x: IDL.Int, _5_: IDL.Text })], [{ x: 2n, _5_: 'five' }]);
  same('(variant { ok = 1 }, variant { none })', [IDL.Variant({ ok: IDL.Int }), IDL.Variant({ none: IDL.Null })], [{ ok: 1n }, { none: null }]);
  same('(vec { 1; 2 }, vec {}, opt "x", blob "ab")', [IDL.Vec(IDL.Int), IDL.Vec(IDL.Empty), IDL.Opt(IDL.Text), IDL.Vec(IDL.Nat8)],
    [[1n, 2n], [], ['x'], Uint8Array.of(97, 98)]);
  same('(principal "aaaaa-aa", record { 1; 2 })', [IDL.Principal, IDL.Record({ _0_: IDL.Int, _1_: IDL.Int })],
    [Principal.fromText('aaaaa-aa'), { _0_: 1n, _1_: 2n }]);
  assert.equal(hex(encode('()')), hex(IDL.encode([], [])));
});

test('value errors name the position and the argument, with didc\'s wording', () => {
  assert.equal(encodeError('(-1)', [IDL.Nat]), '1:2: -1 is out of range for nat (argument 1)');
  assert.equal(encodeError('(1, 256)', [IDL.Nat8, IDL.Nat8]), '1:5: 256 is out of range for nat8 (argument 2)');
  assert.equal(encodeError('(1, "x")', [IDL.Nat, IDL.Nat]), '1:5: type mismatch: "x" cannot be of type nat (argument 2)');
  assert.equal(encodeError('(\n  record { y = 1 })', [IDL.Record({ x: IDL.Nat })]), '2:3: record field x not found (argument 1)');
  assert.equal(encodeError('(variant { Nope })', [IDL.Variant({ Ok: IDL.Null })]), '1:2: variant field Nope not found (argument 1)');
  assert.equal(encodeError('(5)', [IDL.Opt(IDL.Nat)]), '1:2: type mismatch: 5 cannot be of type opt nat (argument 1)');
  assert.equal(encodeError('(1, 2)', [IDL.Nat]), 'wrong number of argument values: expected 1, got 2');
  assert.equal(encodeError('()', [IDL.Nat]), 'omitted values cannot be of type nat (argument 1)');
  assert.equal(encodeError('(1.5)', [IDL.Nat]), '1:2: type mismatch: 1.5 : float64 cannot be of type nat (argument 1)');
  assert.equal(encodeError('(300 : nat8)'), '1:2: 300 is out of range for nat8');
  assert.equal(encodeError('(5 : nat8)', [IDL.Nat]), '1:2: type mismatch: 5 : nat8 cannot be of type nat (argument 1)');
  assert.equal(encodeError('(principal "not-a-principal")'), '1:12: invalid principal "not-a-principal"');
  assert.equal(encodeError('(1,'), '1:4: expected a value but found end of input');
  assert.equal(encodeError('(1 2)'), "1:4: expected ')' but found '2'");
  assert.equal(encodeError('("abc'), '1:2: unterminated text literal');
  assert.equal(encodeError('("\\q")'), '1:3: invalid escape sequence in text literal');
  assert.equal(encodeError('("\\ff")'), '1:2: text literal is not valid UTF-8');
  assert.equal(encodeError('(record { a = 1; a = 2 })'), '1:18: duplicate field a');
  assert.equal(encodeError('(variant { a = 1; b = 2 })'), '1:2: a variant value has exactly one field');
  assert.equal(encodeError('(5 : List)'), '1:6: unbound type identifier List');
  assert.equal(encodeError('(#)'), '1:2: unexpected character "#"');
  assert.equal(encodeError('(vec { 1; "a" })'), '1:11: type mismatch: "a" cannot be of type int (argument 1)');
});
