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
 * HTTPS outcalls (`http_request`) go to an adapter (src/http-outcalls): by
 * default the manual one — an outcall waits, listed by
 * `pendingHttpOutcalls()`, until the test answers it with
 * `mockHttpOutcall(id, …)` (PocketIC's behaviour), so a test never reaches
 * the network unless it asks to; `{ httpOutcalls: new NodeHttpAdapter() }`
 * makes real requests. Answers enter the state only through a batch.
 */
import { Principal } from '@dfinity/principal';
import { subnetConfigFor } from '../config/index.ts';
import type { SchedulerConfig, SubnetType } from '../config/index.ts';
import { LocalBlockMaker } from '../consensus/index.ts';
import type { SignedIngress } from '../consensus/index.ts';
import { BlsKeyPair } from '../crypto/index.ts';
import { CyclesAccountManager } from '../cycles/index.ts';
import { ManualClock, SeededEntropy } from '../env/index.ts';
import type { Clock } from '../env/index.ts';
import { ErrorCode, UserErrorException, userError } from '../errors/index.ts';
import { ExecutionEnvironment } from '../execution/index.ts';
import { Hypervisor } from '../hypervisor/index.ts';
import { CanisterHttpPool, ManualHttpAdapter } from '../http-outcalls/index.ts';
import type { CanisterHttpAdapter, CanisterHttpAdapterRequest, MockHttpOutcallAnswer } from '../http-outcalls/index.ts';
import { ManagementCanister, ManagementQueries, thresholdKeysForSeed } from '../management/index.ts';
import { IngressFilter, IngressHistoryReader } from '../ingress/index.ts';
import type { IngressResult } from '../ingress/index.ts';
import { processBatch, signedIngressOf } from '../messaging/index.ts';
import type { BatchSummary } from '../messaging/index.ts';
import { QueryHandler } from '../query/index.ts';
import { StateCertifier, rootSubnetKeys } from '../state-manager/index.ts';
import { checkpointDue } from '../scheduler/index.ts';
import type { RoundEnvironment } from '../scheduler/index.ts';
import { ReplicatedState, stateHash } from '../state/index.ts';
import type { IngressStatus } from '../state/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID, PrincipalId, SubnetId, time } from '../types/index.ts';
import {
  EMPTY_CANDID, decodeCreateResult, encodeInstallCodeArgs, encodeProvisionalCreateArgs, encodeTopUpArgs,
} from './ic00-candid.ts';
import type { CanisterSettingsArgs, InstallMode } from './ic00-candid.ts';

/** 2025-01-01T00:00:00Z, the default start of a replica's `ManualClock`, nanoseconds. */
export const DEFAULT_START_TIME = 1_735_689_600_000_000_000n;
/** How far ahead submitted calls expire: 4 minutes (inside the 5-minute window). */
const INGRESS_EXPIRY_NANOS = 240n * 1_000_000_000n;
/** Rounds `awaitCall` ticks before it gives up. */
const DEFAULT_MAX_ROUNDS = 100_000;

/** Options of {@link Replica.create}. */
export interface ReplicaOptions {
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
}

/** The answer of an update call. */
export type CallResult = IngressResult;

/** A subnet in the process (see the module header). */
export class Replica {
  readonly subnetId: SubnetId;
  /** The subnet's public key, DER (what agents call the root key). */
  readonly rootKey: Uint8Array;
  readonly subnetType: Exclude<SubnetType, 'verified_application'>;
  readonly config: SchedulerConfig;
  readonly #clock: Clock;
  readonly #hypervisor: Hypervisor;
  readonly #ownsHypervisor: boolean;
  readonly #blockMaker: LocalBlockMaker;
  readonly #outcalls: CanisterHttpPool;
  readonly #manualOutcalls: ManualHttpAdapter | undefined;
  readonly #filter: IngressFilter;
  readonly #queries: QueryHandler;
  /** Certifies committed states (the tree of the HTTP interface, signed with the subnet key). */
  readonly certifier: StateCertifier;
  readonly #history: IngressHistoryReader;
  readonly #env: RoundEnvironment & { readonly induction: { readonly cycles: CyclesAccountManager } };
  readonly #state: ReplicatedState;
  #committed: ReplicatedState;
  readonly #expired = new Set<string>();
  #nonce = 0n;
  #busy: Promise<unknown> = Promise.resolve();

  private constructor(opts: ReplicaOptions) {
    this.subnetType = opts.subnetType ?? 'application';
    this.config = Object.freeze({ ...subnetConfigFor(this.subnetType).scheduler, ...opts.schedulerConfig });
    const key = BlsKeyPair.fromSeed(new SeededEntropy(opts.seed ?? 'ic-exec-replica').bytes(32));
    this.rootKey = key.publicKeyDer;
    this.subnetId = SubnetId.fromPrincipalId(PrincipalId.fromPrincipal(Principal.selfAuthenticating(key.publicKeyDer)));
    this.#clock = opts.clock ?? new ManualClock(time(DEFAULT_START_TIME));
    const cores = opts.cores ?? 1;
    this.#ownsHypervisor = opts.hypervisor === undefined;
    this.#hypervisor = opts.hypervisor ?? new Hypervisor(cores > 1 ? { workers: cores } : {});
    const cycles = new CyclesAccountManager({ subnetType: this.subnetType, subnetSize: 13 });
    const executor = new ExecutionEnvironment({
      hypervisor: this.#hypervisor, cycles, subnetType: this.subnetType, ownSubnetId: this.subnetId, subnetSize: 13,
      schedulerConfig: this.config, rootKey: this.rootKey,
    });
    this.#env = {
      executor, config: this.config, parallelism: cores, cycles, induction: { cycles },
      subnetMessages: new ManagementCanister({
        execution: executor, cycles, ownSubnetId: this.subnetId, subnetType: this.subnetType, subnetSize: 13, schedulerCores: this.config.schedulerCores,
        thresholdKeys: thresholdKeysForSeed(opts.seed),
      }),
    };
    const adapter = opts.httpOutcalls === undefined || opts.httpOutcalls === 'manual' ? new ManualHttpAdapter() : opts.httpOutcalls;
    this.#manualOutcalls = adapter instanceof ManualHttpAdapter ? adapter : undefined;
    this.#outcalls = new CanisterHttpPool({
      adapter, onArrival: () => this.#blockMaker.wake(),
      transform: (q) => this.#queries.query(this.#committed, { receiver: q.canisterId, sender: MANAGEMENT_CANISTER_ID, methodName: q.methodName, arg: q.arg }),
    });
    this.#blockMaker = new LocalBlockMaker({
      key, clock: this.#clock, canisterHttp: this.#outcalls, checkpointInterval: opts.checkpointInterval ?? 500n,
      checkpointEarly: (height, summary) => checkpointDue(this.#state, this.config, height, summary),
      onExpired: (m: SignedIngress) => { this.#expired.add(Buffer.from(m.messageId).toString('hex')); },
    });
    const canisterRanges = [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(0xfffffn) }];
    this.#state = ReplicatedState.empty(this.subnetId, this.subnetType, canisterRanges);
    this.certifier = new StateCertifier(rootSubnetKeys(key, { canisterRanges }));
    this.#committed = this.#state.snapshot();
    this.#filter = new IngressFilter({ executor, cycles });
    this.#queries = new QueryHandler({
      executor, management: new ManagementQueries({ cycles }),
      dataCertificate: (state, id) => this.certifier.certification(state).dataCertificate(id),
    });
    this.#history = new IngressHistoryReader(() => this.#committed);
  }

  /** A new subnet with no canisters (see {@link ReplicaOptions}). */
  static async create(opts: ReplicaOptions = {}): Promise<Replica> {
    return new Replica(opts);
  }

  /** The time of the last committed round, nanoseconds. */
  get time(): bigint { return this.#committed.time; }
  /** The height of the last committed round. */
  get height(): bigint { return this.#committed.metadata.height; }
  /** The last committed state, for reading (a snapshot; do not change it). */
  get committedState(): ReplicatedState { return this.#committed; }

  // ---- rounds --------------------------------------------------------

  /** Executes one batch (with the pooled ingress that fits) and commits it. */
  tick(): Promise<BatchSummary> {
    const run = this.#busy.then(async () => {
      await this.#outcalls.prepare();
      const batch = this.#blockMaker.makeBatch();
      const summary = await processBatch(this.#state, batch, this.#env);
      this.#committed = this.#state.snapshot();
      this.#outcalls.sync(this.#committed);
      return summary;
    });
    this.#busy = run.catch(() => undefined);
    return run;
  }

  /** Moves the clock forward (a `ManualClock` only); the next batch carries the new time. */
  advanceTime(nanos: bigint): void {
    if (!(this.#clock instanceof ManualClock)) throw new TypeError('advanceTime needs a ManualClock');
    this.#clock.advance(nanos);
  }

  /** The full canonical hash of the last committed state (memory pages included). */
  stateHash(): Uint8Array {
    return stateHash(this.#committed);
  }

  // ---- calls ---------------------------------------------------------

  /**
   * Submits an update call: checks it with the ingress filter and puts it in
   * the block maker's pool for the next batch.
   * @returns its message id (the request id).
   * @throws {UserErrorException} if the filter rejects it; {@link Error} if the pool refuses it.
   */
  async submitCall(canisterId: CanisterId, method: string, arg: Uint8Array, opts: { sender?: PrincipalId } = {}): Promise<Uint8Array> {
    await this.#busy;
    const now = this.#clock.nowNanos() > this.#committed.time ? this.#clock.nowNanos() : this.#committed.time;
    const nonce = new Uint8Array(8);
    new DataView(nonce.buffer).setBigUint64(0, this.#nonce++);
    const content = {
      sender: opts.sender ?? PrincipalId.anonymous(), canisterId, methodName: method, arg, ingressExpiry: time(now + INGRESS_EXPIRY_NANOS), nonce,
    };
    const signed = signedIngressOf(content);
    const verdict = await this.#filter.check(this.#committed, content, signed.payload.length, now, signed.messageId);
    if (!verdict.ok) {
      if (verdict.kind === 'rejected') throw new UserErrorException(verdict.error);
      throw new Error(verdict.message);
    }
    const r = this.#blockMaker.submit(signed);
    if (!r.ok) throw new Error(`the block maker refused the message: ${r.reason}`);
    return signed.messageId;
  }

  /** The status of a message in the last committed state (`undefined`: unknown). */
  ingressStatus(messageId: Uint8Array): IngressStatus | undefined {
    return this.#history.status(messageId);
  }

  /**
   * Ticks until the message has an answer.
   * @throws {Error} if it expired before induction or `maxRounds` passed.
   */
  async awaitCall(messageId: Uint8Array, opts: { maxRounds?: number } = {}): Promise<CallResult> {
    const max = opts.maxRounds ?? DEFAULT_MAX_ROUNDS;
    for (let rounds = 0; ; rounds++) {
      const result = this.#history.result(messageId);
      if (result !== undefined) return result;
      const hex = Buffer.from(messageId).toString('hex');
      if (this.#expired.has(hex)) throw new Error(`message ${hex} expired before it was inducted`);
      if (this.#history.status(messageId)?.state.kind === 'done') throw new Error(`message ${hex} is done; its answer was dropped from the ingress history`);
      if (rounds >= max) throw new Error(`message ${hex} has no answer after ${max} rounds`);
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
  async query(
    canisterId: CanisterId, method: string, arg: Uint8Array, opts: { sender?: PrincipalId; effectiveCanisterId?: CanisterId } = {},
  ): Promise<Uint8Array> {
    const r = await this.#queries.query(this.#committed, {
      receiver: canisterId, sender: opts.sender ?? PrincipalId.anonymous(), methodName: method, arg,
      ...(opts.effectiveCanisterId === undefined ? {} : { effectiveCanisterId: opts.effectiveCanisterId }),
    });
    if ('reply' in r) return r.reply;
    if ('reject' in r) throw new UserErrorException(userError(ErrorCode.CanisterRejectedMessage, r.reject.message));
    throw new UserErrorException(r.error);
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
    const c = this.#committed.canister(canisterId);
    if (c === undefined) throw new UserErrorException(userError(ErrorCode.CanisterNotFound, `Canister ${canisterId.toText()} not found`));
    return c.systemState.balance;
  }

  // ---- HTTPS outcalls (manual adapter) -------------------------------

  /** The outcalls waiting for `mockHttpOutcall`, by id. @throws {TypeError} without the manual adapter. */
  pendingHttpOutcalls(): CanisterHttpAdapterRequest[] {
    return this.#manual().pending();
  }

  /**
   * Answers a pending outcall with a response (`{ status, headers, body }`)
   * or a reject (`{ reject: { code, message } }`); the transform runs and the
   * answer goes into the next batch.
   * @throws {RangeError} if `requestId` is not pending; {@link TypeError} without the manual adapter.
   */
  mockHttpOutcall(requestId: bigint, answer: MockHttpOutcallAnswer): void {
    this.#manual().respond(requestId, answer);
  }

  #manual(): ManualHttpAdapter {
    if (this.#manualOutcalls === undefined) throw new TypeError("HTTPS outcalls are mocked only with the manual adapter (httpOutcalls: 'manual')");
    return this.#manualOutcalls;
  }

  /** Stops the sandbox workers (if the replica made them). The replica is unusable afterwards. */
  async close(): Promise<void> {
    await this.#busy;
    this.#outcalls.close();
    if (this.#ownsHypervisor) await this.#hypervisor.close();
  }
}
