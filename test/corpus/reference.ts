// Plain TypeScript reference implementations of the corpus workloads, used
// to compute the expected replies independently of any Wasm engine.
const M64 = (1n << 64n) - 1n;

/** fib(n) with fib(0) = 0, fib(1) = 1. */
export function fib(n: number): bigint {
  let a = 0n, b = 1n;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

/** Number of primes below n. */
export function primesBelow(n: number): number {
  const marked = new Uint8Array(Math.max(n, 2));
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (marked[i]) continue;
    count++;
    for (let j = i * i; j < n; j += i) marked[j] = 1;
  }
  return count;
}

const rotl64 = (x: bigint, r: bigint): bigint => (r === 0n ? x : ((x << r) | (x >> (64n - r))) & M64);
const popcnt64 = (x: bigint): bigint => BigInt(x.toString(2).replaceAll('0', '').length);
const clz64 = (x: bigint): bigint => (x === 0n ? 64n : 64n - BigInt(x.toString(2).length));

const digests = new Map<number, bigint>();

/** The digest of wat/hash.wat and c/compute.c `hash` (memoized: two modules share it). */
export function splitmixDigest(n: number): bigint {
  let d = digests.get(n);
  if (d === undefined) digests.set(n, (d = computeDigest(n)));
  return d;
}

function computeDigest(n: number): bigint {
  let state = 0x0123456789abcdefn, acc = 0n;
  for (let i = 0; i < n; i++) {
    state = (state + 0x9e3779b97f4a7c15n) & M64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    z ^= z >> 31n;
    acc = (rotl64(acc ^ z, 7n) + popcnt64(z) + clz64(z)) & M64;
  }
  return acc;
}

/** The checksum of wat/memcopy.wat after `rounds` rounds. */
export function memcopyChecksum(rounds: number): bigint {
  const mem = new Uint8Array(4 * 65536), a = 65536, b = 131072;
  for (let i = 0; i < rounds; i++) {
    const f = a + ((i * 7) & 1023);
    mem.fill(i & 255, f, f + 4096);
    mem.copyWithin(b + ((i * 13) & 2047), a, a + 8192);
    mem.copyWithin(a + 1, a, a + 4095);
  }
  const view = new DataView(mem.buffer);
  let sum = 0n;
  for (let p = b; p < b + 10240; p += 8) sum = (sum + view.getBigUint64(p, true)) & M64;
  return sum;
}

/** [sum of quotients, xor of remainders] of (n*31+7) divmod i for i in 1..n (wat/multivalue.wat). */
export function divmodStats(n: number): [bigint, bigint] {
  let sum = 0n, xor = 0n;
  const x = (n * 31 + 7) >>> 0;
  for (let i = 1; i <= n; i++) { sum += BigInt(Math.floor(x / i)); xor ^= BigInt(x % i); }
  return [sum, xor];
}

const popcount32 = (x: number): number => { let c = 0; for (let v = x >>> 0; v; v >>>= 1) c += v & 1; return c; };

/** The five u32 results of wat/simd.wat `simd_dot` for n elements. */
export function simdDot(n: number): number[] {
  let dot = 0, max = -(2 ** 31), pop = 0, dot16 = 0;
  const lanes = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const a = i * 3 + 1, b = ((i * 7) & 255) - 100;
    dot = (dot + Math.imul(a, b)) | 0;
    max = Math.max(max, a ^ b);
    lanes[i % 4] = Math.fround(lanes[i % 4] + Math.fround(Math.sqrt(a)));
    pop += popcount32(b);
    dot16 = (dot16 + Math.imul((a << 16) >> 16, (b << 16) >> 16) + Math.imul(a >> 16, b >> 16)) | 0;
  }
  const f = lanes.reduce((s, x) => (s + Math.trunc(x)) | 0, 0);
  return [dot, max, f, pop, dot16].map((x) => x >>> 0);
}

/** acc of wat/reftypes.wat `apply` (slots: add sub mul xor null max rotl add). */
export function reftypesApply(n: number): bigint {
  const ops: Array<((a: bigint, b: bigint) => bigint) | null> = [
    (a, b) => a + b, (a, b) => a - b, (a, b) => a * b, (a, b) => a ^ b, null,
    (a, b) => (a > b ? a : b), (a, b) => rotl64(a, b % 64n), (a, b) => a + b,
  ];
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    const op = ops[i & 7];
    if (op) acc = BigInt.asUintN(64, op(acc, BigInt(i + 1)));
  }
  return acc;
}

/** IEEE round-half-to-even, as f64.nearest. */
function nearest(x: number): number {
  const f = Math.floor(x), d = x - f;
  return d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
}

/** The 28-byte reply of wat/floats.wat `integrate`. */
export function floatsIntegrate(n: number): Uint8Array {
  let acc = 0, accf = 0, k = 0n, m = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = i / n, y = Math.sqrt(x * x + 1);
    acc += y / n;
    accf = Math.fround(accf + Math.fround(y));
    k += BigInt(nearest(y * 1000.5)) - BigInt(Math.ceil(y * 7.25)) + BigInt(Math.trunc(-(y * 3.3)))
      + BigInt(Math.floor(Math.fround(Math.fround(y) * Math.fround(11.5))));
    m = Math.max(m, -Math.abs(x - 0.5));
  }
  const out = new DataView(new ArrayBuffer(28));
  out.setFloat64(0, acc, true); out.setFloat32(8, accf, true); out.setBigInt64(12, k, true); out.setFloat64(20, Math.min(m, 0), true);
  return new Uint8Array(out.buffer);
}

const satInt = (x: number, lo: number, hi: number): number => (Number.isNaN(x) ? 0 : Math.min(hi, Math.max(lo, Math.trunc(x))));
const satBig = (x: number, lo: bigint, hi: bigint): bigint =>
  Number.isNaN(x) ? 0n : x <= Number(lo) ? lo : x >= Number(hi) ? hi : BigInt(Math.trunc(x));

/** The 72-byte reply of wat/floats.wat `convert` for x (not NaN). */
export function floatsConvert(x: number): Uint8Array {
  const out = new DataView(new ArrayBuffer(72));
  const s32 = satInt(x, -(2 ** 31), 2 ** 31 - 1);
  const s64 = satBig(x, -(2n ** 63n), 2n ** 63n - 1n), u64 = satBig(x, 0n, 2n ** 64n - 1n);
  const f = Math.fround(x);
  out.setInt32(0, s32, true);
  out.setUint32(4, satInt(x, 0, 2 ** 32 - 1), true);
  out.setBigInt64(8, s64, true);
  out.setBigUint64(16, u64, true);
  out.setFloat32(24, f, true);
  out.setInt32(28, satInt(f, -(2 ** 31), 2 ** 31 - 1), true);
  out.setFloat64(32, Number(s64), true);
  out.setFloat32(40, Number(u64), true);
  out.setInt32(44, (s32 << 24) >> 24, true);
  out.setBigInt64(48, BigInt.asIntN(16, s64), true);
  out.setBigInt64(56, BigInt.asIntN(32, s64), true);
  out.setFloat64(64, (s32 << 16) >> 16, true);
  return new Uint8Array(out.buffer);
}

/** c/compute.c `matmul`: wrapping sum of C[i][j] * (i + 1) for C = A * B. */
export function matmulChecksum(n: number): bigint {
  let sum = 0n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s = (s + Math.imul(i + k, k - 2 * j)) | 0;
      sum += BigInt(s) * BigInt(i + 1);
    }
  }
  return BigInt.asUintN(64, sum);
}

/** c/compute.c `sort`: wrapping sum of sorted LCG values times (i + 1). */
export function sortChecksum(n: number): bigint {
  const values = new Uint32Array(n);
  for (let i = 0, x = 42; i < n; i++) values[i] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  values.sort();
  let sum = 0n;
  values.forEach((v, i) => { sum += BigInt(v) * BigInt(i + 1); });
  return BigInt.asUintN(64, sum);
}

/** c/compute.c `crc32`: CRC-32 (IEEE) of the n bytes (i * 31) & 255. */
export function crc32Of(n: number): number {
  let crc = 0xffffffff;
  for (let i = 0; i < n; i++) {
    crc ^= (i * 31) & 255;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** wat/memory64.wat `sum`: wrapping sum of (2i, i+1, i*i, -i)[i % 4]. */
export function memory64Sum(n: number): bigint {
  let sum = 0n;
  for (let i = 0n; i < BigInt(n); i++) sum += [2n * i, i + 1n, i * i, -i][Number(i % 4n)];
  return BigInt.asUintN(64, sum);
}

/** canisters/bench.mo `hash`: FNV-style mixing with wrapping Nat64 ops. */
export function fnvMix(n: number): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0n; i < BigInt(n); i++) {
    h = ((h ^ i) * 0x100000001b3n) & M64;
    h = (h + (h >> 29n)) & M64;
  }
  return h;
}

/** canisters/bench.mo `mapInsert`: keys (i * 7919) % n get value i; the sum of the values of keys 0..n-1. */
export function mapInsertSum(n: number): bigint {
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) map.set((i * 7919) % n, i);
  let sum = 0n;
  for (let k = 0; k < n; k++) sum += BigInt(map.get(k) ?? 0);
  return sum;
}

/** canisters/bench.mo `textBuild`: the number of decimal digits in 0..n-1. */
export function digitsBelow(n: number): number {
  let digits = 0;
  for (let i = 0; i < n; i++) digits += String(i).length;
  return digits;
}

/** canisters/bench.mo `blobSum`: the sum of i mod 256 for i < n. */
export function blobSum(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += i % 256;
  return sum;
}
