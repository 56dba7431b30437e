// A minimal ic0 test host: runs a canister's exported methods in V8 without the
// real hypervisor. A TEST TOOL for comparing instrumented and uninstrumented
// runs of the corpus, not the execution environment: one file, kept well under
// 300 lines, a small honest subset of the System API (no call contexts,
// cycles, limits or per-context checks; globals are never rolled back).
// - Pointers are i32 or i64 (BigInt) after the module's own memory (imported
//   memories are taken as 32-bit). Function imports the host lacks get stubs
//   that trap when called.
// - The start function becomes an exported `canister_start`, run after
//   instantiation (as the replica does), so its ic0 calls can reach memory.
// - A trap rolls back stable memory, timer, certified data and recorded calls;
//   the heap only with `rollbackOnTrap` (Motoko needs it to go on after a
//   trap; a copy per message would distort benchmarks). `query` always
//   restores the heap (Motoko traps on the next message otherwise).
// - Outgoing calls are recorded; `respond` runs their callbacks.

/** Outcome of one message. No field set: the method returned without answering. */
export interface CallResult { reply?: Uint8Array; reject?: string; trap?: string }

type Callback = [fun: number, env: number | bigint];
/** An outgoing call made with call_new … call_perform. */
export interface RecordedCall {
  callee: Uint8Array; method: string; arg: Uint8Array; cycles: bigint;
  reply: Callback; reject: Callback; cleanup?: Callback; timeoutSeconds?: number;
}

/** Options of {@link instantiateCanister}. */
export interface HostOptions {
  /** Merged over the host's imports, field by field (e.g. an instrumenter's module). */
  extraImports?: WebAssembly.Imports;
  /** Argument of `canister_init` (default: empty Candid arguments `DIDL\0\0`). */
  initArg?: Uint8Array;
  /** Default caller (default: anonymous, 0x04; also the only controller) and own id bytes. */
  caller?: Uint8Array; self?: Uint8Array;
  /** Initial `ic0.time` in ns (default 2024-01-01T00:00:00Z); then `state.time`. */
  time?: bigint;
  /** Source of `performance_counter` (default 0). */
  performanceCounter?: (type: number) => bigint;
  /** Copy the heap before every message and restore it on a trap (default false). */
  rollbackOnTrap?: boolean;
  /** Called right after instantiation, before the start function and `canister_init` (an instrumented module's host sets its counter and data segments here). */
  onInstance?: (instance: WebAssembly.Instance) => void;
}

/** A live canister instance. */
export interface TestCanister {
  readonly instance: WebAssembly.Instance;
  readonly memory64: boolean;
  /** debug_print output, in order. */
  readonly logs: string[];
  /** Performed outgoing calls, in order. */
  readonly calls: RecordedCall[];
  /** State the canister set through ic0, and the time it reads (tests may advance it). */
  readonly state: { time: bigint; timer: bigint; certifiedData: Uint8Array; version: bigint; stablePages: number };
  /**
   * Runs an exported entry point (`canister_update x`, `canister_global_timer`,
   * …) with `arg`; a bare name means `canister_update`/`canister_query <name>`.
   * `caller` overrides the default caller (pass `self` for self-calls).
   */
  call(methodExport: string, arg?: Uint8Array, caller?: Uint8Array): CallResult;
  /** Like `call`, then discards heap and stable-memory changes, as the IC does for queries. */
  query(methodExport: string, arg?: Uint8Array, caller?: Uint8Array): CallResult;
  /** Delivers a response to a recorded call: runs its reply or reject callback (the module must export its table). */
  respond(call: RecordedCall, response: { reply: Uint8Array } | { reject: string; code?: number }): CallResult;
}

/** Thrown by ic0.trap and by host-detected contract violations. */
export class CanisterTrap extends Error {}

type Num = number | bigint;
type Fn = (...args: Num[]) => Num | void;
const PAGE = 65536;
const enc = new TextEncoder();
const dec = new TextDecoder();
const compiled = new WeakMap<Uint8Array, { module: WebAssembly.Module; memory64: boolean }>();

/** Reads an unsigned LEB128 at `pos`; returns [value, next position]. */
function leb(b: Uint8Array, pos: number, v = 0, shift = 1): [number, number] {
  for (;;) { const x = b[pos++]; v += (x & 0x7f) * shift; shift *= 128; if (x < 0x80) return [v, pos]; }
}
const uleb = (v: number): number[] => (v < 128 ? [v] : [(v & 0x7f) | 0x80, ...uleb(v >>> 7)]);

/** Reads the memory64 flag; moves the start function to an exported `canister_start`. */
function prepare(b: Uint8Array): { bytes: Uint8Array; memory64: boolean } {
  const secs: Array<{ id: number; head: number; body: number; end: number }> = [];
  for (let p = 8; p < b.length;) { const [size, body] = leb(b, p + 1); secs.push({ id: b[p], head: p, body, end: body + size }); p = body + size; }
  const mem = secs.find((s) => s.id === 5); // memory section: count, then the first memory's limits flags
  const memory64 = mem !== undefined && leb(b, mem.body)[0] > 0 && (b[leb(b, mem.body)[1]] & 4) !== 0;
  const start = secs.find((s) => s.id === 8);
  if (!start) return { bytes: b, memory64 };
  const entry = [14, ...enc.encode('canister_start'), 0, ...uleb(leb(b, start.body)[0])];
  const exp = secs.find((s) => s.id === 7);
  const [count, rest] = exp ? leb(b, exp.body) : [0, 0];
  const body = [...uleb(count + 1), ...(exp ? b.subarray(rest, exp.end) : []), ...entry];
  const section = [7, ...uleb(body.length), ...body];
  // The export section (7) directly precedes start (8): a new one goes where start was.
  const parts = secs.map((s) => s.id === 7 ? section : s.id === 8 ? (exp ? [] : section) : b.subarray(s.head, s.end));
  return { bytes: Buffer.concat([b.subarray(0, 8), ...parts.map((p) => Uint8Array.from(p))]), memory64 };
}

/** Instantiates a canister module, runs its start function and `canister_init`. Throws if either traps. */
export function instantiateCanister(wasm: Uint8Array, opts: HostOptions = {}): TestCanister {
  let c = compiled.get(wasm);
  if (!c) { const p = prepare(wasm); c = { module: new WebAssembly.Module(p.bytes as Uint8Array<ArrayBuffer>), memory64: p.memory64 }; compiled.set(wasm, c); }
  const { module, memory64 } = c;
  const R = memory64 ? (n: number): Num => BigInt(n) : (n: number): Num => n;
  const controller = opts.caller ?? Uint8Array.of(4), self = opts.self ?? Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1);
  const logs: string[] = [], calls: RecordedCall[] = [];
  const state: TestCanister['state'] = { time: opts.time ?? 1_704_067_200_000_000_000n, timer: 0n, certifiedData: new Uint8Array(0), version: 0n, stablePages: 0 };
  let stable: Uint8Array = new Uint8Array(0);
  let pending: RecordedCall | undefined;
  const newMsg = (arg: Uint8Array, method: string, caller: Uint8Array, rejectCode = 0, rejectMsg = '') => ({ arg, method, caller,
    rejectCode, rejectMsg, parts: [] as Uint8Array[], done: undefined as CallResult | undefined,
    stableBackup: undefined as undefined | { bytes: Uint8Array; pages: number } });
  let msg = newMsg(new Uint8Array(0), '', controller);

  const trap = (message: string): never => { throw new CanisterTrap(message); };
  const heap = (): Uint8Array => new Uint8Array(memory?.buffer ?? trap('the module has no memory'));
  const read = (src: Num, size: Num): Uint8Array => {
    const h = heap(), s = Number(src), n = Number(size);
    return s + n > h.length ? trap(`heap out of bounds: ${s}+${n} > ${h.length}`) : h.slice(s, s + n);
  };
  const copyOut = (blob: Uint8Array, dst: Num, off: Num, size: Num): void => {
    const d = Number(dst), o = Number(off), n = Number(size), h = heap();
    if (o + n > blob.length) trap(`src=${o} + length=${n} exceeds the slice size=${blob.length}`);
    if (d + n > h.length) trap(`heap out of bounds: ${d}+${n} > ${h.length}`);
    h.set(blob.subarray(o, o + n), d);
  };
  const write128 = (dst: Num, v: bigint): void =>
    copyOut(new Uint8Array(new BigUint64Array([BigInt.asUintN(64, v), v >> 64n]).buffer), dst, 0, 16); // little-endian host
  const answer = (r: CallResult): void => { if (msg.done) trap('the call is already replied'); msg.done = r; };
  const restoreHeap = (copy: Uint8Array): void => { const h = heap(); h.set(copy); h.fill(0, copy.length); };
  const restoreStable = (): void => { if (msg.stableBackup) ({ bytes: stable, pages: state.stablePages } = msg.stableBackup); };
  const needCall = (): RecordedCall => pending ?? trap('no call is under construction');
  const touchStable = (): void => { msg.stableBackup ??= { bytes: stable.slice(), pages: state.stablePages }; };
  const stableGrow = (n: number): number => { // the host's cap is 1 GiB
    const old = state.stablePages;
    if (old + n > 16384) return -1;
    touchStable(); state.stablePages += n;
    const next = new Uint8Array(state.stablePages * PAGE); next.set(stable); stable = next;
    return old;
  };
  const stableCheck = (off: number, n: number): void => { if (off + n > state.stablePages * PAGE) trap('stable memory out of bounds'); };
  const stableWrite = (off: Num, src: Num, size: Num): void => {
    stableCheck(Number(off), Number(size)); const bytes = read(src, size); touchStable(); stable.set(bytes, Number(off));
  };
  const stableRead = (dst: Num, off: Num, size: Num): void => { stableCheck(Number(off), Number(size)); copyOut(stable, dst, off, size); };

  const ic0: Record<string, Fn> = {};
  const blob = (name: string, get: () => Uint8Array): void => {
    ic0[`${name}_size`] = () => R(get().length);
    ic0[`${name}_copy`] = (dst, off, size) => copyOut(get(), dst, off, size);
  };
  blob('msg_arg_data', () => msg.arg);
  blob('msg_caller', () => msg.caller);
  blob('msg_reject_msg', () => enc.encode(msg.rejectMsg));
  blob('msg_method_name', () => enc.encode(msg.method));
  blob('canister_self', () => self);
  Object.assign(ic0, {
    msg_reply_data_append: (src, size) => { if (msg.done) trap('the call is already replied'); msg.parts.push(read(src, size)); },
    msg_reply: () => answer({ reply: new Uint8Array(Buffer.concat(msg.parts)) }),
    msg_reject: (src, size) => answer({ reject: dec.decode(read(src, size)) }),
    msg_reject_code: () => msg.rejectCode,
    accept_message: () => {},
    canister_status: () => 1,
    canister_version: () => state.version,
    is_controller: (src, size) => (Buffer.compare(read(src, size), controller) === 0 ? 1 : 0),
    canister_cycle_balance128: (dst) => write128(dst, 100_000_000_000_000n),
    msg_cycles_available128: (dst) => write128(dst, 0n),
    msg_cycles_refunded128: (dst) => write128(dst, 0n),
    msg_cycles_accept128: (_hi, _lo, dst) => write128(dst, 0n),
    debug_print: (src, size) => { try { logs.push(dec.decode(read(src, size))); } catch { logs.push('(debug_print message out of memory bounds)'); } },
    trap: (src, size) => trap(dec.decode(read(src, size))),
    time: () => state.time,
    performance_counter: (type) => type === 0 || type === 1
      ? opts.performanceCounter?.(type) ?? 0n : trap(`Error getting performance counter type ${type}`),
    global_timer_set: (ts) => { const prev = state.timer; state.timer = BigInt(ts); return prev; },
    certified_data_set: (src, size) => {
      state.certifiedData = Number(size) > 32 ? trap(`certified data must be no larger than 32 bytes. Found ${size} bytes.`) : read(src, size);
    },
    call_new: (cs, cn, ns, nn, rf, re, jf, je) => {
      pending = { callee: read(cs, cn), method: dec.decode(read(ns, nn)), arg: new Uint8Array(0), cycles: 0n,
        reply: [Number(rf), re], reject: [Number(jf), je] };
    },
    call_data_append: (src, size) => { const p = needCall(); p.arg = new Uint8Array(Buffer.concat([p.arg, read(src, size)])); },
    call_on_cleanup: (fun, env) => { needCall().cleanup = [Number(fun), env]; },
    call_cycles_add128: (hi, lo) => { needCall().cycles += (BigInt(hi) << 64n) | BigInt.asUintN(64, BigInt(lo)); },
    call_with_best_effort_response: (t) => { needCall().timeoutSeconds = Number(t); },
    call_perform: () => { calls.push(needCall()); pending = undefined; return 0; },
  } satisfies Record<string, Fn>);
  for (const [prefix, W] of [['stable', Number], ['stable64', BigInt]] as const) {
    Object.assign(ic0, { [`${prefix}_size`]: () => W(state.stablePages), [`${prefix}_grow`]: (n: Num) => W(stableGrow(Number(n))),
      [`${prefix}_write`]: stableWrite, [`${prefix}_read`]: stableRead });
  }

  const imports: WebAssembly.Imports = { ic0: { ...ic0 } };
  for (const [mod, fields] of Object.entries(opts.extraImports ?? {})) imports[mod] = { ...imports[mod], ...fields };
  for (const imp of WebAssembly.Module.imports(module)) {
    const fields = (imports[imp.module] ??= {});
    if (imp.kind === 'function' && !(imp.name in fields)) fields[imp.name] = () => trap(`${imp.module}.${imp.name} is not implemented by the test host`);
  }
  const instance = new WebAssembly.Instance(module, imports);
  opts.onInstance?.(instance);
  const exports = instance.exports;
  const memory = Object.values(exports).find((e) => e instanceof WebAssembly.Memory) ??
    Object.values(imports.env ?? {}).find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory);

  const run = (fn: () => void, method: string, arg: Uint8Array, caller = controller, rejectCode = 0, rejectMsg = ''): CallResult => {
    msg = newMsg(arg, method, caller, rejectCode, rejectMsg);
    const before = { calls: calls.length, timer: state.timer, certified: state.certifiedData,
      heap: opts.rollbackOnTrap && memory ? heap().slice() : undefined };
    pending = undefined;
    try {
      fn();
      state.version++;
      return msg.done ?? {};
    } catch (e) {
      if (!(e instanceof CanisterTrap || e instanceof WebAssembly.RuntimeError || e instanceof RangeError)) throw e;
      calls.length = before.calls; state.timer = before.timer; state.certifiedData = before.certified;
      if (before.heap) restoreHeap(before.heap);
      restoreStable();
      return { trap: e.message };
    }
  };
  const call = (methodExport: string, arg: Uint8Array = new Uint8Array(0), caller = controller): CallResult => {
    const name = [methodExport, `canister_update ${methodExport}`, `canister_query ${methodExport}`,
      `canister_composite_query ${methodExport}`].find((n) => typeof exports[n] === 'function');
    if (!name) throw new Error(`the module does not export ${methodExport}`);
    return run(exports[name] as () => void, name.slice(name.indexOf(' ') + 1), arg, caller);
  };
  const query = (methodExport: string, arg?: Uint8Array, caller?: Uint8Array): CallResult => {
    const snapshot = memory ? heap().slice() : undefined, version = state.version;
    const result = call(methodExport, arg, caller);
    if (snapshot) restoreHeap(snapshot);
    restoreStable();
    state.version = version;
    return result;
  };
  const respond = (rc: RecordedCall, response: { reply: Uint8Array } | { reject: string; code?: number }): CallResult => {
    const table = Object.values(exports).find((e) => e instanceof WebAssembly.Table) ??
      trap('respond needs a module that exports its table');
    const callback = ([fun, env]: Callback) => (): void => {
      const f: unknown = table.get((typeof table.length === 'bigint' ? BigInt(fun) : fun) as number);
      (typeof f === 'function' ? f : trap(`callback ${fun} is not a function`))(env);
    };
    const result = 'reply' in response
      ? run(callback(rc.reply), '', response.reply)
      : run(callback(rc.reject), '', new Uint8Array(0), controller, response.code ?? 4, response.reject);
    if (result.trap !== undefined && rc.cleanup) run(callback(rc.cleanup), '', new Uint8Array(0));
    return result;
  };

  const lifecycle: Array<[string, Uint8Array]> = [['canister_start', new Uint8Array(0)], ['canister_init', opts.initArg ?? enc.encode('DIDL\0\0')]];
  for (const [name, arg] of lifecycle) {
    if (typeof exports[name] !== 'function') continue;
    const r = run(exports[name] as () => void, '', arg);
    if (r.trap !== undefined) throw new Error(`${name} trapped: ${r.trap}`);
  }
  return { instance, memory64, logs, calls, state, call, query, respond };
}
