// WAT canisters for the hypervisor tests.

/**
 * State in all three places (heap page 5, stable memory, a global), system
 * entry points, inspect_message, and a composite query.
 * - `write`: heap[0x5000] += 1 (u64), stable[0] := heap[0x5000] (growing to 1 page),
 *   global g += 1, certified data := "c", replies nothing.
 * - `write_then_trap`: the same, then traps.
 * - `read` (query): replies heap[0x5000] ++ stable[0..8] ++ g (24 bytes).
 * - `mutate` (query): changes heap and g, replies; a query's changes are dropped.
 * - heartbeat: beats += 1; global timer: g += 100; low-memory hook: g += 1000.
 * - inspect_message accepts every method but `forbidden`.
 */
export const STATEFUL = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_method_name_size" (func $name_size (result i32)))
  (import "ic0" "accept_message" (func $accept))
  (import "ic0" "stable64_size" (func $ssize (result i64)))
  (import "ic0" "stable64_grow" (func $sgrow (param i64) (result i64)))
  (import "ic0" "stable64_write" (func $swrite (param i64 i64 i64)))
  (import "ic0" "stable64_read" (func $sread (param i64 i64 i64)))
  (import "ic0" "certified_data_set" (func $certify (param i32 i32)))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (memory 2 64)
  (global $g (mut i64) (i64.const 0))
  (global $beats (mut i32) (i32.const 0))
  (data (i32.const 16) "cboom")
  (func $write
    (i64.store (i32.const 0x5000) (i64.add (i64.load (i32.const 0x5000)) (i64.const 1)))
    (if (i64.eqz (call $ssize)) (then (drop (call $sgrow (i64.const 1)))))
    (call $swrite (i64.const 0) (i64.const 0x5000) (i64.const 8))
    (global.set $g (i64.add (global.get $g) (i64.const 1)))
    (call $certify (i32.const 16) (i32.const 1)))
  (func (export "canister_update write") (call $write) (call $reply))
  (func (export "canister_update write_then_trap") (call $write) (call $trap (i32.const 17) (i32.const 4)))
  (func (export "canister_update grow") (drop (memory.grow (i32.const 1))) (call $reply))
  (func (export "canister_query read")
    (i64.store (i32.const 0x100) (i64.const 0))
    (if (i64.ne (call $ssize) (i64.const 0)) (then (call $sread (i64.const 0x100) (i64.const 0) (i64.const 8))))
    (i64.store (i32.const 0x108) (global.get $g))
    (call $append (i32.const 0x5000) (i32.const 8))
    (call $append (i32.const 0x100) (i32.const 16))
    (call $reply))
  (func (export "canister_query mutate")
    (i64.store (i32.const 0x5000) (i64.const 999))
    (global.set $g (i64.const 999))
    (drop (memory.grow (i32.const 1)))
    (call $reply))
  (func (export "canister_query beats")
    (i32.store (i32.const 0x200) (global.get $beats)) (call $append (i32.const 0x200) (i32.const 4)) (call $reply))
  (func (export "canister_composite_query cq") (call $append (i32.const 16) (i32.const 1)) (call $reply))
  (func (export "canister_heartbeat") (global.set $beats (i32.add (global.get $beats) (i32.const 1))))
  (func (export "canister_global_timer") (global.set $g (i64.add (global.get $g) (i64.const 100))))
  (func (export "canister_on_low_wasm_memory") (global.set $g (i64.add (global.get $g) (i64.const 1000))))
  (func (export "canister_inspect_message")
    (if (i32.ne (call $name_size) (i32.const 9)) (then (call $accept)))))`;

/**
 * Calls itself with closures from its table:
 * `call` takes 3 bytes [reply fun, reject fun, cleanup fun (255 = none)],
 * makes a call to its own `ping` with envs 7 (reply), 8 (reject), 9 (cleanup).
 * Table: 0 on_reply (replies "R", env), 1 on_reject (replies "J", env),
 * 2 a function of the wrong type, 3 a reply callback that writes and traps,
 * 4 cleanup (cleaned := env), 5–7 null. `cleaned` (query) replies `cleaned` and heap[0x300].
 */
export const CLOSURES = `(module
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_on_cleanup" (func $on_cleanup (param i32 i32)))
  (import "ic0" "call_perform" (func $perform (result i32)))
  (import "ic0" "canister_self_size" (func $self_size (result i32)))
  (import "ic0" "canister_self_copy" (func $self_copy (param i32 i32 i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (memory 1)
  (data (i32.const 0x40) "ping")
  (global $cleaned (mut i32) (i32.const 0))
  (table (export "table") 8 funcref)
  (elem (i32.const 0) $on_reply $on_reject $bad_sig $trapping_reply $cleanup)
  (func $answer (param $tag i32) (param $env i32)
    (i32.store8 (i32.const 0x80) (local.get $tag)) (i32.store8 (i32.const 0x81) (local.get $env))
    (call $append (i32.const 0x80) (i32.const 2)) (call $reply))
  (func $on_reply (param $env i32) (call $answer (i32.const 82) (local.get $env)))
  (func $on_reject (param $env i32) (call $answer (i32.const 74) (local.get $env)))
  (func $bad_sig (param i64))
  (func $trapping_reply (param $env i32)
    (i32.store (i32.const 0x300) (i32.const 0xdead)) (global.set $cleaned (i32.const 77))
    (call $trap (i32.const 0x40) (i32.const 4)))
  (func $cleanup (param $env i32) (global.set $cleaned (local.get $env)) (i32.store (i32.const 0x300) (i32.const 0xc1ea)))
  (func (export "canister_update call")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 3))
    (call $self_copy (i32.const 0x20) (i32.const 0) (call $self_size))
    (call $call_new (i32.const 0x20) (call $self_size) (i32.const 0x40) (i32.const 4)
      (i32.load8_u (i32.const 0)) (i32.const 7) (i32.load8_u (i32.const 1)) (i32.const 8))
    (if (i32.ne (i32.load8_u (i32.const 2)) (i32.const 255)) (then (call $on_cleanup (i32.load8_u (i32.const 2)) (i32.const 9))))
    (drop (call $perform)))
  (func (export "canister_update ping") (call $append (i32.const 0x40) (i32.const 4)) (call $reply))
  (func (export "canister_query cleaned")
    (i32.store (i32.const 0x200) (global.get $cleaned)) (i32.store (i32.const 0x204) (i32.load (i32.const 0x300)))
    (call $append (i32.const 0x200) (i32.const 8)) (call $reply)))`;

/** A start function that writes memory, and one that calls an import not allowed in `start`. */
export const START_WRITES = `(module
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func $start (i32.store (i32.const 0x10) (i32.const 0x2a)))
  (start $start)
  (func (export "canister_query get") (call $append (i32.const 0x10) (i32.const 4)) (call $reply)))`;

export const START_CALLS_TIME = `(module
  (import "ic0" "time" (func $time (result i64)))
  (memory 1)
  (func $start (drop (call $time)))
  (start $start))`;

/** `drop` drops a passive data segment; `init` copies it into memory and replies it (traps if dropped). */
export const DROPS_SEGMENT = `(module
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (data $d "hello")
  (func (export "canister_update drop") (data.drop $d) (call $reply))
  (func (export "canister_update init")
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 5)) (call $append (i32.const 0) (i32.const 5)) (call $reply)))`;

/** Imports its memory and table (`env.memory`, `env.table`), as the IC allows; `set` stores, `get` replies it. */
export const IMPORTS_MEMORY = `(module
  (import "env" "memory" (memory 2 16))
  (import "env" "table" (table 4 funcref))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (func (export "canister_update set") (i32.store (i32.const 0x10010) (i32.const 0x41424344)) (call $reply))
  (func (export "canister_query get") (call $append (i32.const 0x10010) (i32.const 4)) (call $reply)))`;

/**
 * A long update for DTS: `work` hashes a million values into memory (a
 * debug print every 2^18 of them), counts its runs in a global, and replies
 * the hash and the performance counter; `runs` (query) replies the count (u64).
 */
export const LOOP_WAT = `(module
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "debug_print" (func $print (param i32 i32)))
  (import "ic0" "performance_counter" (func $perf (param i32) (result i64)))
  (memory 4)
  (global $runs (mut i64) (i64.const 0))
  (func (export "canister_update work") (local $i i32) (local $h i64)
    (local.set $h (i64.const 1469598103934665603))
    (loop $l
      (local.set $h (i64.mul (i64.xor (local.get $h) (i64.extend_i32_u (local.get $i))) (i64.const 1099511628211)))
      (i64.store (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 0x3fff8)) (local.get $h))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 0x3ffff))) (then (call $print (i32.const 0) (i32.const 8))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000000))))
    (global.set $runs (i64.add (global.get $runs) (i64.const 1)))
    (i64.store (i32.const 0) (local.get $h))
    (i64.store (i32.const 8) (call $perf (i32.const 0)))
    (call $append (i32.const 0) (i32.const 16))
    (call $reply))
  (func (export "canister_query runs") (i64.store (i32.const 0x3fff0) (global.get $runs)) (call $append (i32.const 0x3fff0) (i32.const 8)) (call $reply)))`;

/** `recurse`: unbounded recursion, logging its depth (4 bytes LE) at every level; traps with a stack overflow. */
export const RECURSION_WAT = `(module
  (import "ic0" "debug_print" (func $print (param i32 i32)))
  (memory 1)
  (func $rec (param $n i32) (result i32) (local $a i64) (local $b i64)
    (i32.store (i32.const 0) (local.get $n))
    (call $print (i32.const 0) (i32.const 4))
    (i32.add (call $rec (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
  (func (export "canister_update recurse") (drop (call $rec (i32.const 1)))))`;

/** A Motoko actor whose `work(n)` fills an n-element array (heap pages, GC) and sums it; `get` (query) replies the total. */
export const WORK_MO = `
import VarArray "mo:core/VarArray";
persistent actor Work {
  var total : Nat = 0;
  var table : [var Nat] = [var];
  public func work(n : Nat) : async Nat {
    table := VarArray.repeat<Nat>(0, n);
    var i = 0;
    var s = 0;
    while (i < n) { table[i] := (i * i) % 1009; s += table[i]; i += 1 };
    total += s;
    total
  };
  public query func get() : async Nat { total };
};`;
