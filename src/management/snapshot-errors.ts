// The user-visible errors of the snapshot methods: the replica's
// `CanisterManagerError` variants they meet, converted as
// `From<CanisterManagerError> for UserError` does (`canister_manager/types.rs`):
// text, then "\n" and the error help when it has one. Some help links are
// bare anchors in the replica (not `doc_ref` URLs); they are kept so.
import { ErrorCode, docRef, displayCycles, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { outOfCyclesMessage } from '../cycles/index.ts';
import type { CanisterOutOfCyclesError } from '../cycles/index.ts';
import type { SnapshotId } from '../state/index.ts';
import { snapshotIdText } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { managerHelp } from './errors.ts';

const help = (suggestion: string, link: string): string => managerHelp(suggestion, { raw: link });
const LIST_HELP = 'Use the `list_canister_snapshot` API to see which snapshots are present.';

/** IC0305 `CanisterSnapshotNotFound`. */
export function snapshotNotFound(canisterId: CanisterId, id: SnapshotId): UserError {
  return userError(ErrorCode.CanisterSnapshotNotFound,
    `Could not find the snapshot ID ${snapshotIdText(id)} for canister ${canisterId.toText()}.${help(LIST_HELP, docRef('canister-snapshot-not-found'))}`);
}

/** IC0406 `CanisterSnapshotLimitExceeded`. */
export function snapshotLimitExceeded(canisterId: CanisterId, limit: number): UserError {
  return userError(ErrorCode.CanisterRejectedMessage,
    `Canister ${canisterId.toText()} has reached the maximum number of snapshots allowed: ${limit}.${help(
      'Consider deleting an unnecessary snapshot of the specified canister before creating a new one.', 'canister-snapshot-limit-exceeded')}`);
}

/** IC0406 `CanisterSnapshotExecutionStateNotFound` (the replica's text ends in a colon). */
export function emptyCanister(canisterId: CanisterId): UserError {
  return userError(ErrorCode.CanisterRejectedMessage, `Failed to create snapshot for empty canister ${canisterId.toText()}:`);
}

/** IC0207 `CanisterSnapshotNotEnoughCycles`. */
export function snapshotNotEnoughCycles(e: CanisterOutOfCyclesError): UserError {
  return userError(ErrorCode.CanisterOutOfCycles,
    `Canister snapshotting failed with: \`${outOfCyclesMessage(e)}\`${help('Try sending more cycles with the request.', 'canister-snapshot-not-enough-cycles')}`);
}

/** IC0532 `InsufficientCyclesInMemoryGrow`. */
export function insufficientCyclesInMemoryGrow(bytes: bigint, available: bigint, required: bigint): UserError {
  return userError(ErrorCode.InsufficientCyclesInMemoryGrow,
    `Canister cannot grow memory by ${bytes} bytes due to insufficient cycles. At least ${displayCycles(required - available)} additional cycles are required.${
      help('Top up the canister with more cycles.', docRef('insufficient-cycles-in-memory-grow-1'))}`);
}

/** IC0210 `CanisterHeapDeltaRateLimited`. */
export function heapDeltaRateLimited(canisterId: CanisterId, value: bigint, limit: bigint): UserError {
  return userError(ErrorCode.CanisterHeapDeltaRateLimited,
    `Canister ${canisterId.toText()} is heap delta rate limited: current delta debit is ${value}, but limit is ${limit}.${
      help('Try waiting a few seconds before retrying the operation.', docRef('canister-heap-delta-rate-limited'))}`);
}

/** IC0406 `CanisterSnapshotNotController`: the sender does not control the canister the snapshot belongs to. */
export function notSnapshotOwnerController(sender: PrincipalId, canisterId: CanisterId, id: SnapshotId): UserError {
  return userError(ErrorCode.CanisterRejectedMessage,
    `Only a controller of the canister that snapshot ${snapshotIdText(id)} belongs to can load it on canister ${canisterId.toText()}. Sender: ${sender.toText()}.${
      help('Make sure you are a controller of the canister that the snapshot belongs to.', 'canister-snapshot-not-controller')}`);
}

/** IC0406 `LongExecutionAlreadyInProgress`. */
export function longExecutionInProgress(canisterId: CanisterId): UserError {
  return userError(ErrorCode.CanisterRejectedMessage, `The canister ${canisterId.toText()} is currently executing a long-running message.`);
}

/** IC0409 `CanisterSnapshotImmutable`. */
export function snapshotImmutable(): UserError {
  return userError(ErrorCode.CanisterSnapshotImmutable, 'Only canister snapshots created by metadata upload can be mutated.');
}

/** IC0408 `InvalidSlice`. */
export function invalidSlice(offset: bigint, size: bigint): UserError {
  return userError(ErrorCode.InvalidManagementPayload,
    `Invalid subslice into wasm module / main memory / stable memory: offset: ${offset}, size: ${size}`);
}

/** IC0408 `SliceTooLarge`. */
export function sliceTooLarge(requested: bigint, allowed: bigint): UserError {
  return userError(ErrorCode.InvalidManagementPayload, `Requested slice too large: ${requested} > ${allowed}`);
}

/** IC0408 `CanisterSnapshotInconsistent` (no help is appended). */
export function snapshotInconsistent(message: string): UserError {
  return userError(ErrorCode.InvalidManagementPayload, message);
}

/** IC0408 for metadata that fails validation (`MetadataValidationError`'s Debug name). */
export function invalidMetadata(reason: string): UserError {
  return userError(ErrorCode.InvalidManagementPayload, `Snapshot Metadata contains invalid data: ${reason}`);
}

/** IC0504 `WasmChunkStoreError`. */
export function wasmChunkStoreError(message: string): UserError {
  return userError(ErrorCode.CanisterContractViolation, `Error from Wasm chunk store: ${message}.${help(
    'Use the `stored_chunks` API to check which hashes are present or top up the canister if it is low on cycles.', docRef('wasm-chunk-store-error'))}`);
}

/** Rust's `{:02x?}` of a byte slice: `[0a, ff, …]`. */
export function debugHex(bytes: Uint8Array): string {
  return `[${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(', ')}]`;
}

/** IC0408 for a snapshot id that is not one (the replica fails the Candid decoding with this text). */
export function invalidSnapshotId(reason: string): UserError {
  return userError(ErrorCode.InvalidManagementPayload, `Error decoding candid: ${reason}`);
}
