;; Sieve of Eratosthenes over a byte array that grows linear memory as needed
;; (memory.size, memory.grow, memory.fill, byte loads and stores).
;; Argument: n as u32 LE. Reply: the number of primes below n, u64 LE.
(module $sieve
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "trap" (func $trap (param $src i32) (param $size i32)))
  (memory $memory 1)
  (export "memory" (memory $memory))
  (data $oom (i32.const 64) "sieve: out of memory")

  ;; The flags live at 64 KiB; make sure n bytes fit.
  (func $reserve (param $n i32)
    (local $need i32)
    (local.set $need
      (i32.sub
        (i32.shr_u (i32.add (i32.add (local.get $n) (i32.const 65536)) (i32.const 65535)) (i32.const 16))
        (memory.size)))
    (if (i32.gt_s (local.get $need) (i32.const 0))
      (then
        (if (i32.eq (memory.grow (local.get $need)) (i32.const -1))
          (then (call $trap (i32.const 64) (i32.const 20)))))))

  (func $count_primes (param $n i32) (result i32)
    (local $i i32) (local $j i64) (local $count i32)
    (if (i32.lt_u (local.get $n) (i32.const 2)) (then (return (i32.const 0))))
    (call $reserve (local.get $n))
    (memory.fill (i32.const 65536) (i32.const 0) (local.get $n))
    (local.set $i (i32.const 2))
    (loop $outer
      (if (i32.eqz (i32.load8_u offset=65536 (local.get $i)))
        (then
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          ;; i * i overflows i32 above 46340: count j in i64.
          (local.set $j (i64.mul (i64.extend_i32_u (local.get $i)) (i64.extend_i32_u (local.get $i))))
          (block $inner_done
            (loop $inner
              (br_if $inner_done (i64.ge_u (local.get $j) (i64.extend_i32_u (local.get $n))))
              (i32.store8 offset=65536 (i32.wrap_i64 (local.get $j)) (i32.const 1))
              (local.set $j (i64.add (local.get $j) (i64.extend_i32_u (local.get $i))))
              (br $inner)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $count))

  (func $update_sieve (export "canister_update sieve")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (i64.store (i32.const 8) (i64.extend_i32_u (call $count_primes (i32.load (i32.const 0)))))
    (call $reply_append (i32.const 8) (i32.const 8))
    (call $reply)))
