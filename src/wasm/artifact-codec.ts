/**
 * A compact binary container for compile-cache artifacts: a JSON document
 * in which every `Uint8Array` is replaced by a reference into a table of
 * blobs stored after it, and every `bigint` by its decimal text. Layout:
 * `u32 jsonLength | json | u32 blobCount | (u32 length | bytes)*`, all
 * little-endian. Used only for caching, so the format is versioned by the
 * cache key, not by this file.
 */
const BIN = '$bin';
const BIG = '$big';

/** Encodes a plain value (objects, arrays, strings, numbers, booleans, bigints, Uint8Arrays). */
export function encodeArtifact(value: unknown): Uint8Array {
  const blobs: Uint8Array[] = [];
  const json = JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === 'bigint') return { [BIG]: v.toString() };
    if (v instanceof Uint8Array) return { [BIN]: blobs.push(v) - 1 };
    // JSON.stringify calls toJSON on Buffers before the replacer sees them; catch that form too.
    if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return { [BIN]: blobs.push(Uint8Array.from((v as { data: number[] }).data)) - 1 };
    }
    return v;
  });
  const text = new TextEncoder().encode(json);
  let size = 8 + text.length;
  for (const b of blobs) size += 4 + b.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let p = 0;
  view.setUint32(p, text.length, true); p += 4;
  out.set(text, p); p += text.length;
  view.setUint32(p, blobs.length, true); p += 4;
  for (const b of blobs) {
    view.setUint32(p, b.length, true); p += 4;
    out.set(b, p); p += b.length;
  }
  return out;
}

/** Decodes what {@link encodeArtifact} wrote. Throws on a damaged container. */
export function decodeArtifact<T>(bytes: Uint8Array): T {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  const need = (n: number) => {
    if (p + n > bytes.length) throw new Error('damaged cache artifact: truncated');
  };
  need(4);
  const jsonLength = view.getUint32(p, true); p += 4;
  need(jsonLength);
  const json = new TextDecoder().decode(bytes.subarray(p, p + jsonLength)); p += jsonLength;
  need(4);
  const count = view.getUint32(p, true); p += 4;
  const blobs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    need(4);
    const n = view.getUint32(p, true); p += 4;
    need(n);
    const blob = new Uint8Array(n); // a plain Uint8Array even when `bytes` is a Buffer
    blob.set(bytes.subarray(p, p + n));
    blobs.push(blob); p += n;
  }
  if (p !== bytes.length) throw new Error('damaged cache artifact: trailing bytes');
  return JSON.parse(json, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o[BIG] === 'string' && Object.keys(o).length === 1) return BigInt(o[BIG] as string);
      if (typeof o[BIN] === 'number' && Object.keys(o).length === 1) {
        const blob = blobs[o[BIN] as number];
        if (blob === undefined) throw new Error('damaged cache artifact: bad blob reference');
        return blob;
      }
    }
    return v;
  }) as T;
}
