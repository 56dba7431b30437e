/**
 * One PocketIC instance: its subnets (`SubnetNetwork`), one manual clock
 * they share, and the rules of PocketIC's time:
 * - it starts at 2021-05-06T19:17:10Z (PocketIC's default) unless
 *   `initial_time` says otherwise;
 * - `get_time` is the time last set, or the last round's if later (a round
 *   without a time change is 1 ns after the previous one);
 * - `set_time` moves the time of the next round; setting a time earlier
 *   than `get_time` fails at once with `SettingTimeIntoPast((now, new))`;
 * - `set_certified_time` also commits the time on every subnet, so
 *   queries see it before the next round.
 *
 * Operations on an instance run one at a time, in arrival order
 * (`exclusive`): a tick never interleaves with a call that reads the
 * state, and auto progress (live mode) takes its turn like any request.
 */
import { ManualClock } from '../env/index.ts';
import { time } from '../types/index.ts';
import type { SubnetId } from '../types/index.ts';
import { networkSubnets } from './subnets.ts';
import type { PocketSubnet, SubnetNetwork } from './subnets.ts';
import { allRanges, defaultSubnet, firstId } from './topology.ts';
import type { SubnetPlan } from './topology.ts';
import { b64, rawCanister } from './wire.ts';

/** PocketIC's default start time, 2021-05-06T19:17:10Z, nanoseconds. */
export const POCKET_IC_START_TIME = 1_620_328_630_000_000_000n;

/** An operation's answer: a value for a 200, or an error message for a 4xx. */
export type OpResult<T = unknown> = { ok: true; value: T } | { ok: false; status: number; message: string };
export const done = <T>(value: T): OpResult<T> => ({ ok: true, value });
export const failed = (message: string, status = 400): OpResult<never> => ({ ok: false, status, message });

/** Builds the network of an instance's subnets (src/network's `Network` by default). */
export type NetworkFactory = (plans: readonly SubnetPlan[], clock: ManualClock) => Promise<SubnetNetwork>;

/** How auto progress runs: a round every `intervalMs`, the clock following the wall clock. */
interface AutoProgress { readonly timer: NodeJS.Timeout; readonly intervalMs: number }

const DEFAULT_AUTO_PROGRESS_MS = 100;
const MAX_REMEMBERED_MESSAGES = 100_000;

/** See the module header. */
export class PocketIcInstance {
  readonly id: number;
  readonly network: SubnetNetwork;
  readonly clock: ManualClock;
  #queue: Promise<unknown> = Promise.resolve();
  #autoProgress: AutoProgress | undefined;
  #closed = false;
  /** The subnet each submitted message went to, by hex message id (the newest {@link MAX_REMEMBERED_MESSAGES}). */
  readonly #messages = new Map<string, PocketSubnet>();
  /** The next canister log index not yet printed, by canister. */
  readonly #logSeen = new Map<string, bigint>();

  private constructor(id: number, network: SubnetNetwork, clock: ManualClock) {
    this.id = id;
    this.network = network;
    this.clock = clock;
  }

  /** An instance with the planned subnets, its clock at `startTime`. */
  static async create(id: number, plans: readonly SubnetPlan[], startTime: bigint, factory: NetworkFactory = networkSubnets): Promise<PocketIcInstance> {
    const clock = new ManualClock(time(startTime));
    return new PocketIcInstance(id, await factory(plans, clock), clock);
  }

  get closed(): boolean { return this.#closed; }

  /** Runs `op` after every operation already queued on this instance, alone. */
  exclusive<T>(op: () => Promise<T> | T): Promise<T> {
    const run = this.#queue.then(op);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  rememberMessage(id: Uint8Array, subnet: PocketSubnet): void {
    this.#messages.set(Buffer.from(id).toString('hex'), subnet);
    if (this.#messages.size > MAX_REMEMBERED_MESSAGES) this.#messages.delete(this.#messages.keys().next().value as string);
  }

  messageSubnet(id: Uint8Array): PocketSubnet | undefined {
    return this.#messages.get(Buffer.from(id).toString('hex'));
  }

  /** Where calls without a target go and what a gateway serves: the first application subnet (else verified-application, system, any). */
  defaultSubnet(): PocketSubnet | undefined {
    return defaultSubnet(this.network.subnets);
  }

  subnet(id: SubnetId): PocketSubnet | undefined {
    return this.network.subnets.find((s) => s.id.equals(id));
  }

  // ---- topology --------------------------------------------------------

  /** The `Topology` JSON (`/_/topology`, and `topology` in `POST /instances`' answer). */
  topology(): { subnet_configs: Record<string, unknown>; default_effective_canister_id: { canister_id: string } } {
    const configs: Record<string, unknown> = {};
    for (const s of this.network.subnets) {
      configs[s.id.toText()] = {
        subnet_kind: s.plan.kind,
        subnet_seed: [...s.plan.seed],
        node_ids: [{ node_id: b64(s.node.nodeId.bytesView()) }],
        canister_ranges: allRanges(s.plan).map((r) => ({ start: rawCanister(r.start), end: rawCanister(r.end) })),
        instruction_config: s.plan.instructionConfig,
        cost_schedule: s.plan.costSchedule,
        size: s.plan.size,
      };
    }
    const first = defaultSubnet(this.network.subnets);
    const ecid = first === undefined ? '' : b64(firstId(first.plan).bytesView());
    return { subnet_configs: configs, default_effective_canister_id: { canister_id: ecid } };
  }

  // ---- time ------------------------------------------------------------

  /** The instance's time (see the module header), nanoseconds. */
  now(): bigint {
    let t: bigint = this.clock.nowNanos();
    for (const s of this.network.subnets) if (s.replica.time > t) t = s.replica.time;
    return t;
  }

  /** `set_time` / `set_certified_time` (see the module header). */
  async setTime(nanos: bigint, certified: boolean): Promise<OpResult<null>> {
    const current = this.now();
    if (nanos < current) return failed(`SettingTimeIntoPast((${current}, ${nanos}))`);
    this.clock.setTime(time(nanos));
    if (certified) {
      for (const s of this.network.subnets) await s.replica.editState((state) => { state.metadata.batchTime = time(nanos); });
    }
    return done(null);
  }

  /** One round on every subnet; canister log records the round added go to stderr (pic-js `showCanisterLogs`). */
  async tick(): Promise<void> {
    await this.network.tick();
    this.#printCanisterLogs();
  }

  #printCanisterLogs(): void {
    for (const s of this.network.subnets) {
      for (const c of s.replica.committedState.canisters()) {
        const log = c.systemState.canisterLog;
        const id = c.canisterId.toText();
        const seen = this.#logSeen.get(id) ?? 0n;
        if (log.nextIdx <= seen) continue;
        this.#logSeen.set(id, log.nextIdx);
        for (const r of log.records) {
          if (r.idx >= seen) process.stderr.write(`[Canister ${id}] ${Buffer.from(r.content).toString('utf8')}\n`);
        }
      }
    }
  }

  // ---- auto progress (live mode) ---------------------------------------

  get autoProgressEnabled(): boolean { return this.#autoProgress !== undefined; }

  /**
   * Rounds every `intervalMs` (default 100), the clock moved to the wall
   * clock first when it is behind.
   * @returns an error if auto progress is already on.
   */
  startAutoProgress(intervalMs: number | undefined): OpResult<null> {
    if (this.#autoProgress !== undefined) return failed('Auto progress mode has already been enabled.');
    const ms = intervalMs === undefined || intervalMs <= 0 ? DEFAULT_AUTO_PROGRESS_MS : intervalMs;
    const step = (): void => {
      void this.exclusive(async () => {
        if (this.#autoProgress === undefined || this.#closed) return;
        const wall = BigInt(Date.now()) * 1_000_000n;
        if (wall > this.clock.nowNanos()) this.clock.setTime(time(wall));
        await this.tick();
      }).catch((e: unknown) => { process.stdout.write(`auto progress of instance ${this.id}: ${(e as Error).message}\n`); });
    };
    this.#autoProgress = { timer: setInterval(step, ms), intervalMs: ms };
    step();
    return done(null);
  }

  stopAutoProgress(): void {
    if (this.#autoProgress !== undefined) clearInterval(this.#autoProgress.timer);
    this.#autoProgress = undefined;
  }

  /** Stops auto progress and closes the subnets (after queued operations). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.stopAutoProgress();
    await this.exclusive(() => this.network.close());
  }
}
