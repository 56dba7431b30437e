;; memory64 with a 64-bit table (table64): i64 addresses for loads, stores,
;; memory.size/grow/fill/copy, offsets above 4 GiB, an i64-indexed
;; call_indirect and i64-offset segments; the ic0 imports take i64 pointers.
;; canister_update sum: argument n (u32 LE, <= 1,000,000). Stores
;;   w[i] = table[i % 4](i) (double, inc, square, neg) as u64 at 64 KiB,
;;   growing memory as needed, copies the words elsewhere and replies the
;;   wrapping sum of the copy, u64 LE.
;; canister_query layout: replies (memory.size == memory.grow(0)) and
;;   (memory.size > 0) as u64 LE each: 1, 1.
;; canister_query stable: writes the 14-byte data segment to stable memory,
;;   reads it back and replies it ("memory64 ready").
;; canister_query oob: loads at 4 GiB + 8, which traps.
(module $memory64
  (type $step (func (param i64) (result i64)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i64) (param $offset i64) (param $size i64)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i64) (param $size i64)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "trap" (func $trap (param $src i64) (param $size i64)))
  (import "ic0" "stable64_size" (func $stable_size (result i64)))
  (import "ic0" "stable64_grow" (func $stable_grow (param $pages i64) (result i64)))
  (import "ic0" "stable64_write" (func $stable_write (param $offset i64) (param $src i64) (param $size i64)))
  (import "ic0" "stable64_read" (func $stable_read (param $dst i64) (param $offset i64) (param $size i64)))
  (memory $memory i64 1)
  (export "memory" (memory $memory))
  (table $steps i64 4 funcref)
  (elem (table $steps) (i64.const 0) func $double $inc $square $neg)
  (data $ready (i64.const 4096) "memory64 ready")
  (data $oom (i64.const 4112) "memory64: out of memory")

  (func $double (type $step) (i64.shl (local.get 0) (i64.const 1)))
  (func $inc (type $step) (i64.add (local.get 0) (i64.const 1)))
  (func $square (type $step) (i64.mul (local.get 0) (local.get 0)))
  (func $neg (type $step) (i64.sub (i64.const 0) (local.get 0)))

  (func $reserve (param $bytes i64)
    (local $need i64)
    (local.set $need (i64.sub (i64.shr_u (i64.add (local.get $bytes) (i64.const 65535)) (i64.const 16)) (memory.size)))
    (if (i64.gt_s (local.get $need) (i64.const 0))
      (then
        (if (i64.eq (memory.grow (local.get $need)) (i64.const -1))
          (then (call $trap (i64.const 4112) (i64.const 23)))))))

  (func $sum (param $n i64) (result i64)
    (local $i i64) (local $p i64) (local $copy i64) (local $total i64)
    (local.set $copy (i64.add (i64.const 65536) (i64.shl (local.get $n) (i64.const 3))))
    (call $reserve (i64.add (local.get $copy) (i64.shl (local.get $n) (i64.const 3))))
    (block $filled
      (loop $fill
        (br_if $filled (i64.ge_u (local.get $i) (local.get $n)))
        (i64.store offset=65536 (i64.shl (local.get $i) (i64.const 3))
          (call_indirect $steps (type $step) (local.get $i) (i64.and (local.get $i) (i64.const 3))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $fill)))
    (memory.fill (local.get $copy) (i32.const 0xaa) (i64.shl (local.get $n) (i64.const 3)))
    (memory.copy (local.get $copy) (i64.const 65536) (i64.shl (local.get $n) (i64.const 3)))
    (local.set $p (local.get $copy))
    (local.set $i (i64.const 0))
    (block $summed
      (loop $add
        (br_if $summed (i64.ge_u (local.get $i) (local.get $n)))
        (local.set $total (i64.add (local.get $total) (i64.load (local.get $p))))
        (local.set $p (i64.add (local.get $p) (i64.const 8)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $add)))
    (local.get $total))

  (func $update_sum (export "canister_update sum")
    (call $arg_copy (i64.const 0) (i64.const 0) (i64.const 4))
    (i64.store (i64.const 8) (call $sum (i64.load32_u (i64.const 0))))
    (call $reply_append (i64.const 8) (i64.const 8))
    (call $reply))

  (func $query_layout (export "canister_query layout")
    (i64.store (i64.const 8) (i64.extend_i32_u (i64.eq (memory.size) (memory.grow (i64.const 0)))))
    (i64.store (i64.const 16) (i64.extend_i32_u (i64.gt_u (memory.size) (i64.const 0))))
    (call $reply_append (i64.const 8) (i64.const 16))
    (call $reply))

  (func $query_stable (export "canister_query stable")
    (if (i64.eqz (call $stable_size)) (then (drop (call $stable_grow (i64.const 1)))))
    (call $stable_write (i64.const 100) (i64.const 4096) (i64.const 14))
    (call $stable_read (i64.const 8192) (i64.const 100) (i64.const 14))
    (call $reply_append (i64.const 8192) (i64.const 14))
    (call $reply))

  (func $query_oob (export "canister_query oob")
    (drop (i64.load offset=0x100000000 (i64.const 8)))
    (call $reply)))
