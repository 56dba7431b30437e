// UTF-8 helpers of the state: the replica's `StrEllipsize::ellipsize` and
// byte-order string comparison (Rust `String`'s `Ord`).
//
// TODO: `src/errors/user-error.ts` has the same `ellipsize`; it is not on
// the errors folder's public face, so it is repeated here until it is.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');
const ELLIPSIS = '...';
const isContinuationByte = (b: number): boolean => (b & 0xc0) === 0x80;

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes: `prefixPercent`% of the
 * budget from the start, `...`, the rest from the end, cutting only at
 * character boundaries. Shorter text is returned unchanged.
 */
export function ellipsizeUtf8(text: string, maxBytes: number, prefixPercent: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  if (maxBytes < ELLIPSIS.length) return '';
  const budget = maxBytes - ELLIPSIS.length;
  const prefixLen = Math.min(Math.trunc((maxBytes * Math.min(100, Math.max(0, prefixPercent))) / 100), budget);
  let end = prefixLen;
  while (end > 0 && isContinuationByte(bytes[end])) end--;
  let start = bytes.length - (budget - prefixLen);
  while (start < bytes.length && isContinuationByte(bytes[start])) start++;
  return decoder.decode(bytes.subarray(0, end)) + ELLIPSIS + decoder.decode(bytes.subarray(start));
}

/** Compares two strings by their UTF-8 bytes (the order of Rust's `BTreeMap<String, _>`). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Hex of `bytes` (map keys for byte strings: hex order is byte order). */
export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}
