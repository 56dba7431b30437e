import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encode, encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { decodeCbor } from './cbor.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const ok = (s: string) => {
  const r = decodeCbor(hex(s));
  assert.ok(r.ok, `expected ${s} to decode: ${r.ok ? '' : r.error}`);
  return r.value;
};
const err = (s: string) => {
  const r = decodeCbor(hex(s));
  assert.ok(!r.ok, `expected ${s} to be refused`);
  return r.error;
};

describe('decodeCbor', () => {
  it('decodes what the agents encode, with or without the self-describe tag', () => {
    const value = { content: { request_type: 'call', arg: Uint8Array.of(1, 2), ingress_expiry: 1_700_000_000_000_000_000n, n: 5 } };
    for (const bytes of [encode(value), encodeWithSelfDescribedTag(value)]) {
      const r = decodeCbor(bytes);
      assert.ok(r.ok);
      const content = (r.value as Map<string, unknown>).get('content') as Map<string, unknown>;
      assert.deepEqual([...content.keys()], ['request_type', 'arg', 'ingress_expiry', 'n']);
      assert.equal(content.get('request_type'), 'call');
      assert.deepEqual(content.get('arg'), Uint8Array.of(1, 2));
      assert.equal(content.get('ingress_expiry'), 1_700_000_000_000_000_000n);
      assert.equal(content.get('n'), 5n);
    }
  });

  it('reads integers of every width as bigint, negatives, simple values, integer map keys', () => {
    assert.equal(ok('17'), 23n);
    assert.equal(ok('1818'), 24n);
    assert.equal(ok('1b ffffffffffffffff'), 0xffffffffffffffffn);
    assert.equal(ok('20'), -1n);
    assert.equal(ok('3903e7'), -1000n);
    assert.deepEqual([ok('f4'), ok('f5'), ok('f6'), ok('f7')], [false, true, null, undefined]);
    assert.deepEqual(ok('a2 01 02 20 03'), new Map([[1n, 2n], [-1n, 3n]]));
  });

  it('accepts indefinite-length strings, arrays and maps', () => {
    assert.deepEqual(ok('5f 4101 4102 ff'), Uint8Array.of(1, 2));
    assert.equal(ok('7f 6161 6162 ff'), 'ab');
    assert.deepEqual(ok('9f 01 02 ff'), [1n, 2n]);
    assert.deepEqual(ok('bf 6161 01 ff'), new Map([['a', 1n]]));
  });

  it('refuses truncation, trailing bytes, floats, other tags and out-of-place breaks, with offsets', () => {
    assert.equal(err(''), 'EOF while parsing a value at offset 0');
    assert.equal(err('43 0102'), 'EOF while parsing a value at offset 3');
    assert.equal(err('5b ffffffffffffffff'), 'EOF while parsing a value at offset 9');
    assert.equal(err('01 02'), 'trailing data at offset 1');
    assert.equal(err('f9 3c00'), 'floats are not allowed at offset 0');
    assert.equal(err('fb 3ff0000000000000'), 'floats are not allowed at offset 0');
    assert.equal(err('c2 41 01'), 'unsupported tag 2 at offset 0');
    assert.equal(err('ff'), 'unexpected code at offset 0');
    assert.equal(err('82 01 ff'), 'unexpected code at offset 2');
    assert.equal(err('5f 6161 ff'), 'unexpected code at offset 1');
    assert.equal(err('1c'), 'unassigned type at offset 0');
    assert.equal(err('f0'), 'unassigned type at offset 0');
  });

  it('refuses invalid UTF-8, repeated keys and keys that are neither text nor integers', () => {
    assert.equal(err('62 c328'), 'invalid UTF-8 at offset 1');
    assert.equal(err('a2 6161 01 6161 02'), 'duplicate map key "a" at offset 4');
    assert.equal(err('a1 41 00 01'), 'map keys must be text or integers at offset 1');
  });

  it('bounds nesting at 128 levels unless told otherwise', () => {
    const nested = (n: number) => Uint8Array.from([...new Array(n).fill(0x81), 0x00]);
    assert.ok(decodeCbor(nested(128)).ok);
    const deep = decodeCbor(nested(129));
    assert.ok(!deep.ok && deep.error === 'recursion limit exceeded at offset 129');
    assert.ok(decodeCbor(nested(1000), 2048).ok);
  });

  it('does not let keys reach object prototypes', () => {
    const r = decodeCbor(encode({ ['__proto__']: { polluted: true } } as never));
    assert.ok(r.ok);
    assert.ok(r.value instanceof Map);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
