/**
 * The certified state tree of a committed state (interface spec, "The
 * system state tree"; http_interface.md §6.6):
 *
 *     /canister/<cid>/certified_data | controllers | module_hash | metadata/<name>
 *     /canister_ranges/<sid>/<first id of shard>     sharded ranges
 *     /request_status/<id>/status | reply | reject_code | reject_message | error_code
 *     /subnet/<sid>/canister_ranges | metrics | node/<nid>/public_key | public_key | type
 *     /time
 *
 * `module_hash` and `metadata` exist only for a canister with code
 * (metadata only if its module has `icp:public`/`icp:private` sections).
 * The replica acts as the root subnet: `/subnet/<sid>/public_key` is the
 * root key, `sid` the self-authenticating principal of its DER. The flat
 * `/subnet/<sid>/canister_ranges` stays beside the sharded form (both JS
 * agent generations fall back to it; http_interface.md §6.3).
 *
 * Cost. A `CertifiedState` builds its tree on the first root hash or
 * witness asked of it, never before. A `StateTreeBuilder` lives as long as
 * the subnet and memoizes across heights: a canister's subtree is rebuilt
 * only when its certified parts (certified data, controllers, module)
 * changed — an untouched canister is the very object the last snapshot
 * shared — a request status subtree only when its status object changed,
 * the `/request_status` node only when the history's contents did (its
 * `contentToken`), and then patched with the statuses that differ from the
 * last build, and the hash-consed forks (labeled-tree.ts) re-hash only the
 * paths to what changed. Everything else is a walk over cached digests.
 *
 * Snapshots must not change after they are handed in (they are certified
 * lazily); `ReplicatedState.snapshot()` gives such states.
 */
import { Principal } from '@dfinity/principal';
import type { BlsKeyPair } from '../crypto/index.ts';
import type { CanisterIdRange, CanisterState, ReplicatedState } from '../state/index.ts';
import { PrincipalId, SubnetId } from '../types/index.ts';
import type { CanisterId } from '../types/index.ts';
import { canisterMetadataSections } from '../wasm/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import type { HashTree, Path } from './hash-tree.ts';
import { LabeledNode, internLeaf } from './labeled-tree.ts';
import { witness } from './witness.ts';
import {
  canisterRangesLeaf, controllersLeaf, metricsLeaf, natLeaf, nodeOf, requestStatusNode, textLeaf,
} from './tree-values.ts';
import type { SortedStatuses, SubnetMetrics } from './tree-values.ts';

/** A node of the subnet and its Ed25519 key (44-byte DER). */
export interface NodeKey {
  readonly nodeId: PrincipalId;
  readonly publicKeyDer: Uint8Array;
}

/** What certifies a subnet's states. */
export interface SubnetCertificationKeys {
  readonly subnetId: SubnetId;
  /** The subnet's (= root) BLS key as DER, 133 bytes. */
  readonly rootKeyDer: Uint8Array;
  readonly blsKey: BlsKeyPair;
  /** The canister id ranges of the subnet, in order (every id clients will target). */
  readonly canisterRanges: readonly CanisterIdRange[];
  readonly nodes: readonly NodeKey[];
}

/** Ranges per `/canister_ranges/<sid>/<first>` shard. */
export const CANISTER_RANGES_PER_SHARD = 1024;

/** The keys of a replica acting as the root subnet: subnet id = self-authenticating id of the key's DER. */
export function rootSubnetKeys(blsKey: BlsKeyPair, opts: { canisterRanges: readonly CanisterIdRange[]; nodes?: readonly NodeKey[] }): SubnetCertificationKeys {
  const rootKeyDer = blsKey.publicKeyDer;
  const subnetId = SubnetId.fromPrincipalId(PrincipalId.fromPrincipal(Principal.selfAuthenticating(rootKeyDer)));
  return Object.freeze({ subnetId, rootKeyDer, blsKey, canisterRanges: opts.canisterRanges, nodes: opts.nodes ?? [] });
}

const bytesOf = (p: PrincipalId): Uint8Array => p.bytesView() as Uint8Array;

interface CanisterMemo {
  readonly certifiedData: Uint8Array;
  readonly controllers: readonly PrincipalId[];
  readonly compiled: CompiledModule | undefined;
  readonly subtree: LabeledNode;
}

interface ModuleParts { readonly moduleHash: Uint8Array; readonly metadata: LabeledNode | undefined }

const moduleParts = new WeakMap<CompiledModule, ModuleParts>();

function partsOf(compiled: CompiledModule): ModuleParts {
  let p = moduleParts.get(compiled);
  if (p === undefined) {
    const sections = canisterMetadataSections(compiled.output.binary);
    p = {
      moduleHash: Uint8Array.from(Buffer.from(compiled.hash, 'hex')),
      metadata: sections.length === 0 ? undefined : LabeledNode.from(sections.map((s) => [s.name, s.data] as const)),
    };
    moduleParts.set(compiled, p);
  }
  return p;
}

const sameIds = (a: readonly PrincipalId[], b: readonly PrincipalId[]): boolean => a === b || (a.length === b.length && a.every((p, i) => p.equals(b[i])));

/** Builds state trees for one subnet, memoizing across heights (see the module header). */
export class StateTreeBuilder {
  readonly keys: SubnetCertificationKeys;
  readonly #canisters = new WeakMap<CanisterId, CanisterMemo>();
  readonly #memory = new WeakMap<CanisterState, bigint>();
  readonly #shards: LabeledNode;
  readonly #subnetStatic: { readonly ranges: Uint8Array; readonly nodes: LabeledNode };
  #metrics: { key: string; leaf: Uint8Array } | undefined;
  #time: { time: bigint; leaf: Uint8Array } | undefined;
  /** The last `/request_status` node and the history contents it was built from. */
  #statuses: { token: object; statuses: SortedStatuses; node: LabeledNode } | undefined;
  readonly #types = new Map<string, Uint8Array>();

  constructor(keys: SubnetCertificationKeys) {
    this.keys = keys;
    const ranges = keys.canisterRanges;
    const shards: (readonly [Uint8Array, Uint8Array])[] = [];
    for (let i = 0; i < ranges.length; i += CANISTER_RANGES_PER_SHARD) {
      const shard = ranges.slice(i, i + CANISTER_RANGES_PER_SHARD);
      shards.push([bytesOf(shard[0].start), canisterRangesLeaf(shard)]);
    }
    this.#shards = LabeledNode.fromSorted([[bytesOf(keys.subnetId), LabeledNode.fromSorted(shards)]]);
    internLeaf(keys.rootKeyDer);
    this.#subnetStatic = {
      ranges: internLeaf(canisterRangesLeaf(ranges)),
      nodes: LabeledNode.from(keys.nodes.map((n) => [bytesOf(n.nodeId), LabeledNode.of({ public_key: n.publicKeyDer })] as const)),
    };
  }

  /** The state tree of `state` (a snapshot that no longer changes). */
  build(state: ReplicatedState): LabeledNode {
    const canisters = state.canisters();
    let stateBytes = 0n;
    let consumed = state.metadata.subnetMetrics.ownConsumedCyclesTotal;
    const children = canisters.map((c) => {
      stateBytes += this.#memoryOf(c);
      consumed += c.systemState.consumedCycles.total;
      return [bytesOf(c.canisterId), this.#canisterSubtree(c)] as const;
    });
    return LabeledNode.of({
      canister: LabeledNode.fromSorted(children),
      canister_ranges: this.#shards,
      request_status: this.#requestStatus(state),
      subnet: LabeledNode.fromSorted([[bytesOf(this.keys.subnetId), this.#subnetNode(state, {
        numCanisters: BigInt(canisters.length), canisterStateBytes: stateBytes, consumedCyclesTotal: consumed,
        updateTransactionsTotal: state.metadata.subnetMetrics.updateTransactionsTotal,
      })]]),
      time: this.#timeLeaf(state.time),
    });
  }

  #timeLeaf(t: bigint): Uint8Array {
    if (this.#time?.time !== t) this.#time = { time: t, leaf: natLeaf(t) };
    return this.#time.leaf;
  }

  #requestStatus(state: ReplicatedState): LabeledNode {
    const history = state.metadata.ingressHistory;
    const token = history.contentToken;
    const last = this.#statuses;
    if (last?.token === token) return last.node;
    const statuses = history.statuses();
    const node = requestStatusNode(statuses, last);
    this.#statuses = { token, statuses, node };
    return node;
  }

  #memoryOf(c: CanisterState): bigint {
    let m = this.#memory.get(c);
    if (m === undefined) this.#memory.set(c, (m = c.memoryUsage()));
    return m;
  }

  #canisterSubtree(c: CanisterState): LabeledNode {
    const sys = c.systemState;
    const compiled = c.executionState?.compiled;
    const memo = this.#canisters.get(c.canisterId);
    if (memo !== undefined && memo.certifiedData === sys.certifiedData && memo.compiled === compiled && sameIds(memo.controllers, sys.controllers)) {
      return memo.subtree;
    }
    const parts = compiled === undefined ? undefined : partsOf(compiled);
    const subtree = nodeOf({
      certified_data: sys.certifiedData,
      controllers: controllersLeaf(sys.controllers),
      module_hash: parts?.moduleHash,
      metadata: parts?.metadata,
    });
    this.#canisters.set(c.canisterId, { certifiedData: sys.certifiedData, controllers: sys.controllers, compiled, subtree });
    return subtree;
  }

  #subnetNode(state: ReplicatedState, metrics: SubnetMetrics): LabeledNode {
    // Consumed cycles (the subnet's own and every canister's, as certification version 29) and update transactions from the subnet metrics.
    const key = `${metrics.numCanisters}/${metrics.canisterStateBytes}/${metrics.consumedCyclesTotal}/${metrics.updateTransactionsTotal}`;
    if (this.#metrics?.key !== key) this.#metrics = { key, leaf: internLeaf(metricsLeaf(metrics)) };
    const type = state.metadata.ownSubnetType;
    let typeLeaf = this.#types.get(type);
    if (typeLeaf === undefined) this.#types.set(type, (typeLeaf = internLeaf(textLeaf(type))));
    return LabeledNode.of({
      canister_ranges: this.#subnetStatic.ranges,
      metrics: this.#metrics.leaf,
      node: this.#subnetStatic.nodes,
      public_key: this.keys.rootKeyDer,
      type: typeLeaf,
    });
  }
}

/** One committed height's certified state; its tree is built when first needed. */
export class CertifiedState {
  readonly height: bigint;
  /** The state's batch time, nanoseconds (`/time`). */
  readonly time: bigint;
  #state: ReplicatedState | undefined;
  readonly #builder: StateTreeBuilder;
  #tree: LabeledNode | undefined;

  constructor(state: ReplicatedState, builder: StateTreeBuilder) {
    this.height = state.metadata.height;
    this.time = state.time;
    this.#state = state;
    this.#builder = builder;
  }

  get keys(): SubnetCertificationKeys { return this.#builder.keys; }

  /** The whole state tree (built on first use). */
  get tree(): LabeledNode {
    if (this.#tree === undefined) {
      this.#tree = this.#builder.build(this.#state as ReplicatedState);
      this.#state = undefined;
    }
    return this.#tree;
  }

  /** The root hash that a certificate signs. */
  get rootHash(): Uint8Array { return this.tree.digest; }

  /** The pruned tree revealing `paths` (and proving the absence of missing ones). */
  witness(paths: readonly Path[]): HashTree {
    return witness(this.tree, paths);
  }
}
