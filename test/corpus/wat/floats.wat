;; Floating point: f32/f64 arithmetic, sqrt, rounding (floor, ceil, trunc,
;; nearest), abs, neg, copysign, min, max, conversions both ways, demote and
;; promote, reinterpretation, saturating and trapping truncation, plus the
;; sign-extension operators. No NaN reaches a reply (NaN bits are not
;; deterministic across engines).
;; canister_update integrate: argument n (u32 LE, > 0). Replies 28 bytes:
;;   f64 sum of sqrt(x*x+1)/n for x = i/n, f32 sum of the demoted terms,
;;   i64 sum of rounding results, f64 max of -|x - 0.5|.
;; canister_query convert: argument an f64 (8 bytes LE); replies the 72-byte
;;   table of conversions described at $convert.
;; canister_query trunc: argument an f64; replies i32.trunc_f64_s of it
;;   (traps when out of range).
(module $floats
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 1)
  (export "memory" (memory $memory))

  (func $integrate (param $n i32)
    (local $i i32) (local $x f64) (local $y f64) (local $acc f64) (local $accf f32) (local $k i64) (local $m f64)
    (local.set $m (f64.const -inf))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f64.div (f64.convert_i32_u (local.get $i)) (f64.convert_i32_u (local.get $n))))
        (local.set $y (f64.sqrt (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.const 1))))
        (local.set $acc (f64.add (local.get $acc) (f64.div (local.get $y) (f64.convert_i32_u (local.get $n)))))
        (local.set $accf (f32.add (local.get $accf) (f32.demote_f64 (local.get $y))))
        (local.set $k (i64.add (local.get $k)
          (i64.add
            (i64.sub
              (i64.trunc_f64_s (f64.nearest (f64.mul (local.get $y) (f64.const 1000.5))))
              (i64.trunc_f64_s (f64.ceil (f64.mul (local.get $y) (f64.const 7.25)))))
            (i64.add
              (i64.trunc_f64_s (f64.trunc (f64.neg (f64.mul (local.get $y) (f64.const 3.3)))))
              (i64.trunc_f32_s (f32.floor (f32.mul (f32.demote_f64 (local.get $y)) (f32.const 11.5))))))))
        (local.set $m (f64.max (local.get $m)
          (f64.copysign (f64.abs (f64.sub (local.get $x) (f64.const 0.5))) (f64.const -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (f64.store (i32.const 16) (local.get $acc))
    (f32.store (i32.const 24) (local.get $accf))
    (i64.store (i32.const 28) (local.get $k))
    (f64.store (i32.const 36) (f64.min (local.get $m) (f64.const 0))))

  (func $update_integrate (export "canister_update integrate")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (call $integrate (i32.load (i32.const 0)))
    (call $reply_append (i32.const 16) (i32.const 28))
    (call $reply))

  ;; Layout at 16: i32 trunc_sat_f64_s, i32 trunc_sat_f64_u, i64 trunc_sat_f64_s,
  ;; i64 trunc_sat_f64_u, f32 demote (bits), i32 trunc_sat_f32_s of the demoted
  ;; value, f64 convert_i64_s of the i64 (bits), f32 convert_i64_u of the u64
  ;; (bits), i32 extend8_s, i64 extend16_s, i64 extend32_s (of the i32/i64),
  ;; f64 promote of f32 convert_i32_s of i32 extend16_s (bits).
  (func $convert (param $x f64)
    (local $s32 i32) (local $s64 i64) (local $f f32)
    (local.set $s32 (i32.trunc_sat_f64_s (local.get $x)))
    (local.set $s64 (i64.trunc_sat_f64_s (local.get $x)))
    (local.set $f (f32.demote_f64 (local.get $x)))
    (i32.store (i32.const 16) (local.get $s32))
    (i32.store (i32.const 20) (i32.trunc_sat_f64_u (local.get $x)))
    (i64.store (i32.const 24) (local.get $s64))
    (i64.store (i32.const 32) (i64.trunc_sat_f64_u (local.get $x)))
    (i32.store (i32.const 40) (i32.reinterpret_f32 (local.get $f)))
    (i32.store (i32.const 44) (i32.trunc_sat_f32_s (local.get $f)))
    (i64.store (i32.const 48) (i64.reinterpret_f64 (f64.convert_i64_s (local.get $s64))))
    (f32.store (i32.const 56) (f32.convert_i64_u (i64.trunc_sat_f64_u (local.get $x))))
    (i32.store (i32.const 60) (i32.extend8_s (local.get $s32)))
    (i64.store (i32.const 64) (i64.extend16_s (local.get $s64)))
    (i64.store (i32.const 72) (i64.extend32_s (local.get $s64)))
    (f64.store (i32.const 80) (f64.promote_f32 (f32.convert_i32_s (i32.extend16_s (local.get $s32))))))

  (func $query_convert (export "canister_query convert")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 8))
    (call $convert (f64.load (i32.const 0)))
    (call $reply_append (i32.const 16) (i32.const 72))
    (call $reply))

  (func $query_trunc (export "canister_query trunc")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 8))
    (i32.store (i32.const 16) (i32.trunc_f64_s (f64.load (i32.const 0))))
    (call $reply_append (i32.const 16) (i32.const 4))
    (call $reply)))
