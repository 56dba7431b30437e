/**
 * The options of `Replica.create` (replica.ts) and the execution settings
 * they ask for: what a data directory records on its first start
 * (src/state-manager execution-settings) and, for a store written before
 * settings were recorded, what to assume.
 */
import { LOCAL_SUBNET_HEAP_DELTA_CAPACITY, subnetConfigFor } from '../config/index.ts';
import type { SchedulerConfig, SubnetType } from '../config/index.ts';
import type { PublicKeyCache } from '../crypto/index.ts';
import type { Clock } from '../env/index.ts';
import type { Hypervisor } from '../hypervisor/index.ts';
import type { Batch } from '../consensus/index.ts';
import type { CanisterHttpAdapter } from '../http-outcalls/index.ts';
import type { DurabilityOptions, ExecutionSettings, NodeKey } from '../state-manager/index.ts';
import type { CanisterIdRange, ReplicatedState } from '../state/index.ts';
import { numBytes } from '../types/index.ts';
import type { SystemCanistersOptions } from './system-canisters.ts';

/** 2025-01-01T00:00:00Z, the default start of a replica's `ManualClock`, nanoseconds. */
export const DEFAULT_START_TIME = 1_735_689_600_000_000_000n;

/** Options of {@link Replica.create}, with where the state is kept (`dataDir`, `ephemeral`, `store`: see `DurabilityOptions`). */
export interface ReplicaOptions extends DurabilityOptions {
  /** Called after every committed batch (replayed ones at start included) with the committed state (a snapshot; do not change it). */
  readonly onCommit?: (batch: Batch, state: ReplicatedState) => void;
  /** Default `application`. */
  readonly subnetType?: Exclude<SubnetType, 'verified_application'>;
  /** Scheduler partitions run at the same time, each on its own sandbox worker when above 1. Default 1 (in-process). */
  readonly cores?: number;
  /** The wall clock batches are stamped from. Default a `ManualClock` at {@link DEFAULT_START_TIME}. */
  readonly clock?: Clock;
  /** Overrides of the subnet type's scheduler configuration (tests shrink the round or slice). */
  readonly schedulerConfig?: Partial<SchedulerConfig>;
  /**
   * Seed of the subnet key (its signatures are the random tape). Default `ic-exec-replica`.
   * Also the seed of the threshold master keys (`sign_with_ecdsa` etc.); without it those are PocketIC's.
   */
  readonly seed?: string;
  /** Checkpoint every n batches (paused executions are aborted at checkpoints). Default 500; 0 for never. */
  readonly checkpointInterval?: bigint;
  /** A hypervisor to share (its compile cache); the replica does not close it. */
  readonly hypervisor?: Hypervisor;
  /** The HTTPS-outcall adapter: `'manual'` (default: answered by `mockHttpOutcall`) or one to use (e.g. a `NodeHttpAdapter`). */
  readonly httpOutcalls?: 'manual' | CanisterHttpAdapter;
  /** The subnet's nodes and their Ed25519 keys, certified under `/subnet/<sid>/node` (the HTTP server's query signers). Default none. */
  readonly nodes?: readonly NodeKey[];
  /** The subnet's canister ranges, in allocation order (new ids come from the first). Default ids 0 to 0xfffff. */
  readonly canisterRanges?: readonly CanisterIdRange[];
  /** Nodes in the subnet (fees scale with it). Default 13. */
  readonly subnetSize?: number;
  /** Seed of the subnet key alone (the subnet id follows from it); default `seed`. The threshold keys still follow `seed`. */
  readonly subnetKeySeed?: string;
  /** Where the subnet key's public key may already be, so a new key does not recompute it (`npm start`: a file in `.cache/`). Default none. */
  readonly keyCache?: PublicKeyCache;
  /**
   * Continue from this state (e.g. a checkpoint decoded with `decodeState`)
   * instead of an empty subnet: the block maker resumes after its height and
   * time. Give `initialNonce` the old replica's `nonce` to make the same
   * message ids as a replica that never stopped.
   */
  readonly initialState?: ReplicatedState;
  /** The nonce of the next `submitCall` (part of its message id). Default 0. */
  readonly initialNonce?: bigint;
  /**
   * Host the cycles ledger and the cycles minting canister at their real
   * ids (src/system-canisters; what `icp deploy` creates canisters
   * through), installed when the state is fresh. The subnet then also
   * routes the fiduciary range and keeps ids 3 and 4 out of allocation
   * (unless `canisterRanges` is given). Default off (`npm start`: on).
   */
  readonly systemCanisters?: boolean | SystemCanistersOptions;
  /**
   * Keep instrumented modules in this directory (src/wasm's compile cache
   * on disk), so a restart or another replica only compiles them. Default:
   * in memory only. Ignored with `hypervisor`.
   */
  readonly compileCacheDir?: string;
}

/** The heap-delta capacity of replicas on disk made before the execution settings were recorded. */
const LEGACY_LOCAL_HEAP_DELTA_CAPACITY = numBytes(512n * 1024n * 1024n);

/**
 * The execution settings these options ask for, and those to assume for a
 * store written before settings were recorded (on disk: the 512 MiB
 * heap-delta capacity of then, unless the options set one).
 */
export function executionSettings(opts: ReplicaOptions): { wanted: ExecutionSettings; legacy: ExecutionSettings } {
  const subnetType = opts.subnetType ?? 'application';
  const wanted: ExecutionSettings = {
    subnetType, subnetSize: opts.subnetSize ?? 13, checkpointInterval: opts.checkpointInterval ?? 500n,
    scheduler: {
      ...subnetConfigFor(subnetType).scheduler,
      // on disk, the pages changed since the last checkpoint (in RAM) are bounded by a local heap-delta capacity
      ...(onDisk(opts) ? { subnetHeapDeltaCapacity: LOCAL_SUBNET_HEAP_DELTA_CAPACITY } : {}),
      ...opts.schedulerConfig,
    },
  };
  const legacyCapacity = onDisk(opts) && opts.schedulerConfig?.subnetHeapDeltaCapacity === undefined;
  const legacy = legacyCapacity ? { ...wanted, scheduler: { ...wanted.scheduler, subnetHeapDeltaCapacity: LEGACY_LOCAL_HEAP_DELTA_CAPACITY } } : wanted;
  return { wanted, legacy };
}

/** Whether the replica keeps its state on disk (a data dir, or an LMDB store given). */
function onDisk(opts: ReplicaOptions): boolean {
  return opts.dataDir !== undefined || opts.store?.kind === 'lmdb';
}
