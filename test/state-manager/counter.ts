// The crash tests' canister: a counter that also remembers what it counted.
// `inc(id: u32)` appends `id` to a list in its heap (count at 0, ids from 4
// on) and answers the new count; `get()` answers the count and the list —
// so a test can check that every acknowledged increment was executed
// exactly once, not only how many. `spin(n: u32)` loops n times (a long
// update under a small slice limit: paused, then aborted at checkpoints and
// re-run). The heap grows as the list does, so checkpoints carry page
// deltas.
import type { CanisterId, Replica } from '../../src/index.ts';
import { watToWasm } from '../corpus/wat.ts';

export const COUNTER_WAT = `(module
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (memory 16)
  (func (export "canister_update inc")
    (local $n i32)
    (call $arg_copy (i32.const 0x0ff000) (i32.const 0) (i32.const 4))
    (local.set $n (i32.load (i32.const 0)))
    (i32.store (i32.add (i32.const 4) (i32.shl (local.get $n) (i32.const 2))) (i32.load (i32.const 0x0ff000)))
    (i32.store (i32.const 0) (i32.add (local.get $n) (i32.const 1)))
    (call $append (i32.const 0) (i32.const 4))
    (call $reply))
  (func (export "canister_update spin")
    (local $i i32)
    (call $arg_copy (i32.const 0x0ff000) (i32.const 0) (i32.const 4))
    (local.set $i (i32.load (i32.const 0x0ff000)))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $i)))
      (i32.store (i32.const 0x0ff010) (i32.add (i32.load (i32.const 0x0ff010)) (local.get $i)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br $l)))
    (call $append (i32.const 0x0ff010) (i32.const 4))
    (call $reply))
  (func (export "canister_query get")
    (call $append (i32.const 0) (i32.add (i32.const 4) (i32.shl (i32.load (i32.const 0)) (i32.const 2))))
    (call $reply)))`;

export function counterWasm(): Promise<Uint8Array> {
  return watToWasm(COUNTER_WAT);
}

export const u32le = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};

/** The ids the counter counted, in order. */
export async function countedIds(ic: Replica, id: CanisterId): Promise<number[]> {
  const b = await ic.query(id, 'get', new Uint8Array(0));
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = v.getUint32(0, true);
  return Array.from({ length: n }, (_, i) => v.getUint32(4 + 4 * i, true));
}
