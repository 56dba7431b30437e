;; Bulk memory with passive data: memory.init from passive segments,
;; data.drop, memory.copy and memory.fill, next to an active segment.
;; canister_update init_sum: argument n (u32 LE). For i < n copies the
;;   16-byte passive pattern to 4096 + (i % 64) * 16 at source offset i % 8
;;   (length 16 - i % 8), then replies the sum of the 1024 bytes at 4096 as
;;   u64 LE. Starts from a zeroed region so every call answers the same.
;; canister_query greet: memory.init of the passive greeting; replies it.
;; canister_query drop_then_init: drops a segment, then memory.init of 0 bytes
;;   (allowed) and of 1 byte (traps).
(module $bulk
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 1)
  (export "memory" (memory $memory))
  (data $active (i32.const 64) "active segment")
  (data $pattern "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (data $greeting "Hello from a passive segment")
  (data $doomed "dropped")

  (func $init_sum (param $n i32) (result i64)
    (local $i i32) (local $skip i32) (local $sum i64) (local $p i32)
    (memory.fill (i32.const 4096) (i32.const 0) (i32.const 1024))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $skip (i32.and (local.get $i) (i32.const 7)))
        (memory.init $pattern
          (i32.add (i32.const 4096) (i32.shl (i32.and (local.get $i) (i32.const 63)) (i32.const 4)))
          (local.get $skip)
          (i32.sub (i32.const 16) (local.get $skip)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $p (i32.const 4096))
    (loop $add
      (local.set $sum (i64.add (local.get $sum) (i64.load8_u (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $add (i32.lt_u (local.get $p) (i32.const 5120))))
    (local.get $sum))

  (func $update_init_sum (export "canister_update init_sum")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (i64.store (i32.const 8) (call $init_sum (i32.load (i32.const 0))))
    (call $reply_append (i32.const 8) (i32.const 8))
    (call $reply))

  (func $query_greet (export "canister_query greet")
    (memory.init $greeting (i32.const 8192) (i32.const 0) (i32.const 28))
    (memory.copy (i32.const 8300) (i32.const 8192) (i32.const 28))
    (call $reply_append (i32.const 8300) (i32.const 28))
    (call $reply))

  (func $query_drop_then_init (export "canister_query drop_then_init")
    (data.drop $doomed)
    (memory.init $doomed (i32.const 8192) (i32.const 0) (i32.const 0))
    (memory.init $doomed (i32.const 8192) (i32.const 0) (i32.const 1))
    (call $reply)))
