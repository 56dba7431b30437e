import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { domain_sep as agentDomainSep, reconstruct } from '@dfinity/agent';
import type { HashTree } from '@dfinity/agent';
import {
  bytesEqual,
  concatBytes,
  domainSeparated,
  domainSeparator,
  sha256,
  withDomainSeparator,
} from './hash.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('sha256', () => {
  test('hashes the concatenation of its parts (FIPS 180-2 "abc" vector)', () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    assert.equal(hex(sha256(utf8('abc'))), abc);
    assert.equal(hex(sha256(utf8('a'), utf8(''), utf8('bc'))), abc);
    assert.equal(hex(sha256()), createHash('sha256').digest('hex'));
  });
});

describe('domain separation', () => {
  test('ds(s) = byte(len(s)) ‖ s; "ic-state-root" has 13 bytes, so its separator starts with 0x0d', () => {
    assert.equal(hex(domainSeparator('ic-state-root')), '0d69632d73746174652d726f6f74');
    assert.equal(hex(domainSeparator('ic-request')), '0a69632d72657175657374');
    assert.equal(hex(domainSeparator('')), '00');
    assert.throws(() => domainSeparator('x'.repeat(256)), RangeError);
  });

  test('matches agent-js domain_sep', () => {
    for (const s of ['ic-state-root', 'ic-request', 'ic-hashtree-leaf', 'ic-response']) {
      assert.deepEqual(domainSeparator(s), new Uint8Array(agentDomainSep(s)));
    }
  });

  test('withDomainSeparator concatenates; domainSeparated hashes', () => {
    const root = new Uint8Array(32).fill(0xab);
    const message = withDomainSeparator('ic-state-root', root);
    assert.equal(message.length, 14 + 32);
    assert.deepEqual(message, concatBytes(domainSeparator('ic-state-root'), root));
    assert.deepEqual(domainSeparated('ic-state-root', root), sha256(message));
    assert.deepEqual(domainSeparated('x', utf8('a'), utf8('b')), domainSeparated('x', utf8('ab')));
  });

  test('the spec hash of the empty hash tree: H(ds("ic-hashtree-empty"))', () => {
    assert.equal(hex(domainSeparated('ic-hashtree-empty')), '4e3ed35c4e2d1ee89996483fb6260a64cffb6c47dbab216e7930e82f8190d120');
  });

  test('hash-tree node hashes built from domainSeparated agree with agent-js reconstruct', async () => {
    const label = utf8('time');
    const value = Uint8Array.of(0x80, 0x01);
    const tree = [2, label, [1, [3, value], [0]]] as unknown as HashTree;
    const leaf = domainSeparated('ic-hashtree-leaf', value);
    const empty = domainSeparated('ic-hashtree-empty');
    const fork = domainSeparated('ic-hashtree-fork', leaf, empty);
    const root = domainSeparated('ic-hashtree-labeled', label, fork);
    assert.deepEqual(new Uint8Array(await reconstruct(tree)), root);
  });
});

describe('bytes helpers', () => {
  test('concatBytes and bytesEqual', () => {
    assert.deepEqual(concatBytes(), new Uint8Array(0));
    assert.deepEqual(concatBytes(Uint8Array.of(1), Uint8Array.of(), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
    assert.ok(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)));
    assert.ok(!bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)));
    assert.ok(!bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 0)));
  });
});
