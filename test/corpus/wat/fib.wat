;; Fibonacci: naive recursion (call-heavy) and an iterative loop.
;; Argument: n as u32 little-endian. Reply: fib(n) as u64 little-endian.
(module $fib
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 1)
  (export "memory" (memory $memory))

  (func $fib_rec (param $n i64) (result i64)
    (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))
      (then (local.get $n))
      (else
        (i64.add
          (call $fib_rec (i64.sub (local.get $n) (i64.const 1)))
          (call $fib_rec (i64.sub (local.get $n) (i64.const 2)))))))

  (func $fib_iter (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))

  (func $arg_u32 (result i32)
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (i32.load (i32.const 0)))

  (func $reply_u64 (param $value i64)
    (i64.store (i32.const 8) (local.get $value))
    (call $reply_append (i32.const 8) (i32.const 8))
    (call $reply))

  (func $update_fib (export "canister_update fib")
    (call $reply_u64 (call $fib_rec (i64.extend_i32_u (call $arg_u32)))))

  (func $query_fib_iter (export "canister_query fib_iter")
    (call $reply_u64 (call $fib_iter (call $arg_u32)))))
