// The whole Wasm layer over every corpus module (Motoko EOP and classic, WAT,
// C): decode; re-encode byte-identically when nothing changed; re-encode every
// section from the model into a module V8 accepts; validate with the IC's
// rules; instrument; compile in V8. That instrumented modules *behave* like
// the originals is src/wasm/instrument.corpus.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCorpusWithSkips } from '../corpus/index.ts';
import { decodeModule, encodeModule, prepareModule, SectionId, validateModule } from '../../src/wasm/index.ts';

const ALL_SECTIONS = [
  SectionId.type, SectionId.import, SectionId.function, SectionId.table, SectionId.memory, SectionId.global,
  SectionId.export, SectionId.start, SectionId.element, SectionId.dataCount, SectionId.code, SectionId.data,
];

test('every corpus module goes through the Wasm layer', async (t) => {
  const { entries, skipped } = await loadCorpusWithSkips();
  for (const s of skipped) t.diagnostic(`skipped ${s.name}: ${s.reason}`);
  assert.ok(entries.length >= 15, `corpus has ${entries.length} modules`);
  for (const entry of entries) {
    await t.test(entry.name, () => {
      const m = decodeModule(entry.bytes);
      assert.deepEqual(encodeModule(m), entry.bytes, 'unchanged module re-encodes byte-identically');
      const rebuilt = encodeModule(m, ALL_SECTIONS);
      assert.ok(WebAssembly.validate(rebuilt as Uint8Array<ArrayBuffer>), 'fully re-encoded module is valid');
      assert.deepEqual(encodeModule(decodeModule(rebuilt), ALL_SECTIONS), rebuilt, 're-encoding is a fixed point');
      assert.equal(validateModule(m, entry.bytes), undefined, 'passes the IC validation');
      const prepared = prepareModule(entry.bytes);
      assert.ok(prepared.ok, prepared.ok ? '' : prepared.error.description);
      assert.ok(WebAssembly.validate(prepared.output.binary as Uint8Array<ArrayBuffer>), 'instrumented module is valid');
      assert.ok(new WebAssembly.Module(prepared.output.binary as Uint8Array<ArrayBuffer>) instanceof WebAssembly.Module);
      // The name and icp: custom sections survive instrumentation (which adds only its branch hints).
      const names = (bytes: Uint8Array) => decodeModule(bytes).customs.map((c) => c.name).filter((n) => n !== 'metadata.code.branch_hint');
      assert.deepEqual(names(prepared.output.binary), names(entry.bytes));
    });
  }
});
