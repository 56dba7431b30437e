import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDL } from '@dfinity/candid';
import { parseArgTypes, parseDid } from './index.ts';
import { typeText } from './printer.ts';

function did(source: string) {
  const r = parseDid(source);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function didError(source: string): string {
  const r = parseDid(source);
  assert.ok(!r.ok, 'expected an error');
  return r.error;
}

test('a service: methods with their argument and result types, annotations kept', () => {
  const s = did(`
    // a comment /* and */ more
    type Account = record { owner : principal; subaccount : opt blob };
    /* nested /* block */ comment */
    service : {
      icrc1_balance_of : (Account) -> (nat) query;
      transfer : (record { to : Account; amount : nat; memo : opt vec nat8 }) -> (variant { Ok : nat; Err : text });
      notify : (text) -> () oneway;
      "with space" : (int8, int16, int32, int64, nat8, nat16, nat32, nat64, float32, float64) -> (bool, null, reserved, empty);
      chain : () -> (text) composite_query;
    }`);
  // Methods in name order, as the binary format orders them.
  assert.deepEqual([...s.methods.keys()], ['chain', 'icrc1_balance_of', 'notify', 'transfer', 'with space']);
  assert.equal(s.init, undefined);
  const balance = s.methods.get('icrc1_balance_of')!;
  assert.deepEqual(balance.annotations, ['query']);
  assert.equal(typeText(balance.argTypes[0]!), 'record { owner : principal; subaccount : opt blob }');
  assert.deepEqual(balance.retTypes, [IDL.Nat]);
  assert.deepEqual(s.methods.get('notify')!.annotations, ['oneway']);
  assert.deepEqual(s.methods.get('chain')!.annotations, ['composite_query']);
  assert.equal(typeText(s.methods.get('transfer')!.retTypes[0]!), 'variant { Ok : nat; Err : text }');
  assert.equal(
    s.methods.get('with space')!.argTypes.map((t) => typeText(t)).join(','),
    'int8,int16,int32,int64,nat8,nat16,nat32,nat64,float32,float64',
  );
  assert.equal(s.methods.get('with space')!.retTypes.map((t) => typeText(t)).join(','), 'bool,null,reserved,empty');
});

test('a class: init argument types, a named service type, func and service types as values', () => {
  const s = did(`
    type Init = record { name : text; 5 : nat; "quoted name" : bool };
    type Cb = func (nat) -> () oneway;
    type Get = func () -> (opt nat) query;
    type S = service { get : Get; subscribe : (Cb, service { ping : () -> () }) -> () };
    service counter : (Init, nat) -> S`);
  assert.equal(s.init?.length, 2);
  // Fields in id order (names hashed), as the binary format orders them.
  assert.equal(typeText(s.init![0]!), 'record { 5 : nat; "quoted name" : bool; name : text }');
  assert.deepEqual([...s.methods.keys()], ['get', 'subscribe']);
  assert.deepEqual(s.methods.get('get')!.annotations, ['query']);
  assert.equal(typeText(s.methods.get('subscribe')!.argTypes[0]!), 'func (nat) -> () oneway');
  assert.equal(typeText(s.methods.get('subscribe')!.argTypes[1]!), 'service { ping : () -> () }');
});

test('tuples, positional and numbered fields, variant shorthands, blob and argument names', () => {
  const s = did(`service : { m : (pair : record { nat; text }, record { 0 : nat; 2 : text }, variant { a; 3; "b c" : int }) -> (blob) }`);
  const [pair, numbered, v] = s.methods.get('m')!.argTypes;
  assert.equal(typeText(pair!), 'record { nat; text }');
  assert.equal(pair!.typeName, IDL.Tuple(IDL.Nat).typeName);
  assert.equal(typeText(numbered!), 'record { 0 : nat; 2 : text }');
  assert.equal(typeText(v!), 'variant { 3; a; "b c" : int }');
  assert.equal(typeText(s.methods.get('m')!.retTypes[0]!), 'blob');
});

test('recursive types, directly and mutually, resolve to IDL.Rec that encode', () => {
  const s = did(`
    type List = opt record { head : int; tail : List };
    type Tree = variant { leaf : int; node : Forest };
    type Forest = vec Tree;
    service : { list : (List) -> (Tree) }`);
  const m = s.methods.get('list')!;
  const list = [{ head: 1n, tail: [{ head: 2n, tail: [] }] }];
  assert.deepEqual(IDL.decode(m.argTypes, IDL.encode(m.argTypes, [list])), [list]);
  const tree = { node: [{ leaf: 1n }, { node: [] }] };
  assert.deepEqual(IDL.decode(m.retTypes, IDL.encode(m.retTypes, [tree])), [tree]);
});

test('a .did without a service has no methods; trailing separators are accepted', () => {
  assert.equal(did('type A = nat; type B = record { a : A; };').methods.size, 0);
  assert.equal(did('service : { a : () -> (); };').methods.size, 1);
  assert.equal(did('').methods.size, 0);
});

test('errors: imports, unbound names, cycles through aliases, collisions, syntax, with line:col', () => {
  assert.match(didError('import "other.did";\nservice : {}'), /^1:1: imports are not supported/);
  assert.match(didError('service : { a : (Missing) -> () }'), /^1:18: unbound type identifier Missing$/);
  assert.match(didError('type A = B;\ntype B = A;\nservice : {}'), /type A is defined in terms of itself only/);
  assert.match(didError('type A = record { a : nat; a : text };'), /^1:28: field 'a' hash collision with 'a'$/);
  assert.match(didError('type A = record { 97 : nat; a : text };'), /hash collision/);
  assert.match(didError('service : {\n  a : (nat) -> (nat\n}'), /^3:1: expected '\)' but found '\}'$/);
  assert.match(didError('service : { a : (nat) -> (), a : () -> () }'), /expected '}' but found ','/);
  assert.match(didError('service : { a : () -> (); a : () -> () }'), /duplicate method name 'a'/);
  assert.match(didError('type T = nat; service : T'), /T is not a service type/);
  assert.match(didError('type F = nat; service : { f : F }'), /method f is not a function type/);
  assert.match(didError('type A = nat; type A = int;'), /duplicate binding for A/);
  assert.match(didError('type A = "x";'), /expected a type but found a text literal/);
  assert.match(didError('service : { a : () -> () } extra'), /expected end of input but found 'extra'/);
  assert.match(didError('type A = nat /* open'), /unterminated comment/);
  assert.match(didError('type A = record { 4294967296 : nat };'), /larger than 2\^32 - 1/);
});

test("parseArgTypes: Motoko's candid:args, with or without type definitions", () => {
  const a = parseArgTypes('(nat, text)');
  assert.ok(a.ok);
  assert.deepEqual(a.value, [IDL.Nat, IDL.Text]);
  const b = parseArgTypes('type Config = record { owner : principal; limit : opt nat };\n(config : Config)');
  assert.ok(b.ok);
  assert.equal(typeText(b.value[0]!), 'record { owner : principal; limit : opt nat }');
  assert.deepEqual(parseArgTypes('()'), { ok: true, value: [] });
  const bad = parseArgTypes('(nat, List)');
  assert.ok(!bad.ok);
  assert.equal(bad.error, '1:7: unbound type identifier List');
});
