// Fuzz test of decode + validate on mutated real modules.
//
// Property, for every mutant: decoding and validating never throw (a
// malformed or invalid module is an IC0505 value), never hang (the time of
// each case is bounded), and whatever validation accepts, V8 accepts too.
// Deterministic: a fixed seed drives a small PRNG; FUZZ_CASES and FUZZ_SEED
// override the defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/errors/index.ts';
import { ByteReader } from '../../src/wasm/reader.ts';
import { loadCorpus } from '../corpus/index.ts';
import { check, name, rawModule, vec, wat } from './modules.ts';

const CASES = Number(process.env.FUZZ_CASES ?? 50_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x1c0ffee);
/** A case slower than this is a hang (generous: a Motoko mutant compiles in V8 in tens of ms). */
const MAX_CASE_MS = 3_000;

/** sfc32: a small, fast, seedable PRNG. */
function prng(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

interface Seed { name: string; bytes: Uint8Array; sections: Array<{ start: number; end: number; sizeAt: number }> }

/** Section boundaries of a well-formed module. */
function sectionsOf(bytes: Uint8Array): Seed['sections'] {
  const out: Seed['sections'] = [];
  const r = new ByteReader(bytes, 8);
  while (!r.eof) {
    const start = r.pos;
    r.u8();
    const sizeAt = r.pos;
    const size = r.u32();
    r.skip(size);
    out.push({ start, end: r.pos, sizeAt });
  }
  return out;
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n = Math.floor(n / 128);
    out.push(n > 0 ? b | 0x80 : b);
  } while (n > 0);
  return out;
}

const concat = (...parts: ArrayLike<number>[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

/** The mutators; each takes the current bytes (and its seed for structure) and returns new bytes. */
const MUTATORS: Array<[string, (b: Uint8Array, s: Seed, rnd: () => number) => Uint8Array]> = [
  ['flip', (b, _s, rnd) => { const o = b.slice(); if (o.length > 0) o[rnd() % o.length] ^= 1 << (rnd() % 8); return o; }],
  ['byte', (b, _s, rnd) => { const o = b.slice(); if (o.length > 0) o[rnd() % o.length] = rnd() & 0xff; return o; }],
  ['insert', (b, _s, rnd) => {
    const at = rnd() % (b.length + 1);
    const extra = Array.from({ length: 1 + (rnd() % 8) }, () => rnd() & 0xff);
    return concat(b.subarray(0, at), extra, b.subarray(at));
  }],
  ['delete', (b, _s, rnd) => { const at = rnd() % (b.length + 1); return concat(b.subarray(0, at), b.subarray(at + 1 + (rnd() % 16))); }],
  ['truncate', (b, _s, rnd) => b.slice(0, rnd() % (b.length + 1))],
  ['leb', (b, s, rnd) => {
    // Corrupt a section size (known position in the seed) or any byte run read as a LEB.
    const sec = s.sections.length > 0 && rnd() % 2 === 0 ? s.sections[rnd() % s.sections.length] : undefined;
    const at = sec !== undefined && sec.sizeAt < b.length ? sec.sizeAt : rnd() % Math.max(1, b.length);
    let len = 1;
    while (at + len <= b.length && len < 5 && (b[at + len - 1] & 0x80) !== 0) len++;
    const values = [0, 1, 0x7f, 0x80, 0x3fff, 0xffff, 0x7fffffff, 0xffffffff, rnd()];
    const v = values[rnd() % values.length];
    const enc = rnd() % 4 === 0 ? [0x80, 0x80, 0x80, 0x80, 0x80, 0x00] : rnd() % 3 === 0 ? [...leb(v).map((x) => x | 0x80), 0x00] : leb(v);
    return concat(b.subarray(0, at), enc, b.subarray(Math.min(b.length, at + len)));
  }],
  ['swap', (b, s, rnd) => {
    if (s.sections.length < 2 || b !== s.bytes) return b;
    const [x, y] = [rnd() % s.sections.length, rnd() % s.sections.length].sort((p, q) => p - q);
    const sx = s.sections[x], sy = s.sections[y];
    switch (rnd() % 3) {
      case 0: return concat(b.subarray(0, sx.start), b.subarray(sy.start, sy.end), b.subarray(sx.end, sy.start), b.subarray(sx.start, sx.end), b.subarray(sy.end));
      case 1: return concat(b.subarray(0, sy.end), b.subarray(sx.start, sx.end), b.subarray(sy.end)); // duplicate
      default: return concat(b.subarray(0, sx.start), b.subarray(sx.end)); // drop
    }
  }],
];

/** Small hand-made seeds covering every section kind and the IC-specific parts. */
async function ownSeeds(): Promise<Array<[string, Uint8Array]>> {
  const everything = await wat(`(module
    (type $cb (func (param i32)))
    (import "ic0" "msg_reply" (func $reply))
    (import "ic0" "msg_arg_data_copy" (func $copy (param i32 i32 i32)))
    (import "env" "table" (table 4 funcref))
    (memory 1 2)
    (global $g (mut i64) (i64.const 7))
    (global f64 (f64.const 1.5))
    (func $cb (type $cb) (call $reply))
    (func $go (local v128) (call $copy (i32.const 0) (i32.const 0) (i32.const 1))
      (drop (table.get 0 (i32.const 0))) (global.set $g (i64.add (global.get $g) (i64.const 1))) (call $reply))
    (func $start)
    (export "canister_update go" (func $go))
    (export "canister_init" (func $start))
    (export "memory" (memory 0))
    (start $start)
    (elem (i32.const 0) $cb $go)
    (elem $p func $start)
    (data (i32.const 16) "hello")
    (data "passive"))`);
  const withCustoms = concat(everything, rawModule([0, [...name('icp:public candid:service'), 1, 2, 3]], [0, [...name('name'), 0]]).subarray(8));
  const memory64 = await wat(`(module (import "ic0" "msg_reply_data_append" (func $a (param i64 i64)))
    (memory i64 1) (table i64 2 funcref) (elem (i64.const 0) $f) (data (i64.const 8) "x")
    (func $f (call $a (i64.const 8) (i64.const 1))) (export "canister_query f" (func $f)))`);
  const raw = rawModule([1, vec([[0x60, 0, 0]])], [3, vec([[0]])], [12, [1]], [10, vec([[4, 0, 0x01, 0x01, 0x0b]])], [11, vec([[1, 1, 9]])]);
  return [['own/everything', everything], ['own/customs', withCustoms], ['own/memory64', memory64], ['own/datacount', raw]];
}

test('decode + validate on mutated modules: no throw, no hang, accepted ⇒ V8 accepts', { timeout: 240_000 }, async () => {
  const corpus = await loadCorpus();
  const small = corpus.filter((e) => e.kind === 'wat' || e.kind === 'c').map((e): [string, Uint8Array] => [e.name, e.bytes]);
  const motoko = corpus.filter((e) => e.kind.startsWith('motoko')).sort((a, b) => a.bytes.length - b.bytes.length).slice(0, 2)
    .map((e): [string, Uint8Array] => [e.name, e.bytes]);
  const seeds: Seed[] = [...small, ...await ownSeeds(), ...motoko].map(([n, bytes]) => ({ name: n, bytes, sections: sectionsOf(bytes) }));
  const heavy = new Set(motoko.map(([n]) => n));
  const light = seeds.filter((s) => !heavy.has(s.name));
  const rnd = prng(SEED);
  const stats = { decodeOrValidate: 0, accepted: 0, worstMs: 0, worst: '' };
  const t0 = performance.now();
  for (let i = 0; i < CASES; i++) {
    // About 3 % of the cases mutate a Motoko module (large, slow to compile).
    const seed = rnd() % 100 < 3 && motoko.length > 0 ? seeds[seeds.length - 1 - (rnd() % motoko.length)] : light[rnd() % light.length];
    let bytes = seed.bytes;
    const steps: string[] = [];
    for (let k = 1 + (rnd() % 3); k > 0; k--) {
      const [what, mutate] = MUTATORS[rnd() % MUTATORS.length];
      bytes = mutate(bytes, seed, rnd);
      steps.push(what);
    }
    const where = `case ${i} (seed ${SEED}, ${seed.name}, ${steps.join('+')})`;
    const start = performance.now();
    let result;
    try {
      // Every fourth case leaves the bodies to the validator's own walk.
      result = check(bytes, { checkCode: i % 4 !== 3 });
    } catch (e) {
      assert.fail(`${where}: threw ${e instanceof Error ? e.stack : String(e)}`);
    }
    const ms = performance.now() - start;
    if (ms > stats.worstMs) { stats.worstMs = ms; stats.worst = where; }
    assert.ok(ms < MAX_CASE_MS, `${where}: took ${ms.toFixed(0)} ms`);
    if (result === undefined) {
      stats.accepted++;
      assert.ok(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>), `${where}: accepted, but V8 rejects it`);
    } else {
      stats.decodeOrValidate++;
      assert.equal(result.code, ErrorCode.CanisterInvalidWasm, where);
    }
  }
  const total = (performance.now() - t0) / 1000;
  process.stdout.write(`# fuzz: ${CASES} cases from ${seeds.length} seeds in ${total.toFixed(1)} s; `
    + `${stats.accepted} accepted, ${stats.decodeOrValidate} rejected; slowest ${stats.worstMs.toFixed(1)} ms (${stats.worst})\n`);
});
