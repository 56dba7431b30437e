;; Globals of every type the IC allows (i32, i64, f32, f64, v128), mutable
;; and immutable, some exported (exports that do not start with canister_
;; are allowed).
;; canister_update reset: counter := 0; replies nothing (empty reply).
;; canister_update bump: argument k (u32 LE); counter += step * k; replies
;;   the counter, u64 LE (step = 3, so reset, bump 5, bump 2 gives 15, 21).
;; canister_query mix: replies f64 (scale * half), i32 (sum of the vector
;;   lanes), i32 (base): 3.75, 10, 1024.
;; canister_update scale: scale := scale * 2 then back; replies f64 scale.
(module $globals
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 1)
  (export "memory" (memory $memory))
  (global $counter (export "counter") (mut i64) (i64.const 0))
  (global $step (export "step") i64 (i64.const 3))
  (global $scale (mut f64) (f64.const 1.5))
  (global $half f32 (f32.const 2.5))
  (global $vector (mut v128) (v128.const i32x4 1 2 3 4))
  (global $base (export "base") i32 (i32.const 1024))

  (func $update_reset (export "canister_update reset")
    (global.set $counter (i64.const 0))
    (call $reply))

  (func $update_bump (export "canister_update bump")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (global.set $counter
      (i64.add (global.get $counter) (i64.mul (global.get $step) (i64.load32_u (i32.const 0)))))
    (i64.store (global.get $base) (global.get $counter))
    (call $reply_append (global.get $base) (i32.const 8))
    (call $reply))

  (func $query_mix (export "canister_query mix")
    (local $v v128)
    (global.set $vector (i32x4.add (global.get $vector) (v128.const i32x4 0 0 0 0)))
    (local.set $v (global.get $vector))
    (f64.store (i32.const 16) (f64.mul (global.get $scale) (f64.promote_f32 (global.get $half))))
    (i32.store (i32.const 24)
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
        (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))
    (i32.store (i32.const 28) (global.get $base))
    (call $reply_append (i32.const 16) (i32.const 16))
    (call $reply))

  (func $update_scale (export "canister_update scale")
    (global.set $scale (f64.mul (global.get $scale) (f64.const 2)))
    (global.set $scale (f64.div (global.get $scale) (f64.const 2)))
    (f64.store (i32.const 16) (global.get $scale))
    (call $reply_append (i32.const 16) (i32.const 8))
    (call $reply)))
