;; The WAT counter: init, update, query, inspect_message, upgrade hooks that
;; keep the counter in stable memory, an explicit reject and a trap.
;; Arguments and replies are u64 LE.
;; canister_init: counter := the 8-byte argument, or 0 without one.
;; canister_update inc: counter += 1; replies it.
;; canister_update set: counter := argument; replies nothing.
;; canister_query get: replies the counter.
;; canister_update reject: rejects with "counter: rejected".
;; canister_update boom: traps with "counter: boom" (after changing the counter).
;; canister_inspect_message: accepts everything except "boom".
;; canister_pre_upgrade / canister_post_upgrade: save / restore via stable64.
(module $counter
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reject" (func $reject (param $src i32) (param $size i32)))
  (import "ic0" "trap" (func $trap (param $src i32) (param $size i32)))
  (import "ic0" "msg_method_name_size" (func $method_size (result i32)))
  (import "ic0" "msg_method_name_copy" (func $method_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "accept_message" (func $accept))
  (import "ic0" "stable64_size" (func $stable_size (result i64)))
  (import "ic0" "stable64_grow" (func $stable_grow (param $pages i64) (result i64)))
  (import "ic0" "stable64_write" (func $stable_write (param $offset i64) (param $src i64) (param $size i64)))
  (import "ic0" "stable64_read" (func $stable_read (param $dst i64) (param $offset i64) (param $size i64)))
  (memory $memory 1)
  (export "memory" (memory $memory))
  (global $counter (mut i64) (i64.const 0))
  (data $texts (i32.const 256) "counter: rejectedcounter: boomboom")

  (func $arg_u64 (result i64)
    (if (result i64) (i32.ge_u (call $arg_size) (i32.const 8))
      (then
        (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 8))
        (i64.load (i32.const 0)))
      (else (i64.const 0))))

  (func $reply_counter
    (i64.store (i32.const 8) (global.get $counter))
    (call $reply_append (i32.const 8) (i32.const 8))
    (call $reply))

  (func $init (export "canister_init")
    (global.set $counter (call $arg_u64)))

  (func $update_inc (export "canister_update inc")
    (global.set $counter (i64.add (global.get $counter) (i64.const 1)))
    (call $reply_counter))

  (func $update_set (export "canister_update set")
    (global.set $counter (call $arg_u64))
    (call $reply))

  (func $query_get (export "canister_query get")
    (call $reply_counter))

  (func $update_reject (export "canister_update reject")
    (call $reject (i32.const 256) (i32.const 17)))

  (func $update_boom (export "canister_update boom")
    (global.set $counter (i64.const 999))
    (call $trap (i32.const 273) (i32.const 13)))

  (func $inspect (export "canister_inspect_message")
    (if (i32.eq (call $method_size) (i32.const 4))
      (then
        (call $method_copy (i32.const 32) (i32.const 0) (i32.const 4))
        (if (i32.eq (i32.load (i32.const 32)) (i32.load (i32.const 286)))
          (then (return)))))
    (call $accept))

  (func $pre_upgrade (export "canister_pre_upgrade")
    (if (i64.eqz (call $stable_size)) (then (drop (call $stable_grow (i64.const 1)))))
    (i64.store (i32.const 8) (global.get $counter))
    (call $stable_write (i64.const 0) (i64.const 8) (i64.const 8)))

  (func $post_upgrade (export "canister_post_upgrade")
    (call $stable_read (i64.const 8) (i64.const 0) (i64.const 8))
    (global.set $counter (i64.load (i32.const 8)))))
