// Public face of src/state-manager: the certified state. The IC hash tree
// (digests, CBOR, lookup), labeled trees and their witnesses, the state
// tree of a committed state (built lazily, memoized across heights) and
// BLS-signed certificates for read_state, sync calls and
// `ic0.data_certificate_*`. Later: checkpoints and the batch log.
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
