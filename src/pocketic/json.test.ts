import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson, stringifyJson } from './json.ts';

describe('pocketic json', () => {
  it('keeps integers beyond 2^53 exact as bigints, and writes them back as bare digits', () => {
    const text = '{"cycles":340282366920938463463374607431768211455,"t":1620328630000000001,"small":12,"neg":-9007199254740993,"f":1.5}';
    const r = parseJson(text);
    assert.ok(r.ok);
    assert.deepEqual(r.value, { cycles: 2n ** 128n - 1n, t: 1620328630000000001n, small: 12, neg: -9007199254740993n, f: 1.5 });
    assert.equal(stringifyJson(r.value), text);
  });

  it('leaves floats, exponents and safe integers as numbers; drops undefined fields', () => {
    const r = parseJson('[1e300, 9007199254740991, 0.1]');
    assert.ok(r.ok);
    assert.deepEqual(r.value, [1e300, 9007199254740991, 0.1]);
    assert.equal(stringifyJson({ a: undefined, b: [2n ** 64n], c: null }), '{"b":[18446744073709551616],"c":null}');
  });

  it('reports malformed text as a value, never a throw', () => {
    const r = parseJson('{"a":');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /JSON/);
  });
});
