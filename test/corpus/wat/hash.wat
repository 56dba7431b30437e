;; An i64 mixing loop (splitmix64 finalizer plus rotate and popcount):
;; shifts, xor, wrapping multiply, rotl, popcnt, clz.
;; Argument: n as u32 LE. Reply: the 64-bit digest, u64 LE.
(module $hash
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 1)
  (export "memory" (memory $memory))

  (func $mix (param $z i64) (result i64)
    (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 30))) (i64.const 0xbf58476d1ce4e5b9)))
    (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 27))) (i64.const 0x94d049bb133111eb)))
    (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 31))))

  (func $digest (param $n i32) (result i64)
    (local $state i64) (local $acc i64) (local $z i64)
    (local.set $state (i64.const 0x0123456789abcdef))
    (block $done
      (loop $round
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $state (i64.add (local.get $state) (i64.const 0x9e3779b97f4a7c15)))
        (local.set $z (call $mix (local.get $state)))
        (local.set $acc
          (i64.add
            (i64.rotl (i64.xor (local.get $acc) (local.get $z)) (i64.const 7))
            (i64.add (i64.popcnt (local.get $z)) (i64.clz (local.get $z)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $round)))
    (local.get $acc))

  (func $update_hash (export "canister_update hash")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (i64.store (i32.const 8) (call $digest (i32.load (i32.const 0))))
    (call $reply_append (i32.const 8) (i32.const 8))
    (call $reply)))
