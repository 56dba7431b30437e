/**
 * `Subnet`: one subnet in the process, wired as the replica wires it — the
 * subnet key and id, the local block maker (ingress pool, time, random
 * tape, checkpoints, HTTPS-outcall answers, XNet slices, topology changes),
 * the execution environment and the management canister, the ingress
 * filter, the query handler and certifier on the last committed state, and
 * the replicated state itself. `Replica` (one subnet on its own) and
 * `Network` (several, exchanging XNet streams) are both made of it.
 *
 * Each `tick()` makes one batch and executes it (`processBatch`: induct →
 * execute → route), then commits: the committed state is a snapshot that
 * queries, certificates, the ingress history and other subnets' XNet
 * payload builders read. Ticks and submissions are serialized.
 */
import { Principal } from '@dfinity/principal';
import { subnetConfigFor } from '../config/index.ts';
import type { SchedulerConfig, SubnetType } from '../config/index.ts';
import { LocalBlockMaker } from '../consensus/index.ts';
import type { Batch, SignedIngress, SubmitResult } from '../consensus/index.ts';
import { BlsKeyPair } from '../crypto/index.ts';
import { CyclesAccountManager } from '../cycles/index.ts';
import { SeededEntropy } from '../env/index.ts';
import type { Clock } from '../env/index.ts';
import { ErrorCode, UserErrorException, userError } from '../errors/index.ts';
import { ExecutionEnvironment } from '../execution/index.ts';
import { CanisterHttpPool, ManualHttpAdapter } from '../http-outcalls/index.ts';
import type { CanisterHttpAdapterRequest, MockHttpOutcallAnswer } from '../http-outcalls/index.ts';
import { ManagementCanister, ManagementQueries, thresholdKeysForSeed } from '../management/index.ts';
import { IngressFilter, IngressHistoryReader } from '../ingress/index.ts';
import type { IngressFilterResult } from '../ingress/index.ts';
import { processBatch, signedIngressOf } from '../messaging/index.ts';
import type { BatchSummary, HttpCallContent } from '../messaging/index.ts';
import { QueryHandler } from '../query/index.ts';
import type { QueryResult, UserQuery } from '../query/index.ts';
import { StateCertifier, rootSubnetKeys } from '../state-manager/index.ts';
import { checkpointDue } from '../scheduler/index.ts';
import type { RoundEnvironment } from '../scheduler/index.ts';
import { NetworkTopology, ReplicatedState, stateHash } from '../state/index.ts';
import type { CanisterIdRange, IngressStatus } from '../state/index.ts';
import { MANAGEMENT_CANISTER_ID, PrincipalId, SubnetId, time } from '../types/index.ts';
import type { CanisterId } from '../types/index.ts';
import type { CallPoll, SubnetHooks, SubnetOptions } from './subnet-options.ts';

/** How far ahead submitted calls expire: 4 minutes (inside the 5-minute window). */
const INGRESS_EXPIRY_NANOS = 240n * 1_000_000_000n;

/** One subnet (see the module header). */
export class Subnet {
  readonly subnetId: SubnetId;
  /** The subnet's public key, DER. */
  readonly rootKey: Uint8Array;
  readonly subnetType: Exclude<SubnetType, 'verified_application'>;
  readonly size: number;
  readonly ranges: readonly CanisterIdRange[];
  readonly config: SchedulerConfig;
  /** Certifies committed states (the tree of the HTTP interface, signed with the subnet key). */
  readonly certifier: StateCertifier;
  readonly #clock: Clock;
  readonly #blockMaker: LocalBlockMaker;
  readonly #outcalls: CanisterHttpPool;
  readonly #manualOutcalls: ManualHttpAdapter | undefined;
  readonly #filter: IngressFilter;
  readonly #queries: QueryHandler;
  readonly #history: IngressHistoryReader;
  readonly #env: RoundEnvironment & { readonly induction: { readonly cycles: CyclesAccountManager } };
  readonly #state: ReplicatedState;
  #committed: ReplicatedState;
  /** A topology to carry in the next batch (the first batch always carries one). */
  #announce: NetworkTopology | undefined;
  readonly #hooks: SubnetHooks;
  readonly #expired = new Set<string>();
  #nonce = 0n;
  #busy: Promise<unknown> = Promise.resolve();

  constructor(opts: SubnetOptions) {
    this.subnetType = opts.subnetType;
    this.#nonce = opts.initialNonce ?? 0n;
    this.size = opts.size ?? 13;
    this.ranges = Object.freeze([...opts.ranges]);
    this.config = Object.freeze({ ...subnetConfigFor(this.subnetType).scheduler, ...opts.schedulerConfig });
    const key = opts.key ?? BlsKeyPair.fromSeed(new SeededEntropy(opts.keySeed ?? opts.seed ?? 'ic-exec-replica').bytes(32));
    this.#hooks = opts.hooks ?? {};
    this.rootKey = key.publicKeyDer;
    this.subnetId = SubnetId.fromPrincipalId(PrincipalId.fromPrincipal(Principal.selfAuthenticating(key.publicKeyDer)));
    this.#clock = opts.clock;
    const cores = opts.cores ?? 1;
    const subnetSize = this.size;
    const cycles = new CyclesAccountManager({ subnetType: this.subnetType, subnetSize });
    const executor = new ExecutionEnvironment({
      hypervisor: opts.hypervisor, cycles, subnetType: this.subnetType, ownSubnetId: this.subnetId, subnetSize,
      schedulerConfig: this.config, rootKey: this.rootKey,
    });
    this.#env = {
      executor, config: this.config, parallelism: cores, cycles, induction: { cycles },
      subnetMessages: new ManagementCanister({
        execution: executor, cycles, ownSubnetId: this.subnetId, subnetType: this.subnetType, subnetSize, schedulerCores: this.config.schedulerCores,
        thresholdKeys: opts.thresholdKeys ?? thresholdKeysForSeed(opts.seed),
      }),
    };
    const adapter = opts.httpOutcalls === undefined || opts.httpOutcalls === 'manual' ? new ManualHttpAdapter() : opts.httpOutcalls;
    this.#manualOutcalls = adapter instanceof ManualHttpAdapter ? adapter : undefined;
    this.#outcalls = new CanisterHttpPool({
      adapter, onArrival: () => this.#blockMaker.wake(),
      transform: (q) => this.#queries.query(this.#committed, { receiver: q.canisterId, sender: MANAGEMENT_CANISTER_ID, methodName: q.methodName, arg: q.arg }),
    });
    const topology = opts.topology ?? NetworkTopology.single(this.subnetId, this.subnetType, this.ranges, this.size);
    this.#state = opts.initialState ?? ReplicatedState.empty(this.subnetId, this.subnetType, opts.allocationRanges ?? this.ranges, topology);
    // The first batch carries the topology (a new subnet's, or a recovered one's if it changed).
    if (opts.initialState === undefined || opts.topology !== undefined) this.#announce = topology;
    this.#blockMaker = new LocalBlockMaker({
      key, clock: this.#clock, canisterHttp: this.#outcalls, checkpointInterval: opts.checkpointInterval ?? 500n,
      checkpointEarly: (height, summary) => checkpointDue(this.#state, this.config, height, summary),
      onExpired: (m: SignedIngress) => { this.#expired.add(Buffer.from(m.messageId).toString('hex')); },
      ...(opts.resumeAfter === undefined ? {} : { resumeAfter: opts.resumeAfter }),
      ...(opts.xnet === undefined ? {} : { xnet: opts.xnet(this) }),
      networkTopology: () => {
        const t = this.#announce;
        this.#announce = undefined;
        return t;
      },
    });
    this.certifier = new StateCertifier(rootSubnetKeys(key, { canisterRanges: this.ranges, ...(opts.nodes === undefined ? {} : { nodes: opts.nodes }) }));
    this.#committed = this.#state.snapshot();
    this.#filter = new IngressFilter({ executor, cycles });
    this.#queries = new QueryHandler({
      executor, management: new ManagementQueries({ cycles }),
      dataCertificate: (state, id) => this.certifier.certification(state).dataCertificate(id),
    });
    this.#history = new IngressHistoryReader(() => this.#committed);
  }

  /** The time of the last committed round, nanoseconds. */
  get time(): bigint { return this.#committed.time; }
  /** The nonce the next `submitCall` uses (see `SubnetOptions.initialNonce`). */
  get nonce(): bigint { return this.#nonce; }
  /** The height of the last committed round. */
  get height(): bigint { return this.#committed.metadata.height; }
  /** The last committed state, for reading (a snapshot; do not change it). */
  get committedState(): ReplicatedState { return this.#committed; }
  /** The network topology of the last committed state. */
  get topology(): NetworkTopology { return this.#committed.metadata.networkTopology; }

  /** Makes the next batch carry `topology` (a subnet joined the network). */
  announceTopology(topology: NetworkTopology): void {
    this.#announce = topology;
  }

  /**
   * Executes one batch (with the pooled ingress that fits, answers and XNet
   * slices) and commits it; `checkpoint`: the batch is a checkpoint.
   */
  tick(opts: { readonly checkpoint?: boolean } = {}): Promise<BatchSummary> {
    return this.#serialized(async () => {
      await this.#outcalls.prepare();
      return this.#execute(this.#blockMaker.makeBatch(opts.checkpoint === true ? { requiresFullStateHash: true } : {}));
    });
  }

  /**
   * Executes a batch made elsewhere (replay of a batch log) and commits it.
   * It must follow the last batch executed; the block maker is not told.
   */
  executeBatch(batch: Batch): Promise<BatchSummary> {
    return this.#serialized(() => this.#execute(batch));
  }

  async #execute(batch: Batch): Promise<BatchSummary> {
    await this.#hooks.beforeExecute?.(batch);
    const summary = await processBatch(this.#state, batch, this.#env);
    this.#committed = this.#state.snapshot();
    this.#outcalls.sync(this.#committed);
    await this.#hooks.afterCommit?.(batch, this.#committed);
    return summary;
  }

  #serialized<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(f);
    this.#busy = run.catch(() => undefined);
    return run;
  }

  /** Whether the next batch would carry something (ingress, an outcall answer, an XNet slice). */
  hasWork(): boolean {
    return this.#blockMaker.hasWork();
  }

  /** Resolves once {@link hasWork} would say yes (or `signal` aborts: rejects). */
  workArrived(signal?: AbortSignal): Promise<void> {
    return this.#blockMaker.ready(signal);
  }

  /** Messages waiting in the block maker's pool. */
  get pooledIngress(): number {
    return this.#blockMaker.poolSize;
  }

  /**
   * Changes the live state outside a batch, then commits it (PocketIC's
   * direct edits: certified time, stable memory, cycles). Not replayable
   * from the batch log.
   */
  editState(edit: (state: ReplicatedState) => void): Promise<void> {
    return this.#serialized(async () => {
      edit(this.#state);
      this.#committed = this.#state.snapshot();
    });
  }

  /** The full canonical hash of the last committed state (memory pages included). */
  stateHash(): Uint8Array {
    return stateHash(this.#committed);
  }

  /**
   * Checks an update call with the ingress filter and puts it in the block
   * maker's pool for the next batch.
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

  /** Runs the ingress filter on a call (signed elsewhere: the HTTP server) against the last committed state. */
  filterIngress(content: HttpCallContent, envelopeBytes: number, messageId: Uint8Array, now: bigint): Promise<IngressFilterResult> {
    return this.#filter.check(this.#committed, content, envelopeBytes, now, messageId);
  }

  /** Puts a signed ingress message (already filtered) into the block maker's pool. */
  poolIngress(message: SignedIngress): SubmitResult {
    return this.#blockMaker.submit(message);
  }

  /** The status of a message in the last committed state (`undefined`: unknown). */
  ingressStatus(messageId: Uint8Array): IngressStatus | undefined {
    return this.#history.status(messageId);
  }

  /**
   * Where a submitted message stands in the last committed state.
   * @throws {Error} if it expired before induction, or its answer was pruned.
   */
  pollCall(messageId: Uint8Array): CallPoll {
    const result = this.#history.result(messageId);
    if (result !== undefined) return { kind: 'done', result };
    const hex = Buffer.from(messageId).toString('hex');
    if (this.#expired.has(hex)) throw new Error(`message ${hex} expired before it was inducted`);
    if (this.#history.status(messageId)?.state.kind === 'done') throw new Error(`message ${hex} is done; its answer was dropped from the ingress history`);
    return { kind: 'pending' };
  }

  /** A query on the last committed round, its result as the query handler gives it. */
  runQuery(query: UserQuery): Promise<QueryResult> {
    return this.#queries.query(this.#committed, query);
  }

  /**
   * A query on the last committed round (to `aaaaa-aa` for its query methods).
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

  /** A canister's balance in the last committed state, cycles. @throws {UserErrorException} if it is not here. */
  cycleBalance(canisterId: CanisterId): bigint {
    const c = this.#committed.canister(canisterId);
    if (c === undefined) throw new UserErrorException(userError(ErrorCode.CanisterNotFound, `Canister ${canisterId.toText()} not found`));
    return c.systemState.balance;
  }

  /** The outcalls waiting for `mockHttpOutcall`, by id. @throws {TypeError} without the manual adapter. */
  pendingHttpOutcalls(): CanisterHttpAdapterRequest[] {
    return this.#manual().pending();
  }

  /** Answers a pending outcall; the answer goes into the next batch. @throws {RangeError} if not pending. */
  mockHttpOutcall(requestId: bigint, answer: MockHttpOutcallAnswer): void {
    this.#manual().respond(requestId, answer);
  }

  #manual(): ManualHttpAdapter {
    if (this.#manualOutcalls === undefined) throw new TypeError("HTTPS outcalls are mocked only with the manual adapter (httpOutcalls: 'manual')");
    return this.#manualOutcalls;
  }

  /** Waits for the running tick and stops the outcall pool. The subnet is unusable afterwards. */
  async close(): Promise<void> {
    await this.#busy;
    this.#outcalls.close();
  }
}
