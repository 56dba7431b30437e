// Public face of src/state-manager: the certified state. The IC hash tree
// (digests, CBOR, lookup), labeled trees and their witnesses, the state
// tree of a committed state (built lazily, memoized across heights) and
// BLS-signed certificates for read_state, sync calls and
// `ic0.data_certificate_*`; the durable state: the store (LMDB or memory),
// the batch log, checkpoints and recovery (`StateManager`).
export {
  EMPTY, EMPTY_DIGEST, MAX_HASH_TREE_DEPTH, fork, labeled, leaf, pruned, forkDigest, labeledDigest, leafDigest, digest,
  labelBytes, compareLabels, flattenForks, lookupPath, hashTreeToCbor, hashTreeFromCbor, encodeHashTree, decodeHashTree,
} from './hash-tree.ts';
export type { HashTree, HashTreeCbor, Path, LookupResult } from './hash-tree.ts';
export { LabeledNode, toHashTree, treeDigest } from './labeled-tree.ts';
export type { LabeledTree } from './labeled-tree.ts';
export { witness } from './witness.ts';
export { natLeaf, textLeaf, controllersLeaf, canisterRangesLeaf, metricsLeaf } from './tree-values.ts';
export type { SubnetMetrics } from './tree-values.ts';
export { CertifiedState, StateTreeBuilder, rootSubnetKeys, CANISTER_RANGES_PER_SHARD } from './certified-state.ts';
export type { SubnetCertificationKeys, NodeKey } from './certified-state.ts';
export { Certification, StateCertifier, certify, encodeCertificate, decodeCertificate, verifyCertificate } from './certificate.ts';
export type { Certificate } from './certificate.ts';
export { StateManager, DEFAULT_KEEP_CHECKPOINTS } from './state-manager.ts';
export type { StateManagerOptions, StateManagerFailure, StateManagerResult, Recovery } from './state-manager.ts';
export type { Store, StoreError, StoreResult, StoreStats, StoreWrite } from './store.ts';
export { LmdbStore } from './lmdb-store.ts';
export type { LmdbStoreOptions } from './lmdb-store.ts';
export { MemoryStore } from './memory-store.ts';
export { FailingStore } from './failing-store.ts';
export type { FailureTrigger } from './failing-store.ts';
export { encodeBatch, decodeBatch, LOGGED_BATCH_FIELDS } from './batch-codec.ts';
export type { RandomnessMode, BatchEncodeResult, BatchDecodeResult } from './batch-codec.ts';
export { encodeManifest, decodeManifest } from './manifest.ts';
export type { Manifest } from './manifest.ts';
export type { CheckpointCodec, PageSink, PageSource, ModuleCompiler, EncodeStateResult, DecodeStateResult } from './checkpoint-codec.ts';
export type { CheckpointSummary } from './checkpoint-writer.ts';
export { ObjectStage } from './object-stage.ts';
export { sweep, sweepDue, SWEEP_FLOOR } from './sweep.ts';
export type { SweepResult } from './sweep.ts';
export type { RecoveryPlan, SkippedCheckpoint, VerifyMode } from './recovery.ts';
export { Durability, ReplicaStoppedError } from './durability.ts';
export type { DurabilityOptions, DurabilityContext, RecoveryReport, RoundHooks } from './durability.ts';
export { STATE_CODEC } from './state-codec.ts';
export { META_SUBNET_KEY } from './subnet-key-record.ts';
export { META_EXECUTION_SETTINGS, decodeExecutionSettings } from './execution-settings.ts';
export type { ExecutionSettings } from './execution-settings.ts';
export { StateDigests } from './state-digest.ts';
export { describeDifference } from './state-difference.ts';
export { replayLog, replayStarts } from './replay.ts';
export type { ReplayStart, ReplayExecutor, ReplayOptions, ReplayReport, ReplayResult, ReplayDivergence, DamagedCheckpoint } from './replay.ts';
