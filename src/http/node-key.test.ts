import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Principal } from '@dfinity/principal';
import { concatBytes, domainSeparator } from '../crypto/index.ts';
import { NodeSigner, queryResponseHash } from './node-key.ts';

describe('NodeSigner', () => {
  it('is a 44-byte Ed25519 DER key whose node id is self-authenticating; the same seed, the same node', () => {
    const a = NodeSigner.fromSeed('s');
    assert.equal(a.publicKeyDer.length, 44);
    assert.equal(Buffer.from(a.publicKeyDer.subarray(0, 12)).toString('hex'), '302a300506032b6570032100');
    assert.equal(a.nodeId.toText(), Principal.selfAuthenticating(a.publicKeyDer).toText());
    assert.ok(NodeSigner.fromSeed('s').nodeId.equals(a.nodeId));
    assert.ok(!NodeSigner.fromSeed('t').nodeId.equals(a.nodeId));
  });

  it('signs ds("ic-response") ‖ hash_of_map(response) — verifiable with the raw key', () => {
    const node = NodeSigner.fromSeed('s');
    const requestId = new Uint8Array(32).fill(9);
    for (const answer of [
      { status: 'replied', reply: Uint8Array.of(1, 2) } as const,
      { status: 'rejected', rejectCode: 4, rejectMessage: 'no', errorCode: 'IC0406' } as const,
    ]) {
      const s = node.signQueryResponse(answer, 123n, requestId);
      const message = concatBytes(domainSeparator('ic-response'), queryResponseHash(answer, 123n, requestId));
      assert.ok(ed25519.verify(s.signature, message, node.publicKeyDer.subarray(12)));
      assert.deepEqual(s.identity, node.nodeId.toUint8Array());
    }
  });
});
