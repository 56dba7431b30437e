// Just enough Candid to write the Motoko corpus workloads: single-value
// argument and reply encodings of primitive types (no type table). The real
// codec (@dfinity/candid) is for the replica; this file only builds constants.
const MAGIC = [0x44, 0x49, 0x44, 0x4c]; // "DIDL"

function leb(n: bigint): number[] {
  const out: number[] = [];
  do { const b = Number(n & 0x7fn); n >>= 7n; out.push(n ? b | 0x80 : b); } while (n);
  return out;
}
const bytes = (...parts: Array<ArrayLike<number>>): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const textBytes = (s: string): number[] => { const b = new TextEncoder().encode(s); return [...leb(BigInt(b.length)), ...b]; };
const u64 = (n: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));

/** `()` — no arguments / empty reply. */
export const candidUnit: Uint8Array = bytes(MAGIC, [0, 0]);
/** `(n : nat)`. */
export const candidNat = (n: bigint | number): Uint8Array => bytes(MAGIC, [0, 1, 0x7d], leb(BigInt(n)));
/** `(n : nat64)`. */
export const candidNat64 = (n: bigint | number): Uint8Array => bytes(MAGIC, [0, 1, 0x78], u64(BigInt.asUintN(64, BigInt(n))));
/** `(t : text)`. */
export const candidText = (t: string): Uint8Array => bytes(MAGIC, [0, 1, 0x71], textBytes(t));
/** `(t : text, n : nat)`. */
export const candidTextNat = (t: string, n: bigint | number): Uint8Array =>
  bytes(MAGIC, [0, 2, 0x71, 0x7d], textBytes(t), leb(BigInt(n)));
/** `(p : principal)` for raw principal bytes. */
export const candidPrincipal = (p: Uint8Array): Uint8Array => bytes(MAGIC, [0, 1, 0x68, 1], leb(BigInt(p.length)), p);
