/* The C counter: Candid nat replies like canisters/counter.mo, the 32-bit
 * stable memory API in the upgrade hooks, and caller/time/debug_print. */
#include "ic0.h"

static uint64_t counter;

/* Replies DIDL 00 01 7d <LEB128 n>. */
static void reply_nat(uint64_t n) {
  uint8_t buf[7 + 10] = {'D', 'I', 'D', 'L', 0, 1, 0x7d};
  uint32_t len = 7;
  do {
    uint8_t byte = n & 0x7f;
    n >>= 7;
    buf[len++] = n ? (byte | 0x80) : byte;
  } while (n);
  ic0_msg_reply_data_append(buf, len);
  ic0_msg_reply();
}

/* Parses a single Candid nat argument (DIDL 00 01 7d <LEB128>). */
static uint64_t arg_nat(void) {
  static const char bad[] = "counter.c: expected one nat argument";
  uint8_t buf[32];
  uint32_t size = ic0_msg_arg_data_size();
  if (size < 8 || size > sizeof buf) ic0_trap(bad, sizeof bad - 1);
  ic0_msg_arg_data_copy(buf, 0, size);
  if (buf[4] != 0 || buf[5] != 1 || buf[6] != 0x7d) ic0_trap(bad, sizeof bad - 1);
  uint64_t n = 0;
  for (uint32_t i = 7, shift = 0; i < size && shift < 64; i++, shift += 7) {
    n |= (uint64_t)(buf[i] & 0x7f) << shift;
    if (!(buf[i] & 0x80)) break;
  }
  return n;
}

CANISTER_EXPORT("canister_init") void init(void) {
  static const char msg[] = "counter.c: init";
  ic0_debug_print(msg, sizeof msg - 1);
  counter = 0;
}

CANISTER_EXPORT("canister_update inc") void inc(void) { reply_nat(++counter); }

CANISTER_EXPORT("canister_query get") void get(void) { reply_nat(counter); }

CANISTER_EXPORT("canister_update set") void set(void) {
  counter = arg_nat();
  static const uint8_t empty[] = {'D', 'I', 'D', 'L', 0, 0};
  ic0_msg_reply_data_append(empty, sizeof empty);
  ic0_msg_reply();
}

/* Replies the caller's principal bytes followed by the time (u64 LE). */
CANISTER_EXPORT("canister_query whoami") void whoami(void) {
  uint8_t buf[29 + 8];
  uint32_t n = ic0_msg_caller_size();
  if (n > 29) n = 29;
  ic0_msg_caller_copy(buf, 0, n);
  uint64_t t = ic0_time();
  __builtin_memcpy(buf + n, &t, 8);
  ic0_msg_reply_data_append(buf, n + 8);
  ic0_msg_reply();
}

CANISTER_EXPORT("canister_pre_upgrade") void pre_upgrade(void) {
  if (ic0_stable_size() == 0) ic0_stable_grow(1);
  ic0_stable_write(0, &counter, 8);
}

CANISTER_EXPORT("canister_post_upgrade") void post_upgrade(void) {
  ic0_stable_read(&counter, 0, 8);
}
