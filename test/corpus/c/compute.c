/* Compute kernels as update methods. Each takes n as a u32 LE argument and
 * replies a u64 LE result; test/corpus/reference.ts has the same algorithms. */
#include "ic0.h"

static uint64_t fib(uint64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

CANISTER_EXPORT("canister_update fib") void update_fib(void) { reply_u64(fib(arg_u32())); }

#define SIEVE_MAX (1u << 20)
static uint8_t marked[SIEVE_MAX];

/* Primes below n (n is capped at 2^20). */
CANISTER_EXPORT("canister_update sieve") void update_sieve(void) {
  uint32_t n = arg_u32(), count = 0;
  if (n > SIEVE_MAX) n = SIEVE_MAX;
  __builtin_memset(marked, 0, n);
  for (uint32_t i = 2; i < n; i++) {
    if (marked[i]) continue;
    count++;
    for (uint64_t j = (uint64_t)i * i; j < n; j += i) marked[j] = 1;
  }
  reply_u64(count);
}

/* The splitmix digest of wat/hash.wat. */
CANISTER_EXPORT("canister_update hash") void update_hash(void) {
  uint32_t n = arg_u32();
  uint64_t state = 0x0123456789abcdefull, acc = 0;
  for (uint32_t i = 0; i < n; i++) {
    state += 0x9e3779b97f4a7c15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    acc ^= z;
    acc = (acc << 7) | (acc >> 57);
    acc += (uint64_t)__builtin_popcountll(z) + (z ? (uint64_t)__builtin_clzll(z) : 64);
  }
  reply_u64(acc);
}

#define MAT_MAX 96
static int32_t ma[MAT_MAX][MAT_MAX], mb[MAT_MAX][MAT_MAX], mc[MAT_MAX][MAT_MAX];

/* C = A * B with A[i][j] = i + j, B[i][j] = i - 2j (n capped at 96);
 * replies the wrapping sum of C[i][j] * (i + 1). */
CANISTER_EXPORT("canister_update matmul") void update_matmul(void) {
  uint32_t n = arg_u32();
  if (n > MAT_MAX) n = MAT_MAX;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n; j++) {
      ma[i][j] = (int32_t)(i + j);
      mb[i][j] = (int32_t)i - 2 * (int32_t)j;
    }
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n; j++) {
      int32_t s = 0;
      for (uint32_t k = 0; k < n; k++) s += ma[i][k] * mb[k][j];
      mc[i][j] = s;
    }
  uint64_t sum = 0;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n; j++) sum += (uint64_t)(int64_t)mc[i][j] * (i + 1);
  reply_u64(sum);
}

#define SORT_MAX 65536
static uint32_t values[SORT_MAX];

static void quicksort(uint32_t *a, int32_t lo, int32_t hi) {
  while (lo < hi) {
    uint32_t pivot = a[lo + (hi - lo) / 2];
    int32_t i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; } else { quicksort(a, i, hi); hi = j; }
  }
}

/* Sorts n values of the LCG x = x * 1664525 + 1013904223 (from x = 42, n
 * capped at 65536); replies the wrapping sum of value[i] * (i + 1). */
CANISTER_EXPORT("canister_update sort") void update_sort(void) {
  uint32_t n = arg_u32(), x = 42;
  if (n > SORT_MAX) n = SORT_MAX;
  for (uint32_t i = 0; i < n; i++) values[i] = x = x * 1664525u + 1013904223u;
  if (n > 1) quicksort(values, 0, (int32_t)n - 1);
  uint64_t sum = 0;
  for (uint32_t i = 0; i < n; i++) sum += (uint64_t)values[i] * (i + 1);
  reply_u64(sum);
}

/* CRC-32 (IEEE, table-driven) of the n bytes (i * 31) & 255. */
CANISTER_EXPORT("canister_update crc32") void update_crc32(void) {
  static uint32_t table[256];
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  uint32_t n = arg_u32(), crc = 0xffffffffu;
  for (uint32_t i = 0; i < n; i++) crc = table[(crc ^ (uint8_t)(i * 31)) & 0xff] ^ (crc >> 8);
  reply_u64(crc ^ 0xffffffffu);
}
