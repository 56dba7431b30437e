// Helpers for the validation tests: build modules from WAT (wabt) or raw
// sections, and run decode + validate the way install_code does.
import assert from 'node:assert/strict';
import wabtInit from 'wabt';
import { ErrorCode, invalidWasm } from '../../src/errors/index.ts';
import type { UserError } from '../../src/errors/index.ts';
import { decodeModule } from '../../src/wasm/decode.ts';
import { DecodeError } from '../../src/wasm/reader.ts';
import { validateModule } from '../../src/wasm/validate.ts';
import { ByteWriter } from '../../src/wasm/writer.ts';

/** wabt feature switches (including the ones its typings omit). */
export type Features = Record<string, boolean>;

/** Features the IC accepts; tests add the forbidden ones they need. */
export const IC_FEATURES: Features = {
  multi_value: true, bulk_memory: true, reference_types: true, simd: true, sign_extension: true,
  sat_float_to_int: true, mutable_globals: true, memory64: true,
};

let wabt: ReturnType<typeof wabtInit> | undefined;

/** Assembles WAT without validating it (many test modules are invalid on purpose). */
export async function wat(text: string, features: Features = {}): Promise<Uint8Array> {
  wabt ??= wabtInit();
  const w = await wabt;
  const m = w.parseWat('test.wat', text, { ...IC_FEATURES, ...features });
  try {
    m.resolveNames();
    return m.toBinary({}).buffer.slice();
  } finally {
    m.destroy();
  }
}

/** Builds a module from (section id, payload) pairs. */
export function rawModule(...sections: Array<[number, ArrayLike<number>]>): Uint8Array {
  const w = new ByteWriter();
  w.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  for (const [id, payload] of sections) w.u8(id).u32(payload.length).bytes(Uint8Array.from(payload));
  return w.finish().slice();
}

/** A vector: LEB128 count, then the items' bytes. */
export function vec(items: ArrayLike<number>[]): number[] {
  const w = new ByteWriter();
  w.u32(items.length);
  for (const item of items) w.bytes(Uint8Array.from(item));
  return [...w.finish()];
}

/** A length-prefixed UTF-8 name. */
export function name(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...new ByteWriter().u32(b.length).bytes(b).finish()];
}

/** `n` functions of type () -> () with empty bodies (type, function and code sections). */
export function voidFunctions(n: number): Array<[number, ArrayLike<number>]> {
  const fn = new Array<number[]>(n).fill([0]);
  const body = new Array<number[]>(n).fill([2, 0, 0x0b]);
  return [[1, vec([[0x60, 0, 0]])], [3, vec(fn)], [10, vec(body)]];
}

/**
 * Decode + validate, as install_code does: a decode failure becomes IC0505
 * `DecodingError`. `checkCode: false` leaves the function bodies to the validator.
 */
export function check(bytes: Uint8Array, options: { checkCode?: boolean } = {}): UserError | undefined {
  let module;
  try {
    module = decodeModule(bytes, options);
  } catch (e) {
    if (e instanceof DecodeError) return invalidWasm({ kind: 'DecodingError', message: e.message });
    throw e;
  }
  return validateModule(module, bytes);
}

const PREFIX = "Canister's Wasm module is not valid: ";

/**
 * Asserts IC0505 and that the detail (the text after the IC0505 prefix, up
 * to the help text) equals `detail`, or matches it if it is a RegExp.
 */
export function assertInvalid(bytes: Uint8Array, detail: string | RegExp): void {
  const err = check(bytes);
  assert.ok(err !== undefined, `expected IC0505 (${String(detail)}), got a valid module`);
  assert.equal(err.code, ErrorCode.CanisterInvalidWasm);
  assert.ok(err.description.startsWith(PREFIX), err.description);
  const text = err.description.slice(PREFIX.length).split('.\n')[0];
  if (typeof detail === 'string') assert.equal(text.replace(/\.$/, ''), detail.replace(/\.$/, ''));
  else assert.match(text, detail);
}

/** Asserts that the module is valid. */
export function assertValid(bytes: Uint8Array): void {
  const err = check(bytes);
  assert.equal(err, undefined, err?.description);
}
