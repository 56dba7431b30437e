/**
 * `StateError` (the replica's name, `rs/replicated_state/src/replicated_state.rs`):
 * why a message could not be put into a queue. Values, not exceptions —
 * message routing turns them into synthetic reject responses.
 */
import type { CanisterId } from '../types/index.ts';
import type { CallbackId } from './messages.ts';

/** Why enqueuing a message failed. */
export type StateError =
  | { readonly kind: 'CanisterNotFound'; readonly canisterId: CanisterId }
  | { readonly kind: 'CanisterStopped'; readonly canisterId: CanisterId }
  | { readonly kind: 'CanisterStopping'; readonly canisterId: CanisterId }
  | { readonly kind: 'QueueFull'; readonly capacity: number }
  | { readonly kind: 'OutOfMemory'; readonly requested: bigint; readonly available: bigint }
  | {
    readonly kind: 'NonMatchingResponse';
    readonly errStr: string;
    readonly originator: CanisterId;
    readonly callbackId: CallbackId;
    readonly respondent: CanisterId;
    readonly deadline: bigint;
  };

/** The replica's `Display` of a state error. */
export function formatStateError(e: StateError): string {
  switch (e.kind) {
    case 'CanisterNotFound': return `Canister ${e.canisterId.toText()} not found`;
    case 'CanisterStopped': return `Canister ${e.canisterId.toText()} is stopped`;
    case 'CanisterStopping': return `Canister ${e.canisterId.toText()} is stopping`;
    case 'QueueFull': return `Maximum queue capacity ${e.capacity} reached`;
    case 'OutOfMemory': return `Cannot enqueue message. Out of memory: requested ${e.requested}, available ${e.available}`;
    case 'NonMatchingResponse':
      return `Cannot enqueue response with callback id ${e.callbackId} due to ${e.errStr} : originator => ${e.originator.toText()}, `
        + `respondent => ${e.respondent.toText()}, deadline => ${e.deadline}`;
  }
}
