// A mixed, deterministic workload for determinism tests: Motoko `Node`
// canisters calling each other (pings, chains, bursts, traps in callbacks,
// rejects, long updates under DTS, timers) plus a WAT canister with a heartbeat
// and one reinstalled now and then with a canister_init long enough to pause
// between rounds, with calls chosen by a seeded PRNG and time moving in
// uneven steps.
import { Replica } from '../../src/index.ts';
import type { CanisterId, ReplicaOptions } from '../../src/index.ts';
import { CanisterId as CanisterIdClass } from '../../src/index.ts';
import { watToWasm } from '../corpus/wat.ts';
import { nodeWasm } from './canisters.ts';
import { IDL, NONE, enc, p } from './support.ts';
import { MGMT, REINSTALL, installCodeArg } from './install-support.ts';

/** A canister whose canister_init loops `n` (u32 argument) times. */
const LONG_INIT_WAT = `(module
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (memory 1)
  (func (export "canister_init") (local $i i32) (local $n i32)
    (call $arg_copy (i32.const 0x100) (i32.const 0) (i32.const 4))
    (local.set $n (i32.load (i32.const 0x100)))
    (loop $l
      (i64.store (i32.const 0x200) (i64.add (i64.load (i32.const 0x200)) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))`;
const u32 = (n: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); return b; };

/** A canister whose heartbeat counts its runs at heap offset 64 and then loops `burn` times; `count` (query) replies the count. */
export const heartbeatWat = (burn: number): string => `
(module
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func (export "canister_heartbeat")
    (local $i i32)
    (i64.store (i32.const 64) (i64.add (i64.load (i32.const 64)) (i64.const 1)))
    (loop $burn
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $burn (i32.lt_u (local.get $i) (i32.const ${burn})))))
  (func (export "canister_query count")
    (call $append (i32.const 64) (i32.const 8))
    (call $reply)))`;

/** xorshift64*: a small deterministic PRNG. */
export class Prng {
  #s: bigint;
  constructor(seed: bigint) { this.#s = seed === 0n ? 1n : seed; }
  next(): bigint {
    let x = this.#s;
    x ^= x >> 12n; x ^= (x << 25n) & 0xffff_ffff_ffff_ffffn; x ^= x >> 27n;
    this.#s = x;
    return (x * 0x2545f4914f6cdd1dn) & 0xffff_ffff_ffff_ffffn;
  }
  int(n: number): number { return Number(this.next() % BigInt(n)); }
}

/** Scheduler settings of the workload: 20M-instruction slices (50M for install_code) so that long updates and installs pause. */
export const WORKLOAD_CONFIG: ReplicaOptions['schedulerConfig'] = {
  maxInstructionsPerSlice: 20_000_000n as never, maxInstructionsPerRound: 2_040_000_000n as never, maxPausedExecutions: 2,
  maxInstructionsPerInstallCodeSlice: 50_000_000n as never,
};

/** A replica running the workload. */
export class WorkloadReplica {
  readonly ic: Replica;
  /** The options `ic` was made with (a replica continued from its state needs the same). */
  readonly options: ReplicaOptions;
  readonly nodes: CanisterId[] = [];
  /** The canister reinstalled with a long canister_init. */
  installed: CanisterId | undefined;
  /** Answers seen so far, and rounds that ended with a paused or aborted long execution. */
  readonly stats = { replied: 0, rejected: 0, refused: 0, roundsWithLongExecution: 0, roundsWithLongInstall: 0 };
  #pending: Uint8Array[] = [];
  #prng: Prng;

  private constructor(ic: Replica, seed: bigint, options: ReplicaOptions) {
    this.ic = ic;
    this.options = options;
    this.#prng = new Prng(seed);
  }

  /** Creates the replica and installs the canisters (node count `nodes`). */
  static async create(opts: ReplicaOptions, seed = 42n, nodes = 4): Promise<WorkloadReplica> {
    const options: ReplicaOptions = { schedulerConfig: WORKLOAD_CONFIG, checkpointInterval: 97n, ...opts };
    const w = new WorkloadReplica(await Replica.create(options), seed, options);
    const wasm = await nodeWasm();
    for (let i = 0; i < nodes; i++) {
      const id = await w.ic.createCanister();
      await w.ic.installCode(id, wasm);
      w.nodes.push(id);
    }
    const hb = await w.ic.createCanister();
    await w.ic.installCode(hb, await watToWasm(heartbeatWat(20000)));
    w.installed = await w.ic.createCanister();
    await w.ic.installCode(w.installed, await watToWasm(LONG_INIT_WAT), u32(1));
    return w;
  }

  /**
   * This workload continued on `ic`, a replica restarted from this one's
   * state (test/replica/checkpoint-resume.ts): the same canisters, PRNG,
   * pending calls and stats. This one must not be used afterwards.
   */
  continueOn(ic: Replica): WorkloadReplica {
    const w = new WorkloadReplica(ic, 1n, this.options);
    w.nodes.push(...this.nodes);
    w.installed = this.installed;
    Object.assign(w.stats, this.stats);
    w.#pending = [...this.#pending];
    w.#prng = this.#prng;
    return w;
  }

  /** Submits this round's calls (0–3, chosen by the PRNG), moves time, ticks. */
  async round(): Promise<void> {
    const r = this.#prng;
    const node = (): CanisterId => this.nodes[r.int(this.nodes.length)];
    for (let k = r.int(4); k > 0; k--) {
      const a = node();
      const b = node();
      const n = BigInt(r.int(20));
      const calls: [string, Uint8Array][] = [
        ['inc', NONE],
        ['set', enc([IDL.Nat], [n])],
        ['ping', enc([IDL.Principal, IDL.Nat], [p(b), n % 5n])],
        ['hop', enc([IDL.Vec(IDL.Principal), IDL.Nat], [[p(b), p(node())], n])],
        ['sendMany', enc([IDL.Principal, IDL.Nat], [p(b), n])],
        ['trapAfterCall', enc([IDL.Principal], [p(b)])],
        ['callRaw', enc([IDL.Principal, IDL.Text], [p(r.int(2) === 0 ? b : CanisterIdClass.fromU64(0xbeefn)), r.int(2) === 0 ? 'rejectMe' : 'x'])],
        ['spin', enc([IDL.Nat], [BigInt(200_000 + r.int(2_000_000))])],
        ['rejectMe', NONE],
        ['setTimer', enc([IDL.Nat], [n])],
      ];
      const [method, arg] = calls[r.int(calls.length)];
      try {
        this.#pending.push(await this.ic.submitCall(a, method, arg));
      } catch {
        this.stats.refused++; // refused by the filter: the same on every replica
      }
    }
    if (r.int(25) === 0 && this.installed !== undefined) {
      const arg = installCodeArg(REINSTALL, this.installed, await watToWasm(LONG_INIT_WAT), u32(2_000_000 + r.int(8_000_000)));
      try {
        this.#pending.push(await this.ic.submitCall(MGMT, 'install_code', arg));
      } catch {
        this.stats.refused++;
      }
    }
    this.ic.advanceTime(BigInt(r.int(3)) * 1_000_000_000n + (r.int(10) === 0 ? 40_000_000_000n : 0n));
    await this.ic.tick();
    this.#pending = this.#pending.filter((id) => {
      const k = this.ic.ingressStatus(id)?.state.kind;
      if (k === 'completed' || k === 'failed') {
        const replied = k === 'completed' && this.ic.ingressStatus(id)?.state.kind === 'completed';
        const st = this.ic.ingressStatus(id)?.state;
        if (replied && st?.kind === 'completed' && st.result.kind === 'reply') this.stats.replied++;
        else this.stats.rejected++;
        return false;
      }
      return true;
    });
    if (this.ic.committedState.canisters().some((c) => c.systemState.taskQueue.pausedOrAborted !== undefined)) this.stats.roundsWithLongExecution++;
    const installing = this.installed === undefined ? undefined : this.ic.committedState.canister(this.installed)?.systemState.taskQueue.pausedOrAborted?.kind;
    if (installing === 'pausedInstallCode' || installing === 'abortedInstallCode') this.stats.roundsWithLongInstall++;
  }
}
