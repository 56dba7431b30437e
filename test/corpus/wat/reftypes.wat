;; Reference types: a funcref table filled by element segments of both kinds
;; (function indices and expressions), passive and declared segments,
;; call_indirect, ref.func, ref.null, ref.is_null, table.get, table.size,
;; typed select and funcref/externref locals. The IC rejects table.set,
;; table.grow, table.fill, table.copy and table.init, so none appear.
;; canister_update apply: argument n (u32 LE). acc starts at 1; for i < n it
;;   skips null slots and otherwise sets acc = table[i % 8](acc, i + 1),
;;   wrapping. Reply: acc, u64 LE.
;; canister_query refs: reply 6 u32 LE: table.size, is_null(slot 4),
;;   is_null(ref.func), is_null(null extern), slot 6 via a funcref local
;;   applied to (6, 7), and the typed-select result (1).
;; canister_update call_null: call_indirect on the null slot, which traps.
(module $reftypes
  (type $binop (func (param i64 i64) (result i64)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 1)
  (export "memory" (memory $memory))
  (table $ops 8 funcref)

  (func $add (type $binop) (i64.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i64.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i64.mul (local.get 0) (local.get 1)))
  (func $xor (type $binop) (i64.xor (local.get 0) (local.get 1)))
  (func $max (type $binop) (select (local.get 0) (local.get 1) (i64.gt_u (local.get 0) (local.get 1))))
  (func $rotl (type $binop) (i64.rotl (local.get 0) (local.get 1)))
  (func $min (type $binop) (select (local.get 0) (local.get 1) (i64.lt_u (local.get 0) (local.get 1))))
  (func $never (type $binop) (unreachable))

  ;; Active, index kind: slots 0..2.
  (elem $by_index (i32.const 0) func $add $sub $mul)
  ;; Active, expression kind with a null: slots 3..5.
  (elem $by_expr (table $ops) (i32.const 3) funcref (ref.func $xor) (ref.null func) (ref.func $max))
  ;; Active, index kind on an explicit table: slots 6..7.
  (elem $explicit (table $ops) (i32.const 6) func $rotl $add)
  ;; Passive segments (never initialized: table.init is not allowed) and a
  ;; declared one, which makes ref.func $min legal.
  (elem $passive_expr funcref (ref.func $never) (ref.null func))
  (elem $passive_index func $never)
  (elem declare func $min)

  (func $apply (param $n i32) (result i64)
    (local $i i32) (local $acc i64) (local $slot i32)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $slot (i32.and (local.get $i) (i32.const 7)))
        (if (i32.eqz (ref.is_null (table.get $ops (local.get $slot))))
          (then
            (local.set $acc
              (call_indirect $ops (type $binop)
                (local.get $acc) (i64.extend_i32_u (i32.add (local.get $i) (i32.const 1))) (local.get $slot)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  (func $update_apply (export "canister_update apply")
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (i64.store (i32.const 8) (call $apply (i32.load (i32.const 0))))
    (call $reply_append (i32.const 8) (i32.const 8))
    (call $reply))

  (func $query_refs (export "canister_query refs")
    (local $f funcref) (local $e externref)
    (elem.drop $passive_expr)
    (elem.drop $passive_index)
    (local.set $f (table.get $ops (i32.const 6)))
    (local.set $e (ref.null extern))
    (i32.store (i32.const 16) (table.size $ops))
    (i32.store (i32.const 20) (ref.is_null (table.get $ops (i32.const 4))))
    (i32.store (i32.const 24) (ref.is_null (ref.func $min)))
    (i32.store (i32.const 28) (ref.is_null (local.get $e)))
    (i32.store (i32.const 32)
      (i32.wrap_i64 (call_indirect $ops (type $binop) (i64.const 6) (i64.const 7) (i32.const 6))))
    (i32.store (i32.const 36)
      (ref.is_null (select (result funcref) (ref.null func) (local.get $f) (i32.const 1))))
    (call $reply_append (i32.const 16) (i32.const 24))
    (call $reply))

  (func $update_call_null (export "canister_update call_null")
    (drop (call_indirect $ops (type $binop) (i64.const 1) (i64.const 2) (i32.const 4)))
    (call $reply)))
