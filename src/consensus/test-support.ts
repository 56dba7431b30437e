// Fixtures for consensus tests (not exported from index.ts).
import { BlsKeyPair } from '../crypto/index.ts';
import { SeededEntropy } from '../env/index.ts';
import type { Time } from '../types/index.ts';
import { CanisterId, time } from '../types/index.ts';
import type { SignedIngress } from './batch.ts';

/** A reproducible subnet key. */
export function testKey(seed = 'test-subnet-key'): BlsKeyPair {
  return BlsKeyPair.fromSeed(new SeededEntropy(seed).bytes(32));
}

/** Ingress message number `n`: id = u32be(n) padded to 32 bytes, `size` payload bytes. */
export function testIngress(n: number, options: { size?: number; expiry?: Time } = {}): SignedIngress {
  const messageId = new Uint8Array(32);
  new DataView(messageId.buffer).setUint32(28, n, false);
  return {
    messageId,
    receiver: CanisterId.fromU64(BigInt(n % 7)),
    expiry: options.expiry ?? time(2n ** 63n),
    payload: new Uint8Array(options.size ?? 16).fill(n & 0xff),
  };
}

/** The number of a message made by {@link testIngress}. */
export function ingressNumber(message: SignedIngress): number {
  return new DataView(message.messageId.buffer, message.messageId.byteOffset).getUint32(28, false);
}
