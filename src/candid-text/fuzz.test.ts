// Malformed input never throws and never hangs: thousands of mutated binary
// messages and textual arguments, from a fixed seed (reproducible).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { decodeToJson, decodeToText, encodeArgs, parseDid } from './index.ts';

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const list = IDL.Rec();
list.fill(IDL.Opt(IDL.Record({ head: IDL.Int, tail: list })));
const SAMPLES: [IDL.Type[], unknown[]][] = [
  [[IDL.Nat, IDL.Text, IDL.Bool], [123456789n, 'héllo', true]],
  [[IDL.Record({ owner: IDL.Principal, sub: IDL.Opt(IDL.Vec(IDL.Nat8)) })], [{ owner: Principal.fromText('aaaaa-aa'), sub: [Uint8Array.of(1, 2, 3)] }]],
  [[IDL.Vec(IDL.Variant({ a: IDL.Null, b: IDL.Int64, c: IDL.Float64 }))], [[{ a: null }, { b: -5n }, { c: 1.5 }]]],
  [[list], [[{ head: 1n, tail: [{ head: -2n, tail: [] }] }]]],
  [[IDL.Func([IDL.Nat], [IDL.Text], ['query']), IDL.Service({ m: IDL.Func([], []) })], [[Principal.anonymous(), 'm'], Principal.anonymous()]],
  [[IDL.Tuple(IDL.Int8, IDL.Nat16, IDL.Int32, IDL.Float32), IDL.Reserved, IDL.Null], [[-1, 2, -3, 0.5], null, null]],
];

function mutate(b: Uint8Array, r: (n: number) => number): Uint8Array {
  const out = [...b];
  const edits = 1 + r(3);
  for (let e = 0; e < edits; e++) {
    const i = r(out.length + 1);
    switch (r(6)) {
      case 0: out[i] = (out[i] ?? 0) ^ (1 << r(8)); break;
      case 1: out[i] = r(256); break;
      case 2: out.splice(i, 0, r(256)); break;
      case 3: out.splice(i, 1); break;
      case 4: out.length = Math.min(out.length, i); break;
      default: out.splice(i, 0, 0xff, 0xff, 0xff, 0xff, 0x0f); break;
    }
  }
  return Uint8Array.from(out);
}

test('mutated binary messages give a result, with and without types, never a throw', () => {
  const r = rng(0x1c0ffee);
  let errors = 0;
  for (let i = 0; i < 3000; i++) {
    const [types, values] = SAMPLES[i % SAMPLES.length]!;
    const bytes = mutate(IDL.encode(types, values), r);
    for (const res of [decodeToText(bytes), decodeToText(bytes, types), decodeToJson(bytes, types)]) {
      assert.equal(typeof res.ok, 'boolean');
      if (!res.ok) {
        errors++;
        assert.equal(typeof res.error, 'string');
      }
    }
  }
  assert.ok(errors > 3000, `most mutations are refused (${errors})`);
});

test('every well-formed sample decodes and its text encodes back to a message that decodes equal', () => {
  for (const [types, values] of SAMPLES) {
    const printed = decodeToText(IDL.encode(types, values), types);
    assert.ok(printed.ok, printed.ok ? '' : printed.error);
    const again = encodeArgs(printed.value, types);
    assert.ok(again.ok, again.ok ? '' : `${again.error}\n${printed.value}`);
    assert.deepEqual(IDL.decode(types, again.value), IDL.decode(types, IDL.encode(types, values)));
  }
});

test('mutated text arguments and .did files give a result, never a throw', () => {
  const r = rng(42);
  const texts = [
    '(record { owner = principal "aaaaa-aa"; sub = opt blob "\\01\\02" })',
    '(vec { variant { a }; variant { b = -5 : int64 }; variant { c = 1.5 } }, "t\\u{e9}xt", 0x1f, -3)',
    '(opt record { head = 1; tail = opt record { head = 2; tail = null } }, func "aaaaa-aa".m, service "2vxsx-fae")',
  ];
  const did = 'type L = opt record { head : int; tail : L }; service : (nat) -> { m : (L, record { nat; text }) -> (variant { a; b : blob }) query }';
  const alphabet = '(){};,:=."\\-+0123456789abcdefxyz_ \n/*recordvariantoptvecblobprincipal';
  const mutateText = (s: string): string => {
    const chars = [...s];
    for (let e = 0; e < 1 + r(3); e++) {
      const i = r(chars.length + 1);
      const c = alphabet[r(alphabet.length)]!;
      if (r(3) === 0) chars.splice(i, 1);
      else if (r(2) === 0) chars.splice(i, 0, c);
      else chars[i] = c;
    }
    return chars.join('');
  };
  for (let i = 0; i < 1000; i++) {
    const t = mutateText(texts[i % texts.length]!);
    for (const res of [encodeArgs(t), encodeArgs(t, [IDL.Record({ owner: IDL.Principal }), IDL.Text])]) {
      assert.equal(typeof res.ok, 'boolean', t);
    }
    assert.equal(typeof parseDid(mutateText(did)).ok, 'boolean');
  }
});

test('deeply nested text and messages are refused, not a stack overflow', () => {
  const deep = encodeArgs('('.repeat(10_000) + '1' + ')'.repeat(10_000));
  assert.ok(!deep.ok);
  const opts = encodeArgs('(' + 'opt '.repeat(10_000) + '1)');
  assert.ok(!opts.ok);
  assert.match(opts.error, /nested too deeply/);
  // vec record {} of length 2^32 - 1: zero bytes per element, bounded by the value budget.
  const huge = decodeToText(Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 2, 0x6d, 1, 0x6c, 0, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f));
  assert.deepEqual(huge, { ok: false, error: 'invalid Candid message at byte 16: too many values' });
});
