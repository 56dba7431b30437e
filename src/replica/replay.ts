/**
 * `replayDataDir`: `ic-exec replay --data-dir D` without the command line —
 * the batch log of a replica's data directory executed again from a
 * checkpoint and checked height by height (src/state-manager replay.ts has
 * what is checked and reported).
 *
 * Offline and read only: a directory a live process has open is refused
 * (`LmdbStore.user`), the store is opened `readOnly`, and the batches run on
 * a `Subnet` in memory built on the decoded checkpoint as `Replica.create`
 * builds one on a data directory (the subnet key and seed from the store;
 * subnet type, size and canister ranges from the state's topology, or from
 * the first batch's for the empty state — whose allocation ranges are the
 * system-canister ones when the ranges are the system-canister routing, as
 * `Replica.create({ systemCanisters })` makes them; the execution settings
 * recorded in the store — scheduler configuration, checkpoint interval —
 * or, in a directory written before they were, the 512 MiB heap-delta
 * capacity replicas on disk had then) — batches go through `Subnet.executeBatch`, the path
 * recovery takes, with no hooks: nothing is logged or checkpointed.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SchedulerConfig } from '../config/index.ts';
import { ManualClock } from '../env/index.ts';
import { Hypervisor } from '../hypervisor/index.ts';
import { Subnet } from '../network/index.ts';
import { LmdbStore, META_EXECUTION_SETTINGS, STATE_CODEC, decodeExecutionSettings, replayLog } from '../state-manager/index.ts';
import type { ExecutionSettings, ReplayExecutor, ReplayReport, ReplayStart } from '../state-manager/index.ts';
import { compilerOf } from '../state/index.ts';
import type { CanisterIdRange, ReplicatedState, SubnetTopology } from '../state/index.ts';
import { SYSTEM_ALLOCATION_RANGES, SYSTEM_ROUTING_RANGES } from '../system-canisters/index.ts';
import { PrincipalId, SubnetId, numBytes, time } from '../types/index.ts';
import { Principal } from '@dfinity/principal';

export interface ReplayDataDirOptions {
  /** The checkpoint height to start from (0: the empty state). Default: the oldest one with the log after it. */
  readonly from?: bigint;
  /** Called after each batch: batches done, batches to replay. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Overrides of the scheduler configuration, as the replica that wrote the log had them (tests shrink the slice); only for a directory without recorded execution settings. */
  readonly schedulerConfig?: Partial<SchedulerConfig>;
  /** Scheduler partitions (the state is the same for every value). Default 1. */
  readonly cores?: number;
}

export type { ReplayReport };

/** The report, or why the directory cannot be replayed (`inUse`: a live process has it open). */
export type ReplayDataDirResult =
  | { readonly ok: true; readonly report: ReplayReport }
  | { readonly ok: false; readonly error: string; readonly inUse?: number };

/** The subnet's own entry in a topology. */
function ownSubnet(start: ReplayStart, subnetId: SubnetId): SubnetTopology | undefined {
  const topology = start.state?.metadata.networkTopology ?? start.firstBatch.networkTopology;
  return topology?.subnets.find((s) => s.subnetId.equals(subnetId));
}

const sameRanges = (a: readonly CanisterIdRange[], b: readonly CanisterIdRange[]): boolean => a.length === b.length
  && a.every((r, i) => r.start.toText() === b[i].start.toText() && r.end.toText() === b[i].end.toText());

/** The heap-delta capacity of replicas on disk before the execution settings were recorded. */
const LEGACY_LOCAL_HEAP_DELTA_CAPACITY = numBytes(512n * 1024n * 1024n);

function subnetFor(start: ReplayStart, hypervisor: Hypervisor, opts: ReplayDataDirOptions, recorded: ExecutionSettings | undefined, onCommit: (s: ReplicatedState) => void): Subnet {
  const key = start.key.key;
  const subnetId = SubnetId.fromPrincipalId(PrincipalId.fromPrincipal(Principal.selfAuthenticating(key.publicKeyDer)));
  const own = ownSubnet(start, subnetId);
  if (own === undefined) throw new Error(`the state's network topology does not list the store's subnet ${subnetId.toText()}`);
  if (own.subnetType === 'verified_application') throw new Error('a verified_application subnet cannot be replayed');
  const state = start.state;
  return new Subnet({
    subnetType: own.subnetType, size: own.size, ranges: own.ranges,
    clock: new ManualClock(time(state?.time ?? 0n)), hypervisor, cores: opts.cores ?? 1,
    schedulerConfig: recorded?.scheduler ?? { subnetHeapDeltaCapacity: LEGACY_LOCAL_HEAP_DELTA_CAPACITY, ...opts.schedulerConfig },
    ...(recorded === undefined ? {} : { checkpointInterval: recorded.checkpointInterval }),
    ...(start.key.seed === undefined ? {} : { seed: start.key.seed }),
    key,
    ...(state === undefined ? {} : { initialState: state, resumeAfter: { height: state.metadata.height, time: state.time } }),
    // the empty state of a replica with the system canisters allocates ids outside theirs (Replica.create)
    ...(state === undefined && sameRanges(own.ranges, SYSTEM_ROUTING_RANGES) ? { allocationRanges: SYSTEM_ALLOCATION_RANGES } : {}),
    hooks: { afterCommit: (_batch, committed) => onCommit(committed) },
  });
}

/** Replays the batch log of the data directory `dataDir` (see the module header). */
export async function replayDataDir(dataDir: string, opts: ReplayDataDirOptions = {}): Promise<ReplayDataDirResult> {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) return { ok: false, error: `there is no directory ${dataDir}` };
  if (!existsSync(join(dataDir, 'data.mdb'))) return { ok: false, error: `${dataDir} is not the data directory of a replica (it has no data.mdb)` };
  const user = LmdbStore.user(dataDir);
  if (user !== undefined) {
    return { ok: false, inUse: user, error: `${dataDir} is in use by process ${user} (a replica running on it); stop it first — replay works on a directory no replica has open` };
  }
  const store = LmdbStore.open(dataDir, { readOnly: true });
  if (!(store instanceof LmdbStore)) return { ok: false, error: `${dataDir} cannot be opened as a data directory: ${store.message}` };
  const meta = store.meta(META_EXECUTION_SETTINGS);
  const decoded = meta === undefined ? undefined : decodeExecutionSettings(meta);
  if (decoded !== undefined && !decoded.ok) {
    await store.close();
    return { ok: false, error: `${dataDir}: ${decoded.error}` };
  }
  const recorded = decoded?.settings;
  const cores = opts.cores ?? 1;
  const hypervisor = new Hypervisor(cores > 1 ? { workers: cores } : {});
  try {
    const compile = compilerOf((wasm) => hypervisor.compile(wasm));
    const executorFor = (start: ReplayStart): ReplayExecutor => {
      let committed: ReplicatedState | undefined;
      const subnet = subnetFor(start, hypervisor, opts, recorded, (s) => { committed = s; });
      return {
        execute: async (batch) => {
          await subnet.executeBatch(batch);
          return committed as ReplicatedState;
        },
      };
    };
    const r = await replayLog(store, STATE_CODEC, compile, executorFor, {
      ...(opts.from === undefined ? {} : { from: opts.from }), ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
    });
    return r;
  } catch (e) {
    return { ok: false, error: `replaying ${dataDir} failed: ${(e as Error).message}` };
  } finally {
    await hypervisor.close();
    await store.close();
  }
}
