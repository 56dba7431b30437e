// Assemble WebAssembly text (the hand-written canisters in test/corpus/wat/)
// with the `wabt` npm package, keeping wabt's debug names as a `name` section;
// append custom sections to a module (`withCustomSections`).
import wabt from 'wabt';
import { readFileSync } from 'node:fs';

/** Post-MVP features, named as wabt names them. */
export interface WatFeatures {
  memory64?: boolean;
  multi_value?: boolean;
  bulk_memory?: boolean;
  reference_types?: boolean;
  simd?: boolean;
  sign_extension?: boolean;
  sat_float_to_int?: boolean;
  mutable_globals?: boolean;
}

/**
 * Every feature that both V8 on Node 24 and the IC accept. Relaxed SIMD,
 * threads, tail calls, multi-memory, exceptions and GC are left off: the IC
 * rejects them.
 */
export const IC_FEATURES: Readonly<Required<WatFeatures>> = {
  memory64: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  simd: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
};

let wabtModule: ReturnType<typeof wabt> | undefined;

/**
 * Assembles WAT text to a wasm binary with a `name` section. Throws with
 * wabt's diagnostics if the text does not parse or the module is invalid.
 * @param features defaults to {@link IC_FEATURES}.
 */
export async function watToWasm(text: string, features: WatFeatures = IC_FEATURES, name = 'module.wat'): Promise<Uint8Array<ArrayBuffer>> {
  wabtModule ??= wabt();
  const w = await wabtModule;
  const module = w.parseWat(name, text, features);
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({ write_debug_names: true }).buffer.slice();
  } finally {
    module.destroy();
  }
}

/** The directory of the hand-written WAT canisters. */
export const WAT_DIR = new URL('./wat/', import.meta.url);

/** Assembles `test/corpus/wat/<name>.wat`. */
export function watFile(name: string): Promise<Uint8Array<ArrayBuffer>> {
  return watToWasm(readFileSync(new URL(`${name}.wat`, WAT_DIR), 'utf8'), IC_FEATURES, `${name}.wat`);
}

/** `n` as unsigned LEB128. */
export function leb(n: number): Uint8Array {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return Uint8Array.from(out);
}

/** `wasm` with custom sections appended (`name` is the full section name, e.g. `icp:public candid:service`); sections of any size. */
export function withCustomSections(wasm: Uint8Array, sections: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const parts: Uint8Array[] = [wasm];
  for (const [name, data] of sections) {
    const nameBytes = new TextEncoder().encode(name);
    const nameLength = leb(nameBytes.length);
    parts.push(Uint8Array.of(0), leb(nameLength.length + nameBytes.length + data.length), nameLength, nameBytes, data);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
