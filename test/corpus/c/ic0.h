/* The few ic0 System API imports the C test canisters use (wasm32: i32 pointers). */
#ifndef IC0_H
#define IC0_H
#include <stdint.h>

#define IC0_IMPORT(name) __attribute__((import_module("ic0"), import_name(#name)))
#define CANISTER_EXPORT(name) __attribute__((export_name(name)))

IC0_IMPORT(msg_arg_data_size) uint32_t ic0_msg_arg_data_size(void);
IC0_IMPORT(msg_arg_data_copy) void ic0_msg_arg_data_copy(void *dst, uint32_t offset, uint32_t size);
IC0_IMPORT(msg_reply_data_append) void ic0_msg_reply_data_append(const void *src, uint32_t size);
IC0_IMPORT(msg_reply) void ic0_msg_reply(void);
IC0_IMPORT(msg_reject) void ic0_msg_reject(const void *src, uint32_t size);
IC0_IMPORT(trap) void ic0_trap(const void *src, uint32_t size);
IC0_IMPORT(debug_print) void ic0_debug_print(const void *src, uint32_t size);
IC0_IMPORT(msg_caller_size) uint32_t ic0_msg_caller_size(void);
IC0_IMPORT(msg_caller_copy) void ic0_msg_caller_copy(void *dst, uint32_t offset, uint32_t size);
IC0_IMPORT(time) uint64_t ic0_time(void);
IC0_IMPORT(stable_size) uint32_t ic0_stable_size(void);
IC0_IMPORT(stable_grow) int32_t ic0_stable_grow(uint32_t pages);
IC0_IMPORT(stable_write) void ic0_stable_write(uint32_t offset, const void *src, uint32_t size);
IC0_IMPORT(stable_read) void ic0_stable_read(void *dst, uint32_t offset, uint32_t size);

/* Reads a u32 LE argument (0 if shorter). */
static inline uint32_t arg_u32(void) {
  uint32_t v = 0;
  if (ic0_msg_arg_data_size() >= 4) ic0_msg_arg_data_copy(&v, 0, 4);
  return v;
}

/* Replies with a u64 LE. */
static inline void reply_u64(uint64_t v) {
  ic0_msg_reply_data_append(&v, 8);
  ic0_msg_reply();
}
#endif
