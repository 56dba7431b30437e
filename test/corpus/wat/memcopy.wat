;; memory.fill and memory.copy (including an overlapping copy) in a loop,
;; then a checksum of the destination region.
;; Argument: n (rounds) as u32 LE. Reply: wrapping sum of the 1280 u64 words
;; at 128 KiB, u64 LE.
(module $memcopy
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 4)
  (export "memory" (memory $memory))
  (global $a i32 (i32.const 65536))
  (global $b i32 (i32.const 131072))

  (func $shuffle (param $rounds i32)
    (local $i i32)
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $i) (local.get $rounds)))
        (memory.fill
          (i32.add (global.get $a) (i32.and (i32.mul (local.get $i) (i32.const 7)) (i32.const 1023)))
          (i32.and (local.get $i) (i32.const 255))
          (i32.const 4096))
        (memory.copy
          (i32.add (global.get $b) (i32.and (i32.mul (local.get $i) (i32.const 13)) (i32.const 2047)))
          (global.get $a)
          (i32.const 8192))
        (memory.copy (i32.add (global.get $a) (i32.const 1)) (global.get $a) (i32.const 4095))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round))))

  (func $checksum (result i64)
    (local $p i32) (local $sum i64)
    (local.set $p (global.get $b))
    (loop $word
      (local.set $sum (i64.add (local.get $sum) (i64.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $word (i32.lt_u (local.get $p) (i32.add (global.get $b) (i32.const 10240)))))
    (local.get $sum))

  (func $update_memcopy (export "canister_update memcopy")
    ;; Start from zeroed regions so that every call gives the same answer.
    (memory.fill (global.get $a) (i32.const 0) (i32.const 131072))
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (call $shuffle (i32.load (i32.const 0)))
    (i64.store (i32.const 8) (call $checksum))
    (call $reply_append (i32.const 8) (i32.const 8))
    (call $reply)))
