;; A start function that calls ic0 (debug_print and stable64_size, both
;; allowed in the start context) and leaves a marker in memory and a global;
;; plus canister_init, which keeps its argument.
;; canister_query started: replies the marker text written by start.
;; canister_query init_arg: replies the bytes canister_init received.
;; canister_query start_count: replies how often start ran (u32 LE: 1).
(module $start
  (import "ic0" "debug_print" (func $debug_print (param $src i32) (param $size i32)))
  (import "ic0" "stable64_size" (func $stable_size (result i64)))
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param $dst i32) (param $offset i32) (param $size i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param $src i32) (param $size i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory $memory 1)
  (export "memory" (memory $memory))
  (global $starts (mut i32) (i32.const 0))
  (global $init_size (mut i32) (i32.const 0))
  (data $hello (i32.const 0) "start: hello from the start function")

  (func $start
    (global.set $starts (i32.add (global.get $starts) (i32.const 1)))
    (call $debug_print (i32.const 0) (i32.const 36))
    (if (i64.eqz (call $stable_size))
      (then (memory.copy (i32.const 256) (i32.const 7) (i32.const 29)))))
  (start $start)

  (func $init (export "canister_init")
    (global.set $init_size (call $arg_size))
    (call $arg_copy (i32.const 1024) (i32.const 0) (global.get $init_size)))

  (func $query_started (export "canister_query started")
    (call $reply_append (i32.const 256) (i32.const 29))
    (call $reply))

  (func $query_init_arg (export "canister_query init_arg")
    (call $reply_append (i32.const 1024) (global.get $init_size))
    (call $reply))

  (func $query_start_count (export "canister_query start_count")
    (i32.store (i32.const 512) (global.get $starts))
    (call $reply_append (i32.const 512) (i32.const 4))
    (call $reply)))
