/**
 * The whole path from the bytes a user installs to a module ready to run:
 * decompress (gzip) → decode → validate (the IC's rules, then V8) →
 * instrument. Errors are values: every rejection is the IC0505 `UserError`
 * the replica would give, worded as the replica words it.
 */
import { WASM_MAX_SIZE } from '../config/index.ts';
import { invalidWasm } from '../errors/index.ts';
import type { CanisterId } from '../types/index.ts';
import type { UserError } from '../errors/index.ts';
import { decodeModule } from './decode.ts';
import { decompressModule } from './gzip.ts';
import { instrument, InstrumentationError } from './instrument.ts';
import type { InstrumentationOutput, InstrumentOptions } from './instrument.ts';
import { DecodeError } from './reader.ts';
import type { WasmModule } from './types.ts';
import { validateModule } from './validate.ts';

export type ParseResult = { ok: true; module: WasmModule; wasm: Uint8Array; compressed: boolean } | { ok: false; error: UserError };

/** Decompresses and decodes a canister module (no IC rules yet). */
export function parseWasm(bytes: Uint8Array, canisterId?: CanisterId): ParseResult {
  const raw = decompressModule(bytes, WASM_MAX_SIZE);
  if (!raw.ok) return { ok: false, error: invalidWasm(raw.error, canisterId) };
  try {
    return { ok: true, module: decodeModule(raw.wasm), wasm: raw.wasm, compressed: raw.compressed };
  } catch (e) {
    if (e instanceof DecodeError) return { ok: false, error: invalidWasm({ kind: 'DecodingError', message: e.message }, canisterId) };
    throw e;
  }
}

export type PrepareResult = { ok: true; output: InstrumentationOutput } | { ok: false; error: UserError };

/** Parses, validates and instruments a canister module. */
export function prepareModule(bytes: Uint8Array, options: InstrumentOptions = {}, canisterId?: CanisterId): PrepareResult {
  const parsed = parseWasm(bytes, canisterId);
  if (!parsed.ok) return parsed;
  const invalid = validateModule(parsed.module, parsed.wasm);
  if (invalid !== undefined) return { ok: false, error: canisterId === undefined ? invalid : reframe(invalid, canisterId) };
  try {
    return { ok: true, output: instrument(parsed.module, options) };
  } catch (e) {
    if (e instanceof InstrumentationError) return { ok: false, error: invalidWasm(e.message, canisterId) };
    throw e;
  }
}

/** Frames a validation error as an error of `canisterId` (the replica's `Error from Canister <id>: …`). */
function reframe(error: UserError, canisterId: CanisterId): UserError {
  return { ...error, description: `Error from Canister ${canisterId.toText()}: ${error.description}` };
}
