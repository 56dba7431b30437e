// The random tape: each round's randomness, derived from the subnet's key.
//
//   tape(h)       = BLS signature of the subnet key over  ds("ic-exec-random-tape") ‖ u64be(h)
//   randomness(h) = SHA-256(tape(h))                            (32 bytes, in `Batch.randomness`)
//
// This is the IC's construction in miniature. On the IC, consensus
// threshold-signs a `RandomTapeContent { height }` (domain separator
// "random_tape_content_domain", CBOR content) once the block at that height
// is finalized, and the batch's randomness is the hash of that signature.
// Because BLS signatures are unique (one key, one message, one signature),
// every replica computes the same value; because no one can sign without the
// key, no canister can predict it before the round. ic-exec keeps the
// construction but not the IC's byte encoding (nothing outside ic-exec
// verifies a random tape), hence its own separator.
//
// How `raw_rand` gets its randomness (as on the IC, execution_internals.md
// §1.3 step 4): a `raw_rand` call made while executing batch h is not
// answered in round h. The management canister queues it; at the start of
// round h+1 the scheduler answers the queued calls, in queue order, with 32
// bytes each drawn from a generator seeded by batch h+1's `randomness`
// (purpose-separated, e.g. seeded with `domainSeparated("raw_rand",
// randomness)`). The caller thus receives bytes that did not exist when it
// made the call. Execution takes the randomness from the batch — never from
// `randomnessOf` — so a distributed `BatchSource` that ships randomness
// inside the batch works unchanged. `randomnessOf` serves the block maker,
// replay checks of a batch log, and tests.
import type { BlsKeyPair } from '../crypto/index.ts';
import { sha256, withDomainSeparator } from '../crypto/index.ts';
import type { Height } from '../types/index.ts';

/** The domain separator of the random tape's signed message. */
export const RANDOM_TAPE_DOMAIN = 'ic-exec-random-tape';

/** The message signed for height `h`: `ds("ic-exec-random-tape") ‖ u64be(h)`. */
export function randomTapeMessage(height: Height): Uint8Array {
  const be = new Uint8Array(8);
  new DataView(be.buffer).setBigUint64(0, height, false);
  return withDomainSeparator(RANDOM_TAPE_DOMAIN, be);
}

/** Randomness per height from the subnet key. Deterministic per (key, height). */
export class RandomTape {
  readonly #key: BlsKeyPair;

  constructor(key: BlsKeyPair) {
    this.#key = key;
  }

  /** The tape entry for `height`: the 48-byte BLS signature, verifiable with the subnet's public key. */
  signatureAt(height: Height): Uint8Array {
    return this.#key.sign(randomTapeMessage(height));
  }

  /** The 32 bytes of randomness of the batch at `height`: SHA-256 of {@link signatureAt}. */
  randomnessOf(height: Height): Uint8Array {
    return sha256(this.signatureAt(height));
  }
}
