/**
 * Calling a Wasm closure: the reply, reject and cleanup callbacks a canister
 * registered with `call_new` / `call_on_cleanup` are `(table index, env)`
 * pairs, run as `table[fun](env)` where the function must have type
 * `(env: I) -> ()` (`I` = the module's pointer type). As in the replica:
 *
 *     index ≥ table size               → FunctionNotFound(0, fun)
 *     null entry                       → ToolchainContractViolation "unexpected null function reference"
 *     wrong type                       → ToolchainContractViolation "function invocation does not match its signature"
 *
 * JS cannot see a function's type, so each canister instance gets a tiny
 * helper module (hand-assembled below; one per pointer width and table index
 * type) that imports the canister's `table`:
 *
 * ```wasm
 * (type $cb (func (param I)))
 * (import "c" "table" (table T 0 funcref))
 * (func (export "invoke") (param $f T) (param $env I)
 *   (call_indirect (type $cb) (local.get $env) (local.get $f)))
 * (func (export "check") (param $f T) (result i32)
 *   (ref.test (ref $cb) (table.get (local.get $f))))     ;; exact type test
 * ```
 *
 * `check` settles the type before anything runs, so a `call_indirect`
 * mismatch trap inside the callback is never confused with a bad closure.
 * The helper's frames are not metered (the replica charges nothing to enter
 * a closure either).
 */
import type { HypervisorError } from '../errors/index.ts';
import { BAD_SIGNATURE_MESSAGE } from '../errors/index.ts';
import { configureEngine } from '../wasm/index.ts';

const I32 = 0x7f;
const I64 = 0x7e;

/** The helper module's bytes for an env type and table index type. */
function helperBytes(env64: boolean, table64: boolean): Uint8Array {
  const i = env64 ? I64 : I32;
  const t = table64 ? I64 : I32;
  const utf8 = (s: string): number[] => [s.length, ...Buffer.from(s, 'latin1')];
  const section = (id: number, body: number[]): number[] => [id, body.length, ...body];
  const types = [3, 0x60, 1, i, 0, 0x60, 2, t, i, 0, 0x60, 1, t, 1, I32];
  const imports = [1, ...utf8('c'), ...utf8('table'), 0x01, 0x70, table64 ? 0x04 : 0x00, 0];
  const funcs = [2, 1, 2];
  const exports = [2, ...utf8('invoke'), 0x00, 0, ...utf8('check'), 0x00, 1];
  const invoke = [0, 0x20, 1, 0x20, 0, 0x11, 0, 0, 0x0b];
  const check = [0, 0x20, 0, 0x25, 0, 0xfb, 0x14, 0, 0x0b];
  const code = [2, invoke.length, ...invoke, check.length, ...check];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code),
  ]);
}

const helpers = new Map<string, WebAssembly.Module>();
function helperModule(env64: boolean, table64: boolean): WebAssembly.Module {
  const key = `${env64}/${table64}`;
  let m = helpers.get(key);
  if (m === undefined) {
    configureEngine(); // the engine's flags before any compile in this isolate
    helpers.set(key, (m = new WebAssembly.Module(helperBytes(env64, table64) as Uint8Array<ArrayBuffer>)));
  }
  return m;
}

/** Invokes closures of one canister instance. */
export class ClosureInvoker {
  readonly #table: WebAssembly.Table | undefined;
  readonly #env64: boolean;
  readonly #table64: boolean;
  readonly #check: ((f: number | bigint) => number) | undefined;
  /** `invoke(fun, env)`: runs `table[fun](env)`; call it plainly or through `WebAssembly.promising`. */
  readonly invoke: ((f: number | bigint, env: number | bigint) => void) | undefined;

  /**
   * @param table the canister's exported `table`, if any.
   * @param env64 whether `env` is i64 (memory64 modules).
   * @param table64 whether the table is indexed by i64.
   */
  constructor(table: WebAssembly.Table | undefined, env64: boolean, table64: boolean) {
    this.#table = table;
    this.#env64 = env64;
    this.#table64 = table64;
    if (table !== undefined) {
      const helper = new WebAssembly.Instance(helperModule(env64, table64), { c: { table } });
      const exports = helper.exports as { invoke: (f: number | bigint, env: number | bigint) => void; check: (f: number | bigint) => number };
      this.#check = exports.check;
      this.invoke = exports.invoke;
    }
  }

  /** The arguments for `invoke`, or the error the closure's call fails with before running. */
  prepare(fun: number, env: bigint): { ok: true; args: [number | bigint, number | bigint] } | { ok: false; error: HypervisorError } {
    const table = this.#table;
    if (table === undefined || this.#check === undefined) return { ok: false, error: { kind: 'ToolchainContractViolation', message: 'table not found' } };
    if (fun >= table.length) return { ok: false, error: { kind: 'FunctionNotFound', tableIndex: 0, functionIndex: fun } };
    const index = this.#table64 ? BigInt(fun) : fun;
    if (table.get(index as number) === null) {
      return { ok: false, error: { kind: 'ToolchainContractViolation', message: 'unexpected null function reference' } };
    }
    if (this.#check(index) !== 1) return { ok: false, error: { kind: 'ToolchainContractViolation', message: BAD_SIGNATURE_MESSAGE } };
    const envArg = this.#env64 ? BigInt.asIntN(64, env) : Number(BigInt.asIntN(32, env));
    return { ok: true, args: [index, envArg] };
  }
}
