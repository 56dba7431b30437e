/**
 * Canister module bytes as supplied to `install_code`: raw Wasm (`\0asm`)
 * or gzip (`1f 8b 08`, RFC 1952). Mirrors the replica's `decode_wasm`
 * (dfinity/ic `rs/embedders/src/wasm_utils/decoding.rs`): the size in the
 * gzip footer is checked against the limit first, decompression never
 * produces more than that size plus one byte (gzip bombs stop there), and
 * the extracted size must equal the footer's.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import type { WasmValidationError } from '../errors/index.ts';

export type DecompressResult =
  | { ok: true; wasm: Uint8Array; compressed: boolean }
  | { ok: false; error: WasmValidationError };

const decodingError = (message: string): DecompressResult => ({ ok: false, error: { kind: 'DecodingError', message } });

/** Returns the raw Wasm binary (decompressing gzip), or why that failed. */
export function decompressModule(bytes: Uint8Array, maxSize: bigint): DecompressResult {
  if (bytes.length >= 4 && bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) {
    if (BigInt(bytes.length) > maxSize) return { ok: false, error: { kind: 'ModuleTooLarge', size: BigInt(bytes.length), allowed: maxSize } };
    return { ok: true, wasm: bytes, compressed: false };
  }
  if (bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) {
    if (bytes.length < 16) return decodingError('invalid Wasm module: gzip stream is too short');
    const declared = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
    if (BigInt(declared) > maxSize) return { ok: false, error: { kind: 'ModuleTooLarge', size: BigInt(declared), allowed: maxSize } };
    const start = gzipPayloadStart(bytes);
    if (start === undefined) return decodingError('failed to decode compressed Wasm module: invalid gzip header');
    let out: Buffer;
    try {
      // Inflate the member's deflate stream ourselves so that the footer is checked after the size:
      // a stream claiming fewer bytes than it holds stops one byte past the claim.
      out = inflateRawSync(bytes.subarray(start, bytes.length - 8), { maxOutputLength: declared + 1, chunkSize: Math.max(64, Math.min(16384, declared + 1)) });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        return decodingError(`specified uncompressed size ${declared} does not match extracted size ${declared + 1}`);
      }
      return decodingError(`failed to decode compressed Wasm module: ${(e as Error).message}`);
    }
    if (out.length !== declared) {
      return decodingError(`specified uncompressed size ${declared} does not match extracted size ${out.length}`);
    }
    const crc = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4).getUint32(0, true);
    if (crc32(out) !== crc) return decodingError('failed to decode compressed Wasm module: CRC32 mismatch');
    return { ok: true, wasm: new Uint8Array(out.buffer, out.byteOffset, out.length), compressed: true };
  }
  return decodingError('unsupported canister module format');
}

/** Offset of the deflate data after a gzip member header (RFC 1952 §2.3), or undefined if malformed. */
function gzipPayloadStart(b: Uint8Array): number | undefined {
  const flags = b[3];
  if ((flags & 0xe0) !== 0) return undefined;
  let p = 10;
  if ((flags & 0x04) !== 0) p += 2 + (b[p] | (b[p + 1] << 8)); // FEXTRA
  for (const bit of [0x08, 0x10]) { // FNAME, FCOMMENT: zero-terminated
    if ((flags & bit) === 0) continue;
    while (p < b.length && b[p] !== 0) p++;
    p++;
  }
  if ((flags & 0x02) !== 0) p += 2; // FHCRC
  return p <= b.length - 8 ? p : undefined;
}
