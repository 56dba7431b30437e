/**
 * Re-indexes the `name` custom section after functions moved.
 *
 * Function names (subsection 1), local names (2) and label names (3) are
 * keyed by function index: their keys move like the functions, the injected
 * functions get names (`__.out_of_instructions`, …) when subsection 1
 * exists, and label indices of functions whose body gained a wrapping block
 * move up by one. A copy of a function (an unmetered twin, a sealed copy)
 * gets the original's name with the copy's suffix (`.unmetered`,
 * `.sealed`) and its local names.
 * Every other subsection is copied. A section that does not
 * parse is dropped (`undefined`), never an error: names are debug data.
 */
import { ByteReader } from '../reader.ts';
import { ByteWriter } from '../writer.ts';

/** How function indices moved. */
export interface NameRemap {
  /** New index of an original function index. */
  func(index: number): number;
  /** Names of the injected functions by new index, in ascending order. */
  injected: ReadonlyArray<readonly [number, string]>;
  /** Label indices of the function with this new index move up by this much. */
  labelShift(newIndex: number): number;
  /** Functions that copy another: [new index of the copy, new index of the original, name suffix], in ascending order of copies. */
  copies?: ReadonlyArray<readonly [number, number, string]>;
}

/** Adds an entry for every copy whose original has one; keeps the map sorted by index. */
function addCopies<T>(map: Array<[number, T]>, remap: NameRemap, value: (original: T, suffix: string) => T): void {
  if (remap.copies === undefined || remap.copies.length === 0) return;
  const byIndex = new Map(map);
  for (const [copy, original, suffix] of remap.copies) {
    const v = byIndex.get(original);
    if (v !== undefined) map.push([copy, value(v, suffix)]);
  }
  map.sort((a, b) => a[0] - b[0]);
}

type NameMap = Array<[number, Uint8Array]>;

function readNameMap(r: ByteReader): NameMap {
  const n = r.count(2);
  const out: NameMap = [];
  for (let i = 0; i < n; i++) {
    const idx = r.u32();
    const len = r.u32();
    out.push([idx, r.take(len)]);
  }
  return out;
}

function writeNameMap(w: ByteWriter, map: NameMap, shift = 0): void {
  w.u32(map.length);
  for (const [idx, name] of map) w.u32(idx + shift).u32(name.length).bytes(name);
}

function functionNames(r: ByteReader, remap: NameRemap): ByteWriter {
  const map = readNameMap(r).map(([i, name]): [number, Uint8Array] => [remap.func(i), name]);
  const enc = new TextEncoder();
  for (const [i, name] of remap.injected) map.push([i, enc.encode(name)]);
  map.sort((a, b) => a[0] - b[0]);
  addCopies(map, remap, (name, suffix) => Uint8Array.from([...name, ...enc.encode(suffix)]));
  const w = new ByteWriter();
  writeNameMap(w, map);
  return w;
}

function indirectNames(r: ByteReader, remap: NameRemap, labels: boolean): ByteWriter {
  const n = r.count(2);
  const entries: Array<[number, NameMap]> = [];
  for (let i = 0; i < n; i++) {
    const f = remap.func(r.u32());
    entries.push([f, readNameMap(r)]);
  }
  if (!labels) addCopies(entries, remap, (names) => names); // copies get no label names (a twin has no blocks)
  const w = new ByteWriter();
  w.u32(entries.length);
  for (const [f, names] of entries) writeNameMap(w.u32(f), names, labels ? remap.labelShift(f) : 0);
  return w;
}

/** The re-indexed payload of a `name` section, or `undefined` if it does not parse. */
export function remapNameSection(data: Uint8Array, remap: NameRemap): Uint8Array | undefined {
  try {
    const r = new ByteReader(data);
    const out = new ByteWriter(data.length + 256);
    while (!r.eof) {
      const id = r.u8();
      const size = r.u32();
      const sub = new ByteReader(data, r.pos, r.pos + size);
      if (size > data.length - r.pos) return undefined;
      let body: ByteWriter | undefined;
      if (id === 1) body = functionNames(sub, remap);
      else if (id === 2 || id === 3) body = indirectNames(sub, remap, id === 3);
      if (body !== undefined) {
        if (!sub.eof) return undefined;
        out.u8(id).sized(body);
      } else {
        out.u8(id).u32(size).bytes(sub.take(size));
      }
      r.pos += size;
    }
    return out.finish().slice();
  } catch {
    return undefined;
  }
}
