// Bounds checks on copies between Wasm memory and system blobs, worded as
// the replica's `valid_subslice` (system_api.rs):
//   `<ctx>: src=<a> + length=<n> exceeds the slice size=<len>`
//   `<ctx>: src=<a> + length=<n> is an invalid address`   (a + n ≥ 2^64)
//
// Addresses and sizes travel as JS numbers. From a wasm32 module they are
// u32 and exact. From a memory64 module they are u64: values below 2^53 are
// exact; larger ones can never be in bounds (no memory or blob is that big),
// so they are carried as their nearest double and their exact value is kept
// in a small side table (`wideU64`) only so that trap texts print the real
// digits. The table is cleared at the start of every import call.
//
// Every write into the heap goes through a {@link HeapAccess} and reports its
// range (`heapWritten`), so that whoever tracks dirty pages (the hypervisor's
// bytemap) sees host writes as it sees the canister's own stores.
import { toolchainViolation } from './host-trap.ts';

/** The heap as the System API reads and writes it. */
export interface HeapAccess {
  /** The instance's memory as it is now. */
  heap(): Uint8Array;
  /** Reports that `[dst, dst + size)` of the heap was written (after the write). */
  heapWritten(dst: number, size: number): void;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);
const U64_MAX = (1n << 64n) - 1n;
const wide = new Map<number, bigint>();

/**
 * A u64 from Wasm as a number (exact below 2^53; above, the exact value is
 * remembered for messages until {@link clearWideU64}).
 */
export function u64ToNumber(v: bigint): number {
  if (v <= MAX_SAFE_BIG) return Number(v);
  const n = Number(v);
  wide.set(n, v);
  return n;
}

/** The exact u64 behind a number produced by {@link u64ToNumber}. */
export function exactU64(n: number): bigint {
  if (n <= MAX_SAFE) return BigInt(n);
  return wide.get(n) ?? BigInt(n);
}

/** Forgets the exact values of wide arguments (called before each import call). */
export function clearWideU64(): void {
  if (wide.size > 0) wide.clear();
}

/** Whether `src + len` overflows a u64 (the replica's `usize` address). */
function overflowsU64(src: number, len: number): boolean {
  if (src <= MAX_SAFE && len <= MAX_SAFE) return false;
  return exactU64(src) + exactU64(len) > U64_MAX;
}

/**
 * `slice[src .. src + len]`, or a toolchain-contract-violation trap worded as
 * the replica's `valid_subslice`.
 * @throws {HostTrap}
 */
export function validSubslice(ctx: string, src: number, len: number, slice: Uint8Array): Uint8Array {
  if (overflowsU64(src, len)) {
    throw toolchainViolation(`${ctx}: src=${exactU64(src)} + length=${exactU64(len)} is an invalid address`);
  }
  if (src + len > slice.length) {
    throw toolchainViolation(`${ctx}: src=${exactU64(src)} + length=${exactU64(len)} exceeds the slice size=${slice.length}`);
  }
  return slice.subarray(src, src + len);
}

/** Whether `[src, src + len)` lies inside a buffer of `size` bytes (no trap). */
export function inBounds(src: number, len: number, size: number): boolean {
  return !overflowsU64(src, len) && src + len <= size;
}

/**
 * Copies `[offset, offset + size)` of a system blob to `heap[dst ..]`,
 * checking the heap range first and then the blob range, as the replica's
 * `ic0_*_copy` functions do.
 * @param name the import's name; contexts are `ic0.<name> heap` and `ic0.<name> <what>`.
 * @throws {HostTrap}
 */
export function copyBlobToHeap(
  api: HeapAccess, name: string, what: string, blob: Uint8Array, dst: number, offset: number, size: number,
): void {
  const heap = api.heap();
  validSubslice(`ic0.${name} heap`, dst, size, heap);
  const src = validSubslice(`ic0.${name} ${what}`, offset, size, blob);
  heap.set(src, dst);
  api.heapWritten(dst, size);
}

/**
 * Writes a 128-bit little-endian amount at `heap[dst .. dst + 16]`, with the
 * replica's `copy_cycles_to_heap` trap text (sic: no space after `bounds.`).
 * @throws {HostTrap}
 */
export function copyCyclesToHeap(api: HeapAccess, amount: bigint, dst: number, methodName: string): void {
  const heap = api.heap();
  if (overflowsU64(dst, 16) || dst + 16 > heap.length) {
    throw toolchainViolation(
      `${methodName} failed because dst + size is out of bounds.Found dst = ${exactU64(dst)} and size = 16 while must be <= ${heap.length}`,
    );
  }
  const view = new DataView(heap.buffer, heap.byteOffset + dst, 16);
  view.setBigUint64(0, BigInt.asUintN(64, amount), true);
  view.setBigUint64(8, BigInt.asUintN(64, amount >> 64n), true);
  api.heapWritten(dst, 16);
}

/** Decodes UTF-8, replacing invalid sequences (Rust's `String::from_utf8_lossy`). */
export function lossyUtf8(bytes: Uint8Array): string {
  return LOSSY.decode(bytes);
}

/** Decodes UTF-8 strictly; `undefined` if the bytes are not valid UTF-8. */
export function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT.decode(bytes);
  } catch {
    return undefined;
  }
}

const LOSSY = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
