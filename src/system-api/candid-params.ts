// The one Candid value the System API reads: the argument of
// `ic0.cost_http_request_v2`,
//   record { request_bytes : nat64; http_roundtrip_time_ms : nat64;
//            raw_response_bytes : nat64; transformed_response_bytes : nat64;
//            transform_instructions : nat64 }
// decoded strictly (the replica decodes with a skipping quota of 0): one
// argument, one record type with exactly these five `nat64` fields, nothing
// left over. Anything else is an error (its text is ours; the replica quotes
// the Candid library's message).
import type { HttpRequestV2Params } from '../cycles/index.ts';

const FIELDS = [
  'request_bytes', 'http_roundtrip_time_ms', 'raw_response_bytes', 'transformed_response_bytes', 'transform_instructions',
] as const;

/** The Candid field id of a name (`idl_hash`). */
export function candidHash(name: string): number {
  let h = 0;
  for (const b of new TextEncoder().encode(name)) h = (Math.imul(h, 223) + b) >>> 0;
  return h;
}

const BY_HASH = FIELDS.map((f) => [candidHash(f), f] as const).sort((a, b) => a[0] - b[0]);

class Reader {
  at = 0;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('unexpected end of input');
    return this.bytes[this.at++] as number;
  }
  leb(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return result;
      if (shift > 70n) throw new Error('LEB128 too long');
    }
  }
  sleb(): bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (shift > 70n) throw new Error('LEB128 too long');
    } while ((b & 0x80) !== 0);
    return (b & 0x40) !== 0 ? result - (1n << shift) : result;
  }
  u64(): bigint {
    let v = 0n;
    for (let i = 0n; i < 8n; i++) v |= BigInt(this.byte()) << (8n * i);
    return v;
  }
}

const RECORD = -20n;
const NAT64 = -8n;

/** Decodes the parameters, or returns an error message. */
export function decodeCostHttpRequestV2Params(bytes: Uint8Array): HttpRequestV2Params | string {
  try {
    const r = new Reader(bytes);
    if (r.byte() !== 0x44 || r.byte() !== 0x49 || r.byte() !== 0x44 || r.byte() !== 0x4c) return 'wrong magic number';
    if (r.leb() !== 1n) return 'expected exactly one type in the type table';
    if (r.sleb() !== RECORD) return 'expected a record type';
    if (r.leb() !== BigInt(BY_HASH.length)) return 'record has the wrong number of fields';
    for (const [hash] of BY_HASH) {
      if (r.leb() !== BigInt(hash)) return `unexpected record field (expected field id ${hash})`;
      if (r.sleb() !== NAT64) return 'record field is not nat64';
    }
    if (r.leb() !== 1n || r.sleb() !== 0n) return 'expected one argument of the record type';
    const values: Record<string, bigint> = {};
    for (const [, field] of BY_HASH) values[field] = r.u64();
    if (r.at !== bytes.length) return 'trailing bytes after the argument';
    return {
      requestBytes: values.request_bytes as bigint,
      httpRoundtripTimeMs: values.http_roundtrip_time_ms as bigint,
      rawResponseBytes: values.raw_response_bytes as bigint,
      transformedResponseBytes: values.transformed_response_bytes as bigint,
      transformInstructions: values.transform_instructions as bigint,
    };
  } catch (e) {
    return (e as Error).message;
  }
}

/** Encodes the parameters (for tests and callers that build the argument). */
export function encodeCostHttpRequestV2Params(p: HttpRequestV2Params): Uint8Array {
  const out: number[] = [0x44, 0x49, 0x44, 0x4c, 1, 0x6c, BY_HASH.length];
  const leb = (v: number): void => {
    let x = v;
    do {
      const b = x & 0x7f;
      x = Math.floor(x / 128);
      out.push(x > 0 ? b | 0x80 : b);
    } while (x > 0);
  };
  for (const [hash] of BY_HASH) {
    leb(hash);
    out.push(0x78);
  }
  out.push(1, 0);
  const byField: Record<string, bigint> = {
    request_bytes: p.requestBytes,
    http_roundtrip_time_ms: p.httpRoundtripTimeMs,
    raw_response_bytes: p.rawResponseBytes,
    transformed_response_bytes: p.transformedResponseBytes,
    transform_instructions: p.transformInstructions,
  };
  for (const [, field] of BY_HASH) {
    const v = byField[field] as bigint;
    for (let i = 0n; i < 8n; i++) out.push(Number((v >> (8n * i)) & 0xffn));
  }
  return Uint8Array.from(out);
}
