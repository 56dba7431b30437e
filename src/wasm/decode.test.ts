import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModule } from './decode.ts';
import { encodeModule } from './encode.ts';
import { DecodeError } from './reader.ts';
import { SectionId } from './types.ts';
import { ByteWriter } from './writer.ts';

/** Builds a module from (id, payload) pairs. */
function moduleOf(...sections: Array<[number, number[]]>): Uint8Array {
  const w = new ByteWriter();
  w.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  for (const [id, payload] of sections) w.u8(id).u32(payload.length).bytes(new Uint8Array(payload));
  return w.finish().slice();
}

const TYPE_VOID = [SectionId.type, [1, 0x60, 0, 0]] as [number, number[]];
const FUNC_1 = [SectionId.function, [1, 0]] as [number, number[]];

test('decodeModule() reads every standard section and re-encodes byte-identically', () => {
  const bytes = moduleOf(
    [SectionId.type, [2, 0x60, 1, 0x7f, 0, 0x60, 0, 2, 0x7f, 0x7e]],
    [SectionId.import, [1, 3, 0x69, 0x63, 0x30, 4, 0x74, 0x72, 0x61, 0x70, 0, 0]],
    [SectionId.function, [1, 1]],
    [SectionId.table, [1, 0x70, 0x01, 1, 2]],
    [SectionId.memory, [1, 0x05, 1, 2]],
    [SectionId.global, [1, 0x7e, 1, 0x42, 0x7f, 0x0b]],
    [SectionId.export, [1, 1, 0x66, 0, 1]],
    [SectionId.element, [1, 0, 0x41, 0, 0x0b, 1, 1]],
    [SectionId.dataCount, [1]],
    [SectionId.code, [1, 8, 1, 1, 0x7c, 0x41, 1, 0x42, 2, 0x0b]],
    [SectionId.data, [1, 1, 2, 0xaa, 0xbb]],
    [SectionId.custom, [4, 0x6e, 0x61, 0x6d, 0x65, 9, 9]],
  );
  const m = decodeModule(bytes);
  assert.equal(m.types.length, 2);
  assert.deepEqual(m.types[1], { params: [], results: [0x7f, 0x7e] });
  assert.equal(m.importedFuncs, 1);
  assert.deepEqual(m.tables[0].limits, { min: 1n, max: 2n, is64: false, shared: false });
  assert.deepEqual(m.memories[0], { min: 1n, max: 2n, is64: true, shared: false });
  assert.deepEqual(m.globals[0].init.ops, [{ op: 'i64.const', value: -1n }]);
  assert.equal(m.start, undefined);
  assert.deepEqual(m.elements[0].items, { kind: 'functions', funcs: [1] });
  assert.equal(m.code[0].localCount, 1);
  assert.deepEqual([...m.data[0].bytes], [0xaa, 0xbb]);
  assert.equal(m.customs[0].name, 'name');
  assert.deepEqual(encodeModule(m), bytes);
  // Re-encoding every section from the model gives the same bytes for minimal encodings.
  const all = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as SectionId[];
  assert.deepEqual(encodeModule(m, all), bytes);
  assert.ok(WebAssembly.validate(encodeModule(m, all) as Uint8Array<ArrayBuffer>));
});

test('decodeModule() rejects malformed structure with the offset', () => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [new Uint8Array([0, 0x61, 0x73]), /8 header bytes/],
    [new Uint8Array([1, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), /magic header/],
    [new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), /unknown binary version/],
    [moduleOf([14, []]), /unknown section id 14/],
    [moduleOf(FUNC_1, TYPE_VOID), /out of order/],
    [moduleOf(TYPE_VOID, TYPE_VOID), /out of order or duplicated/],
    [moduleOf(TYPE_VOID, FUNC_1), /inconsistent lengths/],
    [moduleOf(TYPE_VOID, FUNC_1, [SectionId.code, [1, 2, 0, 0x01]]), /end with the `end` opcode|unexpected end/],
    [moduleOf(TYPE_VOID, FUNC_1, [SectionId.code, [1, 4, 0, 0x0b, 0x01, 0x0b]]), /remaining after the end/],
    [moduleOf(TYPE_VOID, FUNC_1, [SectionId.code, [1, 3, 0, 0xff, 0x0b]]), /unknown opcode 0xff/],
    [moduleOf(TYPE_VOID, FUNC_1, [SectionId.code, [1, 5, 0, 0xfe, 0x00, 0x0b, 0x0b]]), /threads/],
    [moduleOf(TYPE_VOID, FUNC_1, [SectionId.code, [1, 5, 1, 0xff, 0xff, 0x03, 0x7f]]), /too many locals/],
    [moduleOf([SectionId.type, [1, 0x5f, 0, 0]]), /garbage collection/],
    [moduleOf([SectionId.memory, [1, 0x08, 0]]), /limits flags/],
    [moduleOf([SectionId.global, [1, 0x7f, 0, 0x20, 0, 0x0b]]), /constant expression required/],
    [moduleOf([SectionId.type, [5, 0x60]]), /exceeds the remaining/],
    [moduleOf([SectionId.dataCount, [2]], [SectionId.data, [1, 1, 0]]), /data count/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => decodeModule(bytes), (e: unknown) => e instanceof DecodeError && message.test(e.message), String(message));
  }
  // A section claiming more bytes than the module has.
  const truncated = moduleOf(TYPE_VOID).subarray(0, 11);
  assert.throws(() => decodeModule(truncated), /section size 4 exceeds the remaining 1 bytes/);
});

test('encodeModule() re-encodes a changed section and inserts a new one in order', () => {
  const bytes = moduleOf(TYPE_VOID, FUNC_1, [SectionId.code, [1, 2, 0, 0x0b]]);
  const m = decodeModule(bytes);
  m.exports.push({ name: 'canister_update go', kind: 0, index: 0 });
  const out = encodeModule(m, [SectionId.export]);
  const again = decodeModule(out);
  assert.deepEqual(again.sections.map((s) => s.id), [SectionId.type, SectionId.function, SectionId.export, SectionId.code]);
  assert.equal(again.exports[0].name, 'canister_update go');
  assert.ok(WebAssembly.validate(out as Uint8Array<ArrayBuffer>));
});
