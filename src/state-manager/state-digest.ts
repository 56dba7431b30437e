/**
 * `StateDigests`: the full `stateHash` of committed states, each canister's
 * part computed once per `CanisterState` object.
 *
 * A committed state is a copy-on-write snapshot (src/state
 * replicated-state.ts): the live state copies a canister before its first
 * change after a snapshot, so a `CanisterState` object reachable from a
 * committed snapshot never changes again, and its hash can be kept with it
 * (a `WeakMap`: it goes when the object does). A round that changed k
 * canisters costs k canister hashes plus the subnet's own parts (metadata,
 * ingress history, subnet queues, streams) and one pass over the canister
 * ids — not a hash of every canister (bench/results/state-manager.json,
 * `digestPerRound`).
 *
 * Only for committed snapshots, and for a live state between rounds that
 * has just been snapshotted (its canisters are then shared, hence frozen):
 * never for a state whose canisters may still change in place.
 */
import { canisterStateHash, stateHash } from '../state/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';

export class StateDigests {
  readonly #canisters = new WeakMap<CanisterState, Uint8Array>();

  /** `stateHash(state)`, with cached canister hashes (see the module header). */
  digest(state: ReplicatedState): Uint8Array {
    return stateHash(state, (c) => {
      let h = this.#canisters.get(c);
      if (h === undefined) {
        h = canisterStateHash(c);
        this.#canisters.set(c, h);
      }
      return h;
    });
  }
}
