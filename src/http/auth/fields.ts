/**
 * Reading a decoded CBOR map as a struct with known fields, strictly:
 * every key text and known, every required field present, every value of
 * its type. A field whose value is `null` or `undefined` (the agent's
 * encoder writes JS `undefined` as `0xf7`) counts as absent, as serde's
 * `Option` and agent-js's `hashOfMap` treat it. Errors use serde's words
 * ("missing field `x`", "unknown field `x`, expected one of …").
 */
import type { CborMap, CborValue } from './cbor.ts';
import { cborTypeName, isCborMap } from './cbor.ts';

/** The types a field may have. */
export type FieldType = 'blob' | 'text' | 'u64' | 'blobs' | 'paths' | 'map' | 'array';

/** A struct's fields: name → type and whether it is required. */
export type StructSpec = Readonly<Record<string, { readonly type: FieldType; readonly required: boolean }>>;

const U64_MAX = (1n << 64n) - 1n;

const EXPECTED: Readonly<Record<FieldType, string>> = {
  blob: 'a byte string',
  text: 'text',
  u64: 'an unsigned 64-bit integer',
  blobs: 'an array of byte strings',
  paths: 'an array of arrays of byte strings',
  map: 'a map',
  array: 'an array',
};

const isBlobArray = (v: CborValue): boolean => Array.isArray(v) && v.every((x) => x instanceof Uint8Array);

function hasType(v: CborValue, type: FieldType): boolean {
  switch (type) {
    case 'blob': return v instanceof Uint8Array;
    case 'text': return typeof v === 'string';
    case 'u64': return typeof v === 'bigint' && v >= 0n && v <= U64_MAX;
    case 'blobs': return isBlobArray(v);
    case 'paths': return Array.isArray(v) && v.every(isBlobArray);
    case 'map': return isCborMap(v);
    case 'array': return Array.isArray(v);
  }
}

/**
 * The present fields of `m` read as the struct `spec`, or the first problem
 * (`where` names the struct in messages, e.g. "content").
 */
export function readStruct(m: CborMap, spec: StructSpec, where: string): Map<string, CborValue> | string {
  const out = new Map<string, CborValue>();
  const names = Object.keys(spec);
  for (const [key, value] of m) {
    if (typeof key !== 'string') return `invalid type: integer key ${String(key)} in ${where}, expected a field name`;
    const field = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (field === undefined) return `unknown field \`${key}\` in ${where}, expected one of ${names.map((n) => `\`${n}\``).join(', ')}`;
    if (value === null || value === undefined) continue;
    if (!hasType(value, field.type)) {
      const found = typeof value === 'bigint' && field.type === 'u64' && value > U64_MAX ? 'an integer above 2^64 - 1' : cborTypeName(value);
      return `invalid type: ${found}, expected ${EXPECTED[field.type]} for field \`${key}\` in ${where}`;
    }
    out.set(key, value);
  }
  for (const name of names) {
    if (spec[name].required && !out.has(name)) return `missing field \`${name}\` in ${where}`;
  }
  return out;
}

/** `value` as a map, or the serde-style message. */
export function asMap(value: CborValue, what: string): CborMap | string {
  return isCborMap(value) ? value : `invalid type: ${cborTypeName(value)}, expected ${what}`;
}
