;; Fixed-width SIMD (no relaxed SIMD, which the IC rejects).
;; canister_update simd_dot: argument n (u32 LE, a multiple of 4, <= 16384).
;;   Fills a[i] = 3i+1 and b[i] = (7i & 255) - 100 and replies five u32 LE:
;;   sum a*b, max (a xor b), sum of trunc(f32 sums of sqrt a per lane),
;;   popcount of all b, sum of i32x4.dot_i16x8_s(a, b) — all wrapping.
;; canister_query simd_ops: argument 16 bytes. Runs them through chains of
;;   ops that must give them back, plus checks of many other ops against
;;   constants; replies the 16 bytes and a u32 mask of passed checks (0x7ffff).
(module $simd
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 4)
  (export "memory" (memory $memory))
  (data $pattern (i32.const 256)
    "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f"
    "\80\81\82\83\84\85\86\87\88\89\8a\8b\8c\8d\8e\8f")

  (func $sum_lanes (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  (func $max_lanes (param $v v128) (result i32)
    (local.set $v (i32x4.max_s (local.get $v) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
    (local.set $v (i32x4.max_s (local.get $v) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $v) (local.get $v))))
    (i32x4.extract_lane 0 (local.get $v)))

  (func $dot (param $n i32)
    (local $i i32) (local $va v128) (local $vb v128)
    (local $dot v128) (local $max v128) (local $f v128) (local $pop v128) (local $dot16 v128)
    ;; a at 64 KiB, b at 128 KiB
    (loop $init
      (i32.store offset=65536 (i32.shl (local.get $i) (i32.const 2))
        (i32.add (i32.mul (local.get $i) (i32.const 3)) (i32.const 1)))
      (i32.store offset=131072 (i32.shl (local.get $i) (i32.const 2))
        (i32.sub (i32.and (i32.mul (local.get $i) (i32.const 7)) (i32.const 255)) (i32.const 100)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $init (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $max (i32x4.splat (i32.const 0x80000000)))
    (local.set $i (i32.const 0))
    (loop $lanes
      (local.set $va (v128.load offset=65536 (i32.shl (local.get $i) (i32.const 2))))
      (local.set $vb (v128.load offset=131072 (i32.shl (local.get $i) (i32.const 2))))
      (local.set $dot (i32x4.add (local.get $dot) (i32x4.mul (local.get $va) (local.get $vb))))
      (local.set $max (i32x4.max_s (local.get $max) (v128.xor (local.get $va) (local.get $vb))))
      (local.set $f (f32x4.add (local.get $f) (f32x4.sqrt (f32x4.convert_i32x4_s (local.get $va)))))
      (local.set $pop (i32x4.add (local.get $pop)
        (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (i8x16.popcnt (local.get $vb))))))
      (local.set $dot16 (i32x4.add (local.get $dot16) (i32x4.dot_i16x8_s (local.get $va) (local.get $vb))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $lanes (i32.lt_u (local.get $i) (local.get $n))))
    (i32.store (i32.const 16) (call $sum_lanes (local.get $dot)))
    (i32.store (i32.const 20) (call $max_lanes (local.get $max)))
    (i32.store (i32.const 24) (call $sum_lanes (i32x4.trunc_sat_f32x4_s (local.get $f))))
    (i32.store (i32.const 28) (call $sum_lanes (local.get $pop)))
    (i32.store (i32.const 32) (call $sum_lanes (local.get $dot16))))

  (func $update_simd_dot (export "canister_update simd_dot")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (call $dot (i32.load (i32.const 0)))
    (call $reply_append (i32.const 16) (i32.const 20))
    (call $reply))

  (func $same (param $x v128) (param $y v128) (result i32)
    (i8x16.all_true (i8x16.eq (local.get $x) (local.get $y))))

  ;; Ops that must give their input back.
  (func $round_trip (param $v v128) (result v128)
    (local $k v128)
    (local.set $k (v128.const i16x8 1000 -3 7 32767 -32768 12 0 99))
    (local.set $v (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get $v) (local.get $v)))
    (local.set $v (i8x16.shuffle 31 30 29 28 27 26 25 24 23 22 21 20 19 18 17 16 (local.get $k) (local.get $v)))
    (local.set $v (i8x16.swizzle (local.get $v) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)))
    (local.set $v (i16x8.sub (i16x8.add (local.get $v) (local.get $k)) (local.get $k)))
    (local.set $v (i32x4.sub (i32x4.add (local.get $v) (local.get $k)) (local.get $k)))
    (local.set $v (i64x2.sub (i64x2.add (local.get $v) (local.get $k)) (local.get $k)))
    (local.set $v (i8x16.sub (i8x16.add (local.get $v) (local.get $k)) (local.get $k)))
    (local.set $v (v128.xor (v128.xor (local.get $v) (local.get $k)) (local.get $k)))
    (local.set $v (v128.bitselect (local.get $v) (v128.not (local.get $v)) (v128.const i32x4 -1 -1 -1 -1)))
    (local.set $v (v128.or (v128.and (local.get $v) (local.get $k)) (v128.andnot (local.get $v) (local.get $k))))
    (local.set $v (i8x16.max_s (i8x16.max_u (i8x16.min_u (local.get $v) (i8x16.splat (i32.const 255))) (v128.const i64x2 0 0))
                    (i8x16.splat (i32.const -128))))
    (local.set $v (i16x8.narrow_i32x4_u (i32x4.extend_low_i16x8_u (local.get $v)) (i32x4.extend_high_i16x8_u (local.get $v))))
    (local.set $v (i8x16.narrow_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (i16x8.extend_high_i8x16_s (local.get $v))))
    (local.set $v (v128.or (i64x2.shl (local.get $v) (i32.const 24)) (i64x2.shr_u (local.get $v) (i32.const 40))))
    (local.set $v (v128.or (i64x2.shl (local.get $v) (i32.const 40)) (i64x2.shr_u (local.get $v) (i32.const 24))))
    (local.set $v (i32x4.replace_lane 2 (local.get $v) (i32x4.extract_lane 2 (local.get $v))))
    (local.set $v (i8x16.replace_lane 5 (local.get $v) (i8x16.extract_lane_u 5 (local.get $v))))
    (local.set $v (i16x8.replace_lane 7 (local.get $v) (i16x8.extract_lane_s 7 (local.get $v))))
    (i64x2.replace_lane 1 (local.get $v) (i64x2.extract_lane 1 (local.get $v))))

  (func $float_round_trip (param $v v128) (result i32)
    (local $w v128) (local $x v128)
    (local.set $w (v128.and (local.get $v) (i32x4.splat (i32.const 0xfff))))
    (local.set $x (f32x4.convert_i32x4_u (local.get $w)))
    (local.set $x (f32x4.sqrt (f32x4.mul (local.get $x) (local.get $x))))
    (local.set $x (f32x4.mul (f32x4.add (local.get $x) (f32x4.splat (f32.const 0))) (f32x4.splat (f32.const 1))))
    (call $same (local.get $w) (i32x4.trunc_sat_f32x4_u (local.get $x))))

  (func $loads (result i32)
    (i32.and
      (i32.and
        (i32.and
          (call $same (v128.load8_splat (i32.const 258)) (i8x16.splat (i32.const 2)))
          (call $same (v128.load16_splat (i32.const 256)) (i16x8.splat (i32.const 0x0100))))
        (i32.and
          (call $same (v128.load32_zero (i32.const 260)) (v128.const i32x4 0x07060504 0 0 0))
          (call $same (v128.load64_splat (i32.const 264)) (i64x2.splat (i64.const 0x0f0e0d0c0b0a0908)))))
      (i32.and
        (i32.and
          (call $same (v128.load8x8_s (i32.const 272)) (v128.const i16x8 -128 -127 -126 -125 -124 -123 -122 -121))
          (call $same (v128.load16x4_u (i32.const 256)) (v128.const i32x4 0x0100 0x0302 0x0504 0x0706)))
        (i32.and
          (call $same (v128.load32x2_s (i32.const 272)) (v128.const i64x2 -2088599168 -2021227132))
          (call $same (v128.load8_lane 3 (i32.const 257) (v128.const i64x2 0 0))
                      (v128.const i8x16 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0))))))

  (func $stores (result i32)
    (v128.store32_lane 1 (i32.const 512) (v128.const i32x4 10 20 30 40))
    (v128.store8_lane 15 (i32.const 516) (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 77))
    (v128.store (i32.const 528) (v128.load64_zero (i32.const 512)))
    (i32.and
      (i32.and (i32.eq (i32.load (i32.const 512)) (i32.const 20)) (i32.eq (i32.load8_u (i32.const 516)) (i32.const 77)))
      (i64.eq (i64.load (i32.const 536)) (i64.const 0))))

  (func $checks (param $v v128) (result i32)
    (local $mask i32) (local $bit i32)
    (local.set $mask (call $same (call $round_trip (local.get $v)) (local.get $v)))
    (local.set $bit (i32.and
      (i32.eqz (v128.any_true (v128.const i64x2 0 0)))
      (v128.any_true (v128.const i32x4 0 0 1 0))))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 1))))
    (local.set $bit (i32.eq (i8x16.bitmask (v128.const i8x16 -1 0 -1 0 -1 0 -1 0 -1 0 -1 0 -1 0 -1 0)) (i32.const 0x5555)))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 2))))
    (local.set $bit (call $same
      (i8x16.popcnt (v128.const i8x16 0 1 3 7 15 31 63 127 -1 2 4 8 16 32 64 -128))
      (v128.const i8x16 0 1 2 3 4 5 6 7 8 1 1 1 1 1 1 1)))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 3))))
    (local.set $bit (call $float_round_trip (local.get $v)))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 4))))
    (local.set $bit (call $same
      (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (f64x2.convert_low_i32x4_s (v128.const i32x4 -7 9 5 5)) (f64x2.splat (f64.const 2))))
      (v128.const i32x4 -14 18 0 0)))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 5))))
    (local.set $bit (call $same
      (i16x8.extmul_low_i8x16_s (v128.const i8x16 -2 3 4 -5 6 -7 8 -9 1 1 1 1 1 1 1 1) (i8x16.splat (i32.const 7)))
      (v128.const i16x8 -14 21 28 -35 42 -49 56 -63)))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 6))))
    (local.set $bit (call $same
      (i32x4.dot_i16x8_s (v128.const i16x8 1 2 3 4 5 6 7 8) (v128.const i16x8 8 7 6 5 4 3 2 1))
      (v128.const i32x4 22 38 38 22)))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 7))))
    (local.set $bit (i32.and
      (call $same (i8x16.add_sat_s (i8x16.splat (i32.const 100)) (i8x16.splat (i32.const 100))) (i8x16.splat (i32.const 127)))
      (call $same (i8x16.sub_sat_u (i8x16.splat (i32.const 5)) (i8x16.splat (i32.const 10))) (v128.const i64x2 0 0))))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 8))))
    (local.set $bit (call $same (i8x16.avgr_u (i8x16.splat (i32.const 1)) (i8x16.splat (i32.const 2))) (i8x16.splat (i32.const 2))))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 9))))
    (local.set $bit (call $same
      (i16x8.q15mulr_sat_s (i16x8.splat (i32.const 0x4000)) (i16x8.splat (i32.const 0x4000)))
      (i16x8.splat (i32.const 0x2000))))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 10))))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (call $loads) (i32.const 11))))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (call $stores) (i32.const 12))))
    (local.set $bit (call $same
      (i32x4.extadd_pairwise_i16x8_s (v128.const i16x8 1 -2 3 -4 5 -6 7 -8))
      (v128.const i32x4 -1 -1 -1 -1)))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 13))))
    (local.set $bit (call $same (i32x4.shr_s (v128.const i32x4 -16 16 -1 1) (i32.const 2)) (v128.const i32x4 -4 4 -1 0)))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 14))))
    (local.set $bit (i32.and
      (i32.and
        (call $same (i8x16.abs (i8x16.splat (i32.const -5))) (i8x16.splat (i32.const 5)))
        (call $same (i64x2.abs (i64x2.neg (v128.const i64x2 3 -4))) (v128.const i64x2 3 4)))
      (call $same (i64x2.mul (v128.const i64x2 3 -4) (v128.const i64x2 5 6)) (v128.const i64x2 15 -24))))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 15))))
    (local.set $bit (i32.and
      (i32.and
        (call $same (i64x2.lt_s (v128.const i64x2 1 -1) (v128.const i64x2 0 0)) (v128.const i64x2 0 -1))
        (call $same (f32x4.lt (v128.const f32x4 1 2 3 4) (f32x4.splat (f32.const 2.5))) (v128.const i32x4 -1 -1 0 0)))
      (i32x4.all_true (f32x4.eq
        (f32x4.add (f32x4.nearest (v128.const f32x4 1.5 2.5 -1.5 -0.4))
                   (f32x4.sub (f32x4.ceil (v128.const f32x4 1.5 2.5 -1.5 -0.4)) (f32x4.floor (v128.const f32x4 1.5 2.5 -1.5 -0.4))))
        (v128.const f32x4 3 3 -1 1)))))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 16))))
    (local.set $bit (i32.and
      (i64x2.all_true (f64x2.eq (f64x2.div (v128.const f64x2 1 9) (v128.const f64x2 4 3)) (v128.const f64x2 0.25 3)))
      (i32x4.all_true (f32x4.eq
        (f32x4.max (f32x4.min (v128.const f32x4 1 5 -2 8) (f32x4.splat (f32.const 4))) (f32x4.splat (f32.const 0)))
        (v128.const f32x4 1 4 0 4)))))
    (local.set $mask (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 17))))
    (local.set $bit (i32.and
      (i32.and
        (i32.eq (i16x8.bitmask (v128.const i16x8 -1 0 0 0 0 0 0 -1)) (i32.const 0x81))
        (i32.eq (i32x4.bitmask (v128.const i32x4 0 -1 0 0)) (i32.const 2)))
      (i32.and
        (i32.eq (i64x2.bitmask (v128.const i64x2 -1 0)) (i32.const 1))
        (i32.eqz (i32x4.all_true (v128.const i32x4 1 2 3 0))))))
    (i32.or (local.get $mask) (i32.shl (local.get $bit) (i32.const 18))))

  (func $query_simd_ops (export "canister_query simd_ops")
    (local $v v128)
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 16))
    (local.set $v (v128.load (i32.const 0)))
    (i32.store (i32.const 48) (call $checks (local.get $v)))
    (v128.store (i32.const 32) (call $round_trip (local.get $v)))
    (call $reply_append (i32.const 32) (i32.const 20))
    (call $reply)))
