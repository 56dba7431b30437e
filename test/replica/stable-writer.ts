// A WAT canister that writes large stable memories (for the bounded-memory
// test and bench/stable-memory.bench.ts): `write(offset, length, salt)` grows
// stable memory to cover the range and fills it 64 KiB at a time, every
// 4 KiB page stamped with its page index and the salt (so no two pages are
// alike and a content-addressed store cannot fold them); `read(offset)`
// answers the 16 bytes there.
import type { CanisterId, Replica } from '../../src/index.ts';
import { watToWasm } from '../corpus/wat.ts';

export const STABLE_WRITER_WAT = `(module
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "stable64_size" (func $ssize (result i64)))
  (import "ic0" "stable64_grow" (func $sgrow (param i64) (result i64)))
  (import "ic0" "stable64_write" (func $swrite (param i64 i64 i64)))
  (import "ic0" "stable64_read" (func $sread (param i64 i64 i64)))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (memory 2)
  (data (i32.const 0x10100) "stable64_grow failed")
  (func (export "canister_update write")
    (local $off i64) (local $end i64) (local $salt i64) (local $need i64) (local $p i64) (local $at i32)
    (call $arg_copy (i32.const 0x10000) (i32.const 0) (i32.const 24))
    (local.set $off (i64.load (i32.const 0x10000)))
    (local.set $end (i64.add (local.get $off) (i64.load (i32.const 0x10008))))
    (local.set $salt (i64.load (i32.const 0x10010)))
    (local.set $need (i64.shr_u (i64.add (local.get $end) (i64.const 65535)) (i64.const 16)))
    (if (i64.gt_u (local.get $need) (call $ssize))
      (then (if (i64.lt_s (call $sgrow (i64.sub (local.get $need) (call $ssize))) (i64.const 0))
        (then (call $trap (i32.const 0x10100) (i32.const 20))))))
    (block $done (loop $chunk
      (br_if $done (i64.ge_u (local.get $off) (local.get $end)))
      (local.set $p (i64.const 0))
      (loop $stamp
        (local.set $at (i32.wrap_i64 (i64.shl (local.get $p) (i64.const 12))))
        (i64.store (local.get $at) (i64.add (i64.shr_u (local.get $off) (i64.const 12)) (local.get $p)))
        (i64.store offset=8 (local.get $at) (local.get $salt))
        (local.set $p (i64.add (local.get $p) (i64.const 1)))
        (br_if $stamp (i64.lt_u (local.get $p) (i64.const 16))))
      (call $swrite (local.get $off) (i64.const 0) (i64.const 65536))
      (local.set $off (i64.add (local.get $off) (i64.const 65536)))
      (br $chunk)))
    (call $reply))
  (func (export "canister_query read")
    (call $arg_copy (i32.const 0x10000) (i32.const 0) (i32.const 8))
    (call $sread (i64.const 0x10020) (i64.load (i32.const 0x10000)) (i64.const 16))
    (call $append (i32.const 0x10020) (i32.const 16))
    (call $reply)))`;

/** The stable writer's Wasm. */
export function stableWriterWasm(): Promise<Uint8Array> {
  return watToWasm(STABLE_WRITER_WAT);
}

function u64s(...values: bigint[]): Uint8Array {
  return new Uint8Array(new BigUint64Array(values).buffer);
}

/** Submits `write(offset, length, salt)` (offset and length multiples of 64 KiB); returns the message id. */
export function submitWrite(ic: Replica, id: CanisterId, offset: bigint, length: bigint, salt: bigint): Promise<Uint8Array> {
  return ic.submitCall(id, 'write', u64s(offset, length, salt));
}

/** What `read(offset)` answers for a page-aligned offset written with `salt`: the page index, then the salt. */
export function expectedStamp(offset: bigint, salt: bigint): Uint8Array {
  return u64s(offset / 4096n, salt);
}

/** `read(offset)`: the 16 bytes at `offset`. */
export function readStable(ic: Replica, id: CanisterId, offset: bigint): Promise<Uint8Array> {
  return ic.query(id, 'read', u64s(offset));
}
