import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompileCache } from './compile-cache.ts';
import { canisterMetadataSections } from './custom-sections.ts';
import { withCustomSections } from '../../test/corpus/wat.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A module with one memory and the given custom sections. */
function moduleWith(sections: Array<[string, Uint8Array]>): Uint8Array {
  const memory = [5, 3, 1, 0, 1]; // memory section: one memory, min 1
  return withCustomSections(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...memory]), sections);
}

test('reads icp:public and icp:private sections in order, skipping others', () => {
  const candid = utf8('service : { greet : (text) -> (text) query }');
  const big = new Uint8Array(300).fill(7);
  const wasm = moduleWith([['name', utf8('x')], ['icp:public candid:service', candid], ['other', big], ['icp:private secret', Uint8Array.of(1, 2)]]);
  assert.deepEqual(canisterMetadataSections(wasm), [
    { name: 'candid:service', visibility: 'public', data: candid },
    { name: 'secret', visibility: 'private', data: Uint8Array.of(1, 2) },
  ]);
  assert.deepEqual(canisterMetadataSections(moduleWith([])), []);
});

test('the compiled module keeps the metadata sections of the installed module', () => {
  const wasm = moduleWith([['icp:public candid:service', utf8('service : {}')], ['icp:private git', utf8('abc')]]);
  const r = new CompileCache().get(wasm);
  assert.ok(r.ok, r.ok ? '' : r.error.description);
  assert.deepEqual(canisterMetadataSections(r.compiled.output.binary).map((s) => [s.name, s.visibility, new TextDecoder().decode(s.data)]), [
    ['candid:service', 'public', 'service : {}'], ['git', 'private', 'abc'],
  ]);
});

test('the metadata memory of a module: name, one visibility byte and contents per icp: section (WasmMetadata::memory_usage)', () => {
  const wasm = moduleWith([['icp:public candid:service', utf8('service : {}')], ['name', utf8('skipped')], ['icp:private gït', utf8('abc')]]);
  const r = new CompileCache().get(wasm);
  assert.ok(r.ok, r.ok ? '' : r.error.description);
  assert.equal(r.compiled.output.customSectionsSize, (14 + 1 + 12) + (4 + 1 + 3));
  const none = new CompileCache().get(moduleWith([['other', utf8('x')]]));
  assert.ok(none.ok);
  assert.equal(none.compiled.output.customSectionsSize, 0);
});
