/**
 * A canister's metadata: the `icp:public <name>` and `icp:private <name>`
 * custom sections of its module (interface spec, "Canister module format";
 * the state tree's `/canister/<id>/metadata/<name>`).
 *
 * Read from a binary by walking the section headers only (sizes skip every
 * payload but the custom sections'), so it is cheap on large modules. The
 * instrumented binary of a `CompiledModule` keeps the original's custom
 * sections (only `name` and branch hints are rewritten), so it can be read
 * from there. Validation has already checked the names, the count and the
 * total size; sections with other names are skipped.
 */
import { ByteReader } from './reader.ts';
import type { WasmModule } from './types.ts';
import { icpSectionName } from './validate-sections.ts';
import { utf8Length } from './validate-util.ts';

/** One metadata section: `<name>`, its visibility and its contents (a view into the binary). */
export interface CanisterMetadataSection {
  readonly name: string;
  readonly visibility: 'public' | 'private';
  readonly data: Uint8Array;
}

/**
 * The `icp:` metadata sections of a Wasm binary, in binary order.
 * @throws {DecodeError} if the section headers are malformed.
 */
export function canisterMetadataSections(binary: Uint8Array): CanisterMetadataSection[] {
  const r = new ByteReader(binary, 8);
  const out: CanisterMetadataSection[] = [];
  while (!r.eof) {
    const id = r.u8();
    const size = r.u32();
    const end = r.pos + size;
    if (end > binary.length) r.fail(`section size ${size} exceeds the remaining ${binary.length - r.pos} bytes`);
    if (id === 0) {
      const s = new ByteReader(binary, r.pos, end);
      const sectionName = s.name();
      const parsed = icpSectionName(sectionName);
      if (parsed?.ok === true) {
        out.push({ name: parsed.name, visibility: sectionName.startsWith('icp:public ') ? 'public' : 'private', data: binary.subarray(s.pos, end) });
      }
    }
    r.pos = end;
  }
  return out;
}

/**
 * Memory the module's metadata takes in a canister's state, bytes (the
 * replica's `WasmMetadata::memory_usage`): per `icp:` section, its `<name>`
 * (UTF-8), one byte of visibility and its contents. Counted in the
 * canister's memory usage (`ExecutionState::memory_usage`) and reported as
 * `custom_sections_size` by `canister_status`.
 */
export function customSectionsMemoryUsage(m: WasmModule): number {
  let total = 0;
  for (const section of m.customs) {
    const parsed = icpSectionName(section.name);
    if (parsed?.ok === true) total += utf8Length(parsed.name) + 1 + section.data.length;
  }
  return total;
}
