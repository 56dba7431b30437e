/**
 * `Replica`: a whole single-subnet IC in the process (DESIGN.md contract
 * 4) — the API a developer uses in a test:
 *
 * ```ts
 * import { Replica } from 'ic-exec';
 * const ic = await Replica.create();                        // ManualClock, 4 scheduler cores, in-process sandbox
 * const id = await ic.createCanister();                      // provisional, 100T cycles
 * await ic.installCode(id, wasm, arg);
 * const reply = await ic.updateCall(id, 'inc', arg);        // submit + tick until answered
 * const value = await ic.query(id, 'get', arg);             // on the last committed round
 * const mid = await ic.submitCall(id, 'work', arg);         // then tick() / awaitCall(mid)
 * ic.advanceTime(60_000_000_000n); await ic.tick();         // timers fire
 * ic.stateHash();                                           // the full canonical state hash
 * await ic.close();
 * ```
 *
 * Every call is an ingress message without a signature (the library trusts
 * its caller for the sender, as PocketIC does): it passes the ingress
 * filter, waits in the local block maker's pool, and is inducted and
 * executed by message routing and the scheduler in the next batch — the
 * path it takes on the IC. Management calls (`createCanister`,
 * `installCode`) go to `aaaaa-aa` the same way. Queries run on a snapshot
 * of the last committed round. `cores` sets how many scheduler partitions
 * run at once (each on its own sandbox worker when above 1); the state is
 * the same for every value.
 *
 * The wiring of the subnet (block maker, execution, management canister,
 * ingress filter, queries, certification) is `Subnet` (src/network), which
 * the multi-subnet `Network` is made of too.
 *
 * HTTPS outcalls (`http_request`) go to an adapter (src/http-outcalls): by
 * default the manual one — an outcall waits, listed by
 * `pendingHttpOutcalls()`, until the test answers it with
 * `mockHttpOutcall(id, …)` (PocketIC's behaviour), so a test never reaches
 * the network unless it asks to; `{ httpOutcalls: new NodeHttpAdapter() }`
 * makes real requests. Answers enter the state only through a batch.
 *
 * Durability (src/state-manager): `Replica.create({ dataDir })` keeps the
 * state in LMDB there — every batch logged before it executes, a
 * checkpoint every `checkpointInterval` batches and at `close()` — and a
 * replica created again on the directory recovers (the newest checkpoint
 * that verifies, then the logged batches after it, executed again) to the
 * state it had, subnet key included. The default, `{ ephemeral: true }`,
 * keeps the same log and checkpoints in memory; `{ store }` takes a store
 * (a test's `MemoryStore` to restart on, a `FailingStore`). When the store
 * fails, the replica stops: rounds throw `ReplicaStoppedError`. On disk,
 * a checkpoint also evicts the pages it wrote from RAM, and the subnet's
 * heap-delta capacity is `LOCAL_SUBNET_HEAP_DELTA_CAPACITY` (256 MiB; a
 * `schedulerConfig` may set another): a checkpoint comes as soon as the
 * pages changed since the last one reach it, so they stay bounded however
 * large stable memories grow. The settings that change what a batch
 * executes to (subnet type and size, checkpoint interval, the whole
 * scheduler configuration) are recorded in the store on its first start
 * and win on every later one: `settingsNotices` names the options of this
 * start they overrode.
 */
import type { SchedulerConfig, SubnetType } from '../config/index.ts';
import { BlsKeyPair } from '../crypto/index.ts';
import { ManualClock, SeededEntropy } from '../env/index.ts';
import type { Clock } from '../env/index.ts';
import { UserErrorException } from '../errors/index.ts';
import { Hypervisor } from '../hypervisor/index.ts';
import type { SignedIngress, SubmitResult } from '../consensus/index.ts';
import type { CanisterHttpAdapterRequest, MockHttpOutcallAnswer } from '../http-outcalls/index.ts';
import type { IngressFilterResult, IngressResult } from '../ingress/index.ts';
import type { BatchSummary, HttpCallContent } from '../messaging/index.ts';
import { Subnet } from '../network/index.ts';
import type { QueryResult, UserQuery } from '../query/index.ts';
import { Durability, STATE_CODEC } from '../state-manager/index.ts';
import type { RecoveryReport, StateCertifier } from '../state-manager/index.ts';
import { compilerOf } from '../state/index.ts';
import type { IngressStatus, ReplicatedState } from '../state/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID, time } from '../types/index.ts';
import type { PrincipalId, SubnetId } from '../types/index.ts';
import {
  EMPTY_CANDID, decodeCreateResult, encodeInstallCodeArgs, encodeProvisionalCreateArgs, encodeTopUpArgs,
} from './ic00-candid.ts';
import type { CanisterSettingsArgs, InstallMode } from './ic00-candid.ts';
import { SYSTEM_ALLOCATION_RANGES, SYSTEM_ROUTING_RANGES } from '../system-canisters/index.ts';
import { CompileCache } from '../wasm/index.ts';
import { installSystemCanisters, loadSystemCanisterWasms } from './system-canisters.ts';
import { DEFAULT_START_TIME, executionSettings } from './options.ts';
import type { ReplicaOptions } from './options.ts';

export { DEFAULT_START_TIME };
export type { ReplicaOptions };

/** Rounds `awaitCall` ticks before it gives up. */
const DEFAULT_MAX_ROUNDS = 100_000;

/** The answer of an update call. */
export type CallResult = IngressResult;

/** A subnet in the process (see the module header). */
export class Replica {
  readonly subnetId: SubnetId;
  /** The subnet's public key, DER (what agents call the root key). */
  readonly rootKey: Uint8Array;
  readonly subnetType: Exclude<SubnetType, 'verified_application'>;
  readonly config: SchedulerConfig;
  /** Certifies committed states (the tree of the HTTP interface, signed with the subnet key). */
  readonly certifier: StateCertifier;
  readonly #clock: Clock;
  readonly #hypervisor: Hypervisor;
  readonly #ownsHypervisor: boolean;
  readonly #subnet: Subnet;
  readonly #durability: Durability;
  #systemCanisters: Promise<boolean> = Promise.resolve(false);

  private constructor(opts: ReplicaOptions, hypervisor: Hypervisor, durability: Durability, initialState: ReplicatedState | undefined) {
    this.#clock = opts.clock ?? new ManualClock(time(DEFAULT_START_TIME));
    const cores = opts.cores ?? 1;
    this.#ownsHypervisor = opts.hypervisor === undefined;
    this.#hypervisor = hypervisor;
    this.#durability = durability;
    // the settings recorded in the store (written on its first start from these options) win
    const settings = durability.settings ?? executionSettings(opts).wanted;
    this.#subnet = new Subnet({
      subnetType: settings.subnetType,
      ranges: opts.canisterRanges ?? (opts.systemCanisters ? SYSTEM_ROUTING_RANGES : [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(0xfffffn) }]),
      ...(opts.systemCanisters && opts.canisterRanges === undefined ? { allocationRanges: SYSTEM_ALLOCATION_RANGES } : {}),
      clock: this.#clock, hypervisor: this.#hypervisor, cores,
      size: settings.subnetSize,
      ...(opts.nodes === undefined ? {} : { nodes: opts.nodes }),
      ...(opts.subnetKeySeed === undefined ? {} : { keySeed: opts.subnetKeySeed }),
      ...(opts.initialState === undefined ? {} : {
        initialState: opts.initialState,
        resumeAfter: { height: opts.initialState.metadata.height, time: opts.initialState.metadata.batchTime },
      }),
      ...(opts.initialNonce === undefined ? {} : { initialNonce: opts.initialNonce }),
      schedulerConfig: settings.scheduler,
      ...(durability.seed === undefined ? {} : { seed: durability.seed }),
      checkpointInterval: settings.checkpointInterval,
      ...(opts.httpOutcalls === undefined ? {} : { httpOutcalls: opts.httpOutcalls }),
      key: durability.key,
      ...(initialState === undefined ? {} : { initialState }),
      ...(durability.resumeAfter === undefined ? {} : { resumeAfter: durability.resumeAfter }),
      hooks: durability.hooks(opts.onCommit),
    });
    this.subnetId = this.#subnet.subnetId;
    this.rootKey = this.#subnet.rootKey;
    this.subnetType = this.#subnet.subnetType;
    this.config = this.#subnet.config;
    this.certifier = this.#subnet.certifier;
  }

  /**
   * A new subnet with no canisters, or the one kept in `dataDir` / `store`,
   * recovered (see the module header and {@link ReplicaOptions}).
   * @throws {Error} if the store cannot be opened or nothing can be recovered from it.
   */
  static async create(opts: ReplicaOptions = {}): Promise<Replica> {
    const cores = opts.cores ?? 1;
    const hypervisor = opts.hypervisor ?? new Hypervisor({
      ...(cores > 1 ? { workers: cores } : {}), ...(opts.compileCacheDir === undefined ? {} : { compileCache: new CompileCache({ dir: opts.compileCacheDir }) }),
    });
    const keySeed = opts.subnetKeySeed ?? opts.seed ?? 'ic-exec-replica';
    let durability: Durability | undefined;
    const systemWasms = opts.systemCanisters ? loadSystemCanisterWasms() : undefined;
    systemWasms?.catch(() => undefined);
    try {
      const d = await Durability.open(opts, {
        codec: STATE_CODEC, seed: opts.seed, settings: executionSettings(opts), createKey: () => BlsKeyPair.fromSeed(new SeededEntropy(keySeed).bytes(32), opts.keyCache),
        pagesEvicted: (states, store) => hypervisor.pagesEvicted(states, store),
      });
      durability = d;
      const loaded = await d.load(compilerOf((wasm) => hypervisor.compile(wasm)));
      if (opts.initialState !== undefined) await d.adopt(opts.initialState);
      const replica = new Replica(opts, hypervisor, d, loaded);
      await d.replay((batch) => replica.#subnet.executeBatch(batch));
      if (systemWasms !== undefined) {
        const sys = typeof opts.systemCanisters === 'object' ? opts.systemCanisters : {};
        replica.#systemCanisters = installSystemCanisters(replica, systemWasms, sys);
        if (sys.deferred === true) replica.#systemCanisters.catch(() => undefined);
        else await replica.#systemCanisters;
      }
      const clock = replica.#clock;
      if (opts.clock === undefined && clock instanceof ManualClock && clock.nowNanos() < replica.time) clock.setTime(time(replica.time));
      return replica;
    } catch (e) {
      await durability?.close();
      if (opts.hypervisor === undefined) await hypervisor.close();
      throw e;
    }
  }

  /**
   * Settles once the system canisters are installed (`true`), were already
   * there or are not hosted (`false`); rejects if installing them failed.
   * Only `{ systemCanisters: { deferred: true } }` returns from `create`
   * before this settles.
   */
  get systemCanistersReady(): Promise<boolean> { return this.#systemCanisters; }

  /**
   * Options of this start the store's recorded execution settings overrode
   * (one sentence each: which, and why); empty when they agree.
   */
  get settingsNotices(): readonly string[] { return this.#durability.settingsNotices; }

  /** What the start recovered from the store: the checkpoint's height, the batches replayed, the damaged checkpoints skipped. */
  get recovery(): RecoveryReport | undefined { return this.#durability.recovery; }

  /** The time of the last committed round, nanoseconds. */
  get time(): bigint { return this.#subnet.time; }
  /** The height of the last committed round. */
  get height(): bigint { return this.#subnet.height; }
  /** The nonce the next `submitCall` uses (see {@link ReplicaOptions.initialNonce}). */
  get nonce(): bigint { return this.#subnet.nonce; }
  /** The last committed state, for reading (a snapshot; do not change it). */
  get committedState(): ReplicatedState { return this.#subnet.committedState; }

  // ---- rounds --------------------------------------------------------

  /**
   * Executes one batch (with the pooled ingress that fits) and commits it;
   * `checkpoint`: the batch is a checkpoint (paused executions are aborted).
   * @throws {ReplicaStoppedError} once the store failed.
   */
  tick(opts: { readonly checkpoint?: boolean } = {}): Promise<BatchSummary> {
    return this.#subnet.tick(opts);
  }

  /** Whether the next batch would carry something (pooled ingress, an outcall answer). */
  hasWork(): boolean {
    return this.#subnet.hasWork();
  }

  /** Resolves once {@link hasWork} would say yes (or `signal` aborts: rejects). */
  workArrived(signal?: AbortSignal): Promise<void> {
    return this.#subnet.workArrived(signal);
  }

  /** Messages waiting in the block maker's pool. */
  get pooledIngress(): number {
    return this.#subnet.pooledIngress;
  }

  /**
   * Changes the live state outside a batch, then commits it (PocketIC's
   * direct edits). Not replayable from batches.
   */
  editState(edit: (state: ReplicatedState) => void): Promise<void> {
    return this.#subnet.editState(edit);
  }

  /** Moves the clock forward (a `ManualClock` only); the next batch carries the new time. */
  advanceTime(nanos: bigint): void {
    if (!(this.#clock instanceof ManualClock)) throw new TypeError('advanceTime needs a ManualClock');
    this.#clock.advance(nanos);
  }

  /** The full canonical hash of the last committed state (memory pages included). */
  stateHash(): Uint8Array {
    return this.#subnet.stateHash();
  }

  // ---- calls ---------------------------------------------------------

  /**
   * Submits an update call: checks it with the ingress filter and puts it in
   * the block maker's pool for the next batch.
   * @returns its message id (the request id).
   * @throws {UserErrorException} if the filter rejects it; {@link Error} if the pool refuses it.
   */
  submitCall(canisterId: CanisterId, method: string, arg: Uint8Array, opts: { sender?: PrincipalId } = {}): Promise<Uint8Array> {
    return this.#subnet.submitCall(canisterId, method, arg, opts);
  }

  /** Runs the ingress filter on a call signed elsewhere (the HTTP server) against the last committed state. */
  filterIngress(content: HttpCallContent, envelopeBytes: number, messageId: Uint8Array, now: bigint): Promise<IngressFilterResult> {
    return this.#subnet.filterIngress(content, envelopeBytes, messageId, now);
  }

  /** Puts a signed, filtered ingress message into the block maker's pool. */
  poolIngress(message: SignedIngress): SubmitResult {
    return this.#subnet.poolIngress(message);
  }

  /** The status of a message in the last committed state (`undefined`: unknown). */
  ingressStatus(messageId: Uint8Array): IngressStatus | undefined {
    return this.#subnet.ingressStatus(messageId);
  }

  /**
   * Ticks until the message has an answer.
   * @throws {Error} if it expired before induction or `maxRounds` passed.
   */
  async awaitCall(messageId: Uint8Array, opts: { maxRounds?: number } = {}): Promise<CallResult> {
    const max = opts.maxRounds ?? DEFAULT_MAX_ROUNDS;
    for (let rounds = 0; ; rounds++) {
      const poll = this.#subnet.pollCall(messageId);
      if (poll.kind === 'done') return poll.result;
      if (rounds >= max) throw new Error(`message ${Buffer.from(messageId).toString('hex')} has no answer after ${max} rounds`);
      await this.tick();
    }
  }

  /**
   * An update call: submit, then tick until it is answered.
   * @returns the reply.
   * @throws {UserErrorException} with the reject (a canister's reject is IC0406).
   */
  async updateCall(canisterId: CanisterId, method: string, arg: Uint8Array, opts: { sender?: PrincipalId } = {}): Promise<Uint8Array> {
    const r = await this.awaitCall(await this.submitCall(canisterId, method, arg, opts));
    if (r.kind === 'rejected') throw new UserErrorException(r.error);
    return r.reply;
  }

  /**
   * A query on the last committed round; to `MANAGEMENT_CANISTER_ID` for
   * its query methods (`canister_status`, `fetch_canister_logs`, …), where
   * `effectiveCanisterId` routes it as on the IC (one subnet here).
   * @throws {UserErrorException} with the error or reject (a canister's reject is IC0406).
   */
  query(
    canisterId: CanisterId, method: string, arg: Uint8Array, opts: { sender?: PrincipalId; effectiveCanisterId?: CanisterId } = {},
  ): Promise<Uint8Array> {
    return this.#subnet.query(canisterId, method, arg, opts);
  }

  /** A query on the last committed round, its result as the query handler gives it (reply, reject or error). */
  runQuery(query: UserQuery): Promise<QueryResult> {
    return this.#subnet.runQuery(query);
  }

  // ---- management ----------------------------------------------------

  /** Creates an empty canister (`provisional_create_canister_with_cycles`); default 100T cycles, controlled by `sender`. */
  async createCanister(opts: { cycles?: bigint; controllers?: readonly PrincipalId[]; settings?: CanisterSettingsArgs; sender?: PrincipalId } = {}): Promise<CanisterId> {
    const settings = { ...opts.settings, ...(opts.controllers === undefined ? {} : { controllers: opts.controllers }) };
    const arg = encodeProvisionalCreateArgs({ ...(opts.cycles === undefined ? {} : { amount: opts.cycles }), settings });
    return decodeCreateResult(await this.updateCall(MANAGEMENT_CANISTER_ID, 'provisional_create_canister_with_cycles', arg, opts));
  }

  /** Installs (or reinstalls, upgrades) code (`install_code`). @throws {UserErrorException} if it fails. */
  async installCode(canisterId: CanisterId, wasm: Uint8Array, arg: Uint8Array = EMPTY_CANDID, mode: InstallMode = 'install', opts: { sender?: PrincipalId } = {}): Promise<void> {
    await this.updateCall(MANAGEMENT_CANISTER_ID, 'install_code', encodeInstallCodeArgs({ mode, canisterId, wasmModule: wasm, arg }), opts);
  }

  /** Adds cycles to a canister (`provisional_top_up_canister`). */
  async topUpCanister(canisterId: CanisterId, amount: bigint): Promise<void> {
    await this.updateCall(MANAGEMENT_CANISTER_ID, 'provisional_top_up_canister', encodeTopUpArgs(canisterId, amount));
  }

  /** A canister's balance in the last committed state, cycles. */
  cycleBalance(canisterId: CanisterId): bigint {
    return this.#subnet.cycleBalance(canisterId);
  }

  // ---- HTTPS outcalls (manual adapter) -------------------------------

  /** The outcalls waiting for `mockHttpOutcall`, by id. @throws {TypeError} without the manual adapter. */
  pendingHttpOutcalls(): CanisterHttpAdapterRequest[] {
    return this.#subnet.pendingHttpOutcalls();
  }

  /**
   * Answers a pending outcall with a response (`{ status, headers, body }`)
   * or a reject (`{ reject: { code, message } }`); the transform runs and the
   * answer goes into the next batch.
   * @throws {RangeError} if `requestId` is not pending; {@link TypeError} without the manual adapter.
   */
  mockHttpOutcall(requestId: bigint, answer: MockHttpOutcallAnswer): void {
    this.#subnet.mockHttpOutcall(requestId, answer);
  }

  /**
   * Makes a last checkpoint batch (a store that outlives the replica: on
   * disk or given), closes the store it opened and stops the sandbox
   * workers (if the replica made them). The replica is unusable afterwards.
   * @throws {ReplicaStoppedError} if that checkpoint fails (everything is released all the same).
   */
  async close(): Promise<void> {
    let failure: unknown;
    if (this.#durability.needsCloseCheckpoint(this.height)) await this.tick({ checkpoint: true }).catch((e: unknown) => { failure = e; });
    try {
      await this.#subnet.close();
    } finally {
      await this.#durability.close();
      if (this.#ownsHypervisor) await this.#hypervisor.close();
    }
    if (failure !== undefined) throw failure;
  }
}
