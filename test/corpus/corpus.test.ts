// The corpus itself: every module validates, instantiates through the test
// host on this Node, and every workload gives its independently computed
// reply. Plus the pieces the workloads cannot show: Motoko's compile cache,
// self-calls, timers and inter-canister calls through the host, the start
// function, upgrade hooks and the trapping stubs.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { loadCorpusWithSkips, runWorkload, MOTOKO_CANISTERS, WAT_CANISTERS, C_CANISTERS } from './index.ts';
import type { CorpusEntry, Skipped } from './index.ts';
import { instantiateCanister } from './host.ts';
import type { CallResult, TestCanister } from './host.ts';
import { compileMotoko, motokoCacheKey, MOTOKO_CACHE_DIR } from './motoko.ts';
import { watToWasm } from './wat.ts';
import { candidNat, candidText, candidTextNat, candidUnit } from './candid.ts';

const SELF = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1);
const hex = (b: Uint8Array | undefined): string | undefined => (b ? Buffer.from(b).toString('hex') : undefined);
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
const show = (r: CallResult): string => JSON.stringify({ reply: hex(r.reply), reject: r.reject, trap: r.trap });

/** Runs the self-calls recorded from index `from` on (and those they make), delivering each answer. */
function drainSelfCalls(c: TestCanister, from: number): CallResult[] {
  const results: CallResult[] = [];
  for (let i = from; i < c.calls.length; i++) {
    const call = c.calls[i];
    if (!same(call.callee, SELF)) continue;
    const r = c.call(call.method, call.arg, SELF);
    results.push(c.respond(call, r.reply ? { reply: r.reply } : { reject: r.reject ?? r.trap ?? 'no reply', code: 5 }));
  }
  return results;
}

let entries: CorpusEntry[] = [];
let skipped: Skipped[] = [];
const byName = (name: string): CorpusEntry => {
  const e = entries.find((x) => x.name === name);
  assert.ok(e, `${name} is in the corpus`);
  return e;
};

before(async () => {
  ({ entries, skipped } = await loadCorpusWithSkips());
});

describe('corpus contents', () => {
  it('has every module, or says why not', (t) => {
    const names = [...entries.map((e) => e.name), ...skipped.map((s) => s.name)].sort();
    const expected = [
      ...MOTOKO_CANISTERS.flatMap((n) => [`motoko-eop/${n}`, `motoko-classic/${n}`]),
      ...WAT_CANISTERS.map((n) => `wat/${n}`),
      ...C_CANISTERS.map((n) => `c/${n}`),
    ].sort();
    assert.deepEqual(names, expected);
    for (const s of skipped) {
      assert.match(s.reason, /clang|wasm-ld/);
      t.diagnostic(`skipped ${s.name}: ${s.reason}`);
    }
  });

  it('every module validates and imports only ic0 functions', () => {
    for (const e of entries) {
      assert.ok(WebAssembly.validate(e.bytes), `${e.name} validates`);
      const module = new WebAssembly.Module(e.bytes);
      for (const imp of WebAssembly.Module.imports(module)) {
        assert.equal(`${imp.module}:${imp.kind}`, 'ic0:function', `${e.name} imports ${imp.module}.${imp.name}`);
      }
      const exports = WebAssembly.Module.exports(module).filter((x) => x.name.startsWith('canister_'));
      assert.ok(exports.length > 0, `${e.name} has canister entry points`);
      for (const x of exports) assert.equal(x.kind, 'function', `${e.name} export ${x.name}`);
    }
  });

  it('hand-written and C modules keep a name section', () => {
    for (const e of entries.filter((x) => x.kind === 'wat' || x.kind === 'c')) {
      assert.equal(WebAssembly.Module.customSections(new WebAssembly.Module(e.bytes), 'name').length, 1, e.name);
    }
  });

  it('uses the pointer width of each module', () => {
    for (const e of entries) {
      const c = instantiateCanister(e.bytes, e.hostOptions);
      assert.equal(c.memory64, e.kind === 'motoko-eop' || e.name === 'wat/memory64', e.name);
    }
  });

});

describe('workloads', () => {
  it('each gives its expected answer, twice in a row', () => {
    for (const e of entries) {
      const c = instantiateCanister(e.bytes, e.hostOptions);
      for (const round of [1, 2]) {
        for (const w of e.workloads) {
          const r = runWorkload(c, w);
          const what = `${e.name} ${w.method} (round ${round}): ${show(r)}`;
          if (w.trap !== undefined) {
            assert.equal(typeof r.trap, 'string', what);
            assert.ok(r.trap?.includes(w.trap), what);
          } else {
            assert.equal(r.trap, undefined, what);
            assert.equal(r.reject, w.reject, what);
            assert.equal(hex(r.reply), hex(w.reply), what);
          }
        }
      }
    }
  });

  it('compute entries have compute workloads', () => {
    const compute = entries.filter((e) => e.compute).map((e) => e.name);
    for (const name of ['motoko-eop/bench', 'motoko-classic/bench', 'wat/fib', 'wat/simd', 'wat/memory64']) assert.ok(compute.includes(name), name);
    for (const e of entries.filter((x) => x.compute)) assert.ok(e.workloads.some((w) => w.reply && !w.isQuery), e.name);
  });
});

describe('Motoko', () => {
  it('compiles through the disk cache, reproducibly', async () => {
    const source = readFileSync(new URL('./canisters/counter.mo', import.meta.url), 'utf8');
    assert.ok(existsSync(`${MOTOKO_CACHE_DIR}${motokoCacheKey(source)}.wasm`));
    const [a, b] = await Promise.all([compileMotoko(source), compileMotoko(source)]);
    assert.ok(same(a, b));
    assert.ok(same(a, byName('motoko-eop/counter').bytes));
    assert.notEqual(motokoCacheKey(source), motokoCacheKey(source, { persistence: 'classic' }));
    assert.match(byName('motoko-eop/bench').candid ?? '', /fib: \(n: nat64\) -> \(nat64\)/);
  });

  it('reports compile errors with their position', async () => {
    await assert.rejects(compileMotoko('persistent actor {\n  public func f() : async Nat { "x" };\n};\n', { persistence: 'classic' }),
      /Main\.mo:2:\d+: .*Text/s);
  });

  for (const kind of ['motoko-eop', 'motoko-classic']) {
    it(`${kind}: a self-call and an inter-canister call go through the recorded calls`, () => {
      const c = instantiateCanister(byName(`${kind}/calls`).bytes, { self: SELF, rollbackOnTrap: true });
      assert.deepEqual(c.call('selfCall', candidNat(41)), {});
      assert.equal(c.calls.length, 1);
      assert.equal(c.calls[0].method, 'ping');
      assert.equal(show(drainSelfCalls(c, 0)[0]), show({ reply: candidNat(42) }));

      const other = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2, 1, 1);
      assert.deepEqual(c.call('callOther', candidTextNat('ryjl3-tyaaa-aaaaa-aaaba-cai', 7)), {});
      const out = c.calls.at(-1)!;
      assert.ok(same(out.callee, other));
      assert.equal(hex(out.arg), hex(candidNat(7)));
      assert.equal(show(c.respond(out, { reply: candidNat(100) })), show({ reply: candidNat(100) }));
      assert.deepEqual(c.call('callOther', candidTextNat('ryjl3-tyaaa-aaaaa-aaaba-cai', 7)), {});
      assert.equal(c.respond(c.calls.at(-1)!, { reject: 'nope', code: 4 }).reject, 'nope');
    });

    it(`${kind}: a timer fires when time passes its deadline`, () => {
      const c = instantiateCanister(byName(`${kind}/calls`).bytes, { self: SELF });
      assert.equal(show(c.call('startTimer', candidNat(2))), show({ reply: candidNat(1) }));
      assert.equal(c.state.timer, c.state.time + 2_000_000_000n);
      c.state.time = c.state.timer;
      const from = c.calls.length;
      assert.deepEqual(c.call('canister_global_timer'), {});
      drainSelfCalls(c, from);
      assert.equal(show(c.query('getTicks', candidUnit)), show({ reply: candidNat(1) }));
    });

    it(`${kind}: a trap is rolled back and logged`, () => {
      const c = instantiateCanister(byName(`${kind}/calls`).bytes, { rollbackOnTrap: true });
      assert.equal(c.call('fail', candidText('bang')).trap, 'bang');
      assert.deepEqual(c.logs, ['about to trap']);
      assert.equal(show(c.call('ping', candidNat(1))), show({ reply: candidNat(2) }));
    });
  }
});

describe('WAT and C specifics', () => {
  it('the start function runs once, can print, and precedes canister_init', () => {
    const c = instantiateCanister(byName('wat/start').bytes, { initArg: Uint8Array.of(1, 2, 3) });
    assert.deepEqual(c.logs, ['start: hello from the start function']);
    assert.equal(hex(c.query('init_arg').reply), '010203');
    assert.equal(hex(c.query('start_count').reply), '01000000');
  });

  it('upgrade hooks keep the counter in stable memory', () => {
    const u64 = (n: bigint): Uint8Array => new Uint8Array(new BigUint64Array([n]).buffer);
    const c = instantiateCanister(byName('wat/counter').bytes, { initArg: u64(41n) });
    assert.equal(hex(c.call('inc').reply), hex(u64(42n)));
    assert.deepEqual(c.call('canister_pre_upgrade'), {});
    assert.equal(c.state.stablePages, 1);
    c.call('set', u64(5n));
    c.call('canister_post_upgrade');
    assert.equal(hex(c.query('get').reply), hex(u64(42n)));
  });

  it('the C counter answers like the Motoko counter and sees caller and time', (t) => {
    const entry = entries.find((e) => e.name === 'c/counter');
    if (!entry) return t.skip(skipped.find((s) => s.name === 'c/counter')?.reason);
    const c = instantiateCanister(entry.bytes, { caller: Uint8Array.of(7, 7), time: 5n });
    assert.deepEqual(c.logs, ['counter.c: init']);
    assert.equal(hex(c.call('inc', candidUnit).reply), hex(candidNat(1)));
    assert.equal(hex(c.query('whoami').reply), '0707' + '0500000000000000');
  });

  it('stubs ic0 imports the host lacks: instantiation works, a call traps', async () => {
    const wasm = await watToWasm(`(module
      (import "ic0" "cost_call" (func $cost (param i64 i64 i32)))
      (memory 1)
      (func (export "canister_update cost") (call $cost (i64.const 1) (i64.const 2) (i32.const 0))))`);
    const c = instantiateCanister(wasm);
    assert.match(c.call('cost').trap ?? '', /ic0\.cost_call is not implemented/);
  });

  it('a query keeps neither heap nor stable-memory changes', () => {
    const c = instantiateCanister(byName('wat/memory64').bytes);
    assert.equal(Buffer.from(c.query('stable').reply ?? []).toString(), 'memory64 ready');
    assert.equal(c.state.stablePages, 0);
  });
});
