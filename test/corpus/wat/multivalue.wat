;; Multi-value: functions with several results, blocks, loops and ifs with
;; parameters and results (inline and by type index), and calls that pass
;; several values along the stack.
;; canister_update divmod: argument n (u32 LE); reply the 16 bytes
;;   (sum of quotients, xor of remainders) of (n*31+7) divmod i for i in 1..n.
;; canister_update fib: argument n (u32 LE); reply fib(n), u64 LE, computed by
;;   a loop that carries the pair (a, b) as block parameters.
(module $multivalue
  (type $pair (func (param i64 i64) (result i64 i64)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 1)
  (export "memory" (memory $memory))

  (func $divmod (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b)))

  (func $swap (type $pair) (local.get 1) (local.get 0))

  (func $accumulate (param $q i32) (param $r i32) (param $sum i64) (param $xor i64) (result i64 i64)
    (i64.add (local.get $sum) (i64.extend_i32_u (local.get $q)))
    (i64.xor (local.get $xor) (i64.extend_i32_u (local.get $r))))

  (func $divmod_stats (param $n i32) (result i64 i64)
    (local $i i32) (local $sum i64) (local $xor i64) (local $q i32) (local $r i32)
    (local.set $i (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
        (call $divmod (i32.add (i32.mul (local.get $n) (i32.const 31)) (i32.const 7)) (local.get $i))
        (local.set $r)
        (local.set $q)
        (call $accumulate (local.get $q) (local.get $r) (local.get $sum) (local.get $xor))
        (local.set $xor)
        (local.set $sum)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; Swap twice through a typed block: the pair comes back unchanged.
    (local.get $sum) (local.get $xor)
    (block (type $pair) (call $swap))
    (call $swap))

  (func $fib_pairs (param $n i32) (result i64)
    (local $a i64) (local $b i64)
    (i64.const 0) (i64.const 1)
    (block $done (param i64 i64) (result i64 i64)
      (loop $step (param i64 i64) (result i64 i64)
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $b)
        (local.set $a)
        (local.get $b)
        (i64.add (local.get $a) (local.get $b))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $step)))
    (if (param i64 i64) (result i64) (i32.const 1)
      (then (drop))
      (else (drop) (drop) (i64.const -1))))

  (func $arg_u32 (result i32)
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (i32.load (i32.const 0)))

  (func $update_divmod (export "canister_update divmod")
    (local $sum i64) (local $xor i64)
    (call $divmod_stats (call $arg_u32))
    (local.set $xor)
    (local.set $sum)
    (i64.store (i32.const 8) (local.get $sum))
    (i64.store (i32.const 16) (local.get $xor))
    (call $reply_append (i32.const 8) (i32.const 16))
    (call $reply))

  (func $update_fib (export "canister_update fib")
    (i64.store (i32.const 8) (call $fib_pairs (call $arg_u32)))
    (call $reply_append (i32.const 8) (i32.const 8))
    (call $reply)))
