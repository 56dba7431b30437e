// SHA-256 and the IC's domain separation.
//
// The IC separates the uses of one hash function by prefixing a domain
// separator: the byte length of a short ASCII name, then the name,
//   ds(s) = byte(len(s)) ‖ s                  (len(s) ≤ 255)
// (interface spec, "Certification" → hashing; agent-js `domain_sep`).
// Two shapes occur:
// - a *separated message*, `ds(s) ‖ bytes`, which is what gets signed:
//   the certificate signature covers `ds("ic-state-root") ‖ root_hash`
//   (= 0x0d "ic-state-root" ‖ root_hash, 13 name bytes), a request signature
//   `ds("ic-request") ‖ request_id` (0x0a "ic-request");
// - a *separated hash*, `SHA-256(ds(s) ‖ bytes)`: the hash-tree nodes
//   (`Leaf(v) = H(ds("ic-hashtree-leaf") ‖ v)`, `…-fork`, `…-labeled`,
//   `…-empty`).
// SHA-256 is Node's (`node:crypto`, OpenSSL: ~3 µs for a 4 KiB memory page
// with the CPU's SHA extensions, against ~70 µs for `@noble/hashes`' pure
// JavaScript one; the digests are the same bytes). Checkpoints hash every
// dirty page, so this is on their critical path.
import { createHash } from 'node:crypto';

/** Bytes of a SHA-256 digest. */
export const SHA256_BYTES = 32;

/** The separator of the message a certificate signs: `ds("ic-state-root") ‖ root_hash`. */
export const IC_STATE_ROOT_DOMAIN = 'ic-state-root';

/**
 * SHA-256 of the concatenation of `parts`.
 * @example sha256(new TextEncoder().encode('abc'))
 */
export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  const d = h.digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength); // a plain Uint8Array (not a Buffer), as before
}

/**
 * The domain separator `byte(len(name)) ‖ name` (name as ASCII/UTF-8 bytes).
 * @example domainSeparator('ic-state-root') // 0d 69 63 2d …
 * @throws {RangeError} if the name is longer than 255 bytes.
 */
export function domainSeparator(name: string): Uint8Array {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length > 255) throw new RangeError(`domain separator longer than 255 bytes: ${bytes.length}`);
  const out = new Uint8Array(1 + bytes.length);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

/** Separators of {@link domainSeparated}, by name (encoding one costs more than hashing a short value). */
const separators = new Map<string, Uint8Array>();

/**
 * The separated message `ds(name) ‖ parts…` — what the IC signs.
 * @example withDomainSeparator('ic-state-root', rootHash) // the certificate's signed message
 */
export function withDomainSeparator(name: string, ...parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(domainSeparator(name), ...parts);
}

/**
 * The separated hash `SHA-256(ds(name) ‖ parts…)`.
 * @example domainSeparated('ic-hashtree-leaf', value) // the hash of a hash-tree leaf
 */
export function domainSeparated(name: string, ...parts: readonly Uint8Array[]): Uint8Array {
  let ds = separators.get(name);
  if (ds === undefined) {
    ds = domainSeparator(name);
    if (separators.size < 256) separators.set(name, ds); // a few fixed names in practice; never handed out
  }
  return sha256(ds, ...parts);
}

/** The concatenation of `parts` in a new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Whether `a` and `b` hold the same bytes. Not constant-time. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
