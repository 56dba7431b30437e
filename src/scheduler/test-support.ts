// Builders for the scheduler's unit tests (not exported from index.ts).
import type { Batch } from '../consensus/index.ts';
import { APPLICATION_SUBNET_SCHEDULER_CONFIG } from '../config/index.ts';
import type { SchedulerConfig } from '../config/index.ts';
import { CanisterState, ReplicatedState, SystemState, newIngress, newSchedulerState, pushIngress } from '../state/index.ts';
import type { Ingress, Request } from '../state/index.ts';
import type { OutgoingRequest } from '../system-api/index.ts';
import { CanisterId, PrincipalId, SubnetId, numInstructions, time } from '../types/index.ts';
import type { CanisterExecutor, CanisterInput, ExecuteMessageOutcome, RoundContext, SystemTask } from './types.ts';

export const SUBNET = SubnetId.fromUint8Array(Uint8Array.of(0x53, 0x55, 0x42, 1));
export const USER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x01));
export const T0 = 1_700_000_000_000_000_000n;
export const RANGE = { start: CanisterId.fromU64(0n), end: CanisterId.fromU64(0xfffffn) };

/** A canister without code, with `computeAllocation` percent. */
export function emptyCanister(n: bigint, computeAllocation = 0n): CanisterState {
  const s = new SystemState({ canisterId: CanisterId.fromU64(n), controllers: [USER], cycles: 10n ** 15n });
  s.computeAllocation = computeAllocation;
  return new CanisterState(s, undefined, newSchedulerState(T0));
}

/** A state with canisters 1..n (compute allocations from `cas`, default 0). */
export function stateWith(n: number, cas: readonly bigint[] = []): ReplicatedState {
  const state = ReplicatedState.empty(SUBNET, 'application', [RANGE]);
  for (let i = 1; i <= n; i++) state.putCanister(emptyCanister(BigInt(i), cas[i - 1] ?? 0n));
  return state;
}

export const id = (n: number | bigint): CanisterId => CanisterId.fromU64(BigInt(n));
export const u64s = (ids: readonly CanisterId[]): bigint[] => ids.map((c) => c.toU64() as bigint);

/**
 * Makes `n` guaranteed-response calls from `from` to `to` the way an
 * execution commits them (`applyModifications`: callbacks registered,
 * requests queued); method names `m0`, `m1`, …; returns the requests.
 */
export function makeCalls(state: ReplicatedState, from: CanisterId, to: CanisterId, n: number, opts: { cycles?: bigint; deadline?: bigint } = {}): Request[] {
  const c = state.canisterMut(from) as CanisterState;
  const ccm = c.systemState.callContextManager;
  if (ccm === undefined) throw new Error('stopped');
  const ctx = ccm.newCallContext({ kind: 'systemTask' }, 0n, time(T0), { callTreeDepth: 0n, callTreeStartTime: time(T0) });
  const requests: OutgoingRequest[] = [];
  for (let i = 0; i < n; i++) {
    requests.push({
      callbackId: ccm.nextCallbackId + BigInt(i) + 1n, callContextId: ctx, receiver: to, methodName: `m${i}`, payload: Uint8Array.of(i & 0xff),
      cycles: opts.cycles ?? 0n, onReply: { fun: 1, env: 0n }, onReject: { fun: 2, env: 0n }, deadline: opts.deadline ?? 0n,
      prepaymentForResponseExecution: 0n, prepaymentForResponseTransmission: 0n,
    });
  }
  const mods = { balanceChange: -(opts.cycles ?? 0n) * BigInt(n), cyclesAccepted: 0n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, requests, canisterLog: [] };
  return [...c.systemState.applyModifications(mods, { time: time(T0), callContextId: ctx }).requests];
}

/**
 * A fake execution environment for scheduler tests. Canisters need no code:
 * an ingress message `burn:<n>` uses n instructions and replies; `long:<k>:<n>`
 * runs k slices of n instructions (DTS); a heartbeat uses 10 instructions.
 * It keeps the contract of the real one: the canister is updated in place,
 * the round budget decreases, ingress statuses are written to the round's
 * history. `log` records every execution as `<canister u64>:<what>`.
 */
export class FakeExecutor implements CanisterExecutor {
  readonly log: string[] = [];
  readonly #paused = new Map<string, number>();
  #nextId = 1;

  #finish(canister: CanisterState, round: RoundContext, used: bigint, ingress?: Ingress): ExecuteMessageOutcome {
    round.roundInstructionsLeft.value -= used;
    if (ingress !== undefined) {
      round.ingressHistory.setStatus(ingress.messageId, {
        receiver: ingress.receiver, userId: ingress.source, time: round.time, state: { kind: 'completed', result: { kind: 'reply', payload: Uint8Array.of(1) } },
      }, round.time, 1n << 40n);
    }
    return { kind: 'finished', canister, instructionsUsed: numInstructions(used), heapDeltaBytes: 0n };
  }

  async executeCanisterInput(canister: CanisterState, input: CanisterInput, round: RoundContext): Promise<ExecuteMessageOutcome> {
    if (input.kind !== 'ingress') return this.#finish(canister, round, 1n);
    const [kind, a, b] = input.ingress.methodName.split(':');
    this.log.push(`${canister.canisterId.toU64()}:${input.ingress.methodName}`);
    if (kind === 'long') {
      const key = canister.canisterId.toText();
      this.#paused.set(key, Number(a) - 1);
      canister.systemState.taskQueue.enqueue({ kind: 'pausedExecution', id: this.#nextId++, input: { kind: 'message', message: input.ingress } });
      round.roundInstructionsLeft.value -= BigInt(b);
      round.ingressHistory.setStatus(input.ingress.messageId, {
        receiver: input.ingress.receiver, userId: input.ingress.source, time: round.time, state: { kind: 'processing' },
      }, round.time, 1n << 40n);
      return { kind: 'paused', canister, instructionsUsed: numInstructions(BigInt(b)) };
    }
    return this.#finish(canister, round, BigInt(a), input.ingress);
  }

  async resumePausedExecution(canister: CanisterState, round: RoundContext): Promise<ExecuteMessageOutcome> {
    const front = canister.systemState.taskQueue.front();
    if (front?.kind === 'abortedExecution') {
      canister.systemState.taskQueue.popFront();
      const m = front.input.kind === 'message' ? front.input.message : undefined;
      if (m?.kind !== 'ingress') throw new Error('fake: aborted non-ingress');
      this.log.push(`${canister.canisterId.toU64()}:restart`);
      return this.executeCanisterInput(canister, { kind: 'ingress', ingress: m }, round);
    }
    if (front?.kind !== 'pausedExecution') throw new Error('fake: nothing paused');
    const key = canister.canisterId.toText();
    const left = (this.#paused.get(key) ?? 0) - 1;
    const m = front.input.kind === 'message' ? front.input.message : undefined;
    const n = m?.kind === 'ingress' ? BigInt(m.methodName.split(':')[2]) : 1n;
    this.log.push(`${canister.canisterId.toU64()}:slice`);
    if (left > 0) {
      this.#paused.set(key, left);
      round.roundInstructionsLeft.value -= n;
      return { kind: 'paused', canister, instructionsUsed: numInstructions(n) };
    }
    this.#paused.delete(key);
    canister.systemState.taskQueue.popFront();
    return this.#finish(canister, round, n, m?.kind === 'ingress' ? m : undefined);
  }

  abortPausedExecution(canister: CanisterState): CanisterState {
    const front = canister.systemState.taskQueue.front();
    if (front?.kind !== 'pausedExecution') throw new Error('fake: nothing to abort');
    this.#paused.delete(canister.canisterId.toText());
    canister.systemState.taskQueue.replacePausedWithAborted({ kind: 'abortedExecution', input: front.input, prepaidExecutionCycles: 0n });
    this.log.push(`${canister.canisterId.toU64()}:abort`);
    return canister;
  }

  async executeSystemTask(canister: CanisterState, task: SystemTask, round: RoundContext): Promise<ExecuteMessageOutcome> {
    this.log.push(`${canister.canisterId.toU64()}:${task}`);
    return this.#finish(canister, round, 10n);
  }
}

/** A tiny scheduler config: 4 cores, round 1,000, slice 100 (so 901 per thread), no overheads. */
export const TINY_CONFIG: SchedulerConfig = Object.freeze({
  ...APPLICATION_SUBNET_SCHEDULER_CONFIG,
  maxInstructionsPerRound: numInstructions(1_000n),
  maxInstructionsPerSlice: numInstructions(100n),
  maxInstructionsPerInstallCodeSlice: numInstructions(100n),
  instructionOverheadPerExecution: numInstructions(0n),
  instructionOverheadPerCanister: numInstructions(0n),
  instructionOverheadPerCanisterForFinalization: numInstructions(0n),
});

let batchHeight = 0n;
/** A batch at the next height (time T0 + height seconds), with no ingress. */
export function nextBatch(opts: { height?: bigint; checkpoint?: boolean } = {}): Batch {
  const height = opts.height ?? ++batchHeight;
  return { height: height as Batch['height'], time: time(T0 + height * 1_000_000_000n), randomness: new Uint8Array(32).fill(Number(height % 256n)), ingress: [], requiresFullStateHash: opts.checkpoint ?? false };
}

/** Queues an ingress message `method` to canister `n` (message id from `seq`). */
export function queueIngress(state: ReplicatedState, n: number, method: string, seq: number, expiry = T0 + 10n ** 12n): Ingress {
  const messageId = new Uint8Array(32);
  new DataView(messageId.buffer).setUint32(28, seq);
  const msg = newIngress({ source: USER, receiver: id(n), methodName: method, methodPayload: new Uint8Array(0), messageId, expiryTime: time(expiry) });
  pushIngress((state.canisterMut(id(n)) as CanisterState).systemState, msg);
  state.metadata.ingressHistory.setStatus(messageId, { receiver: id(n), userId: USER, time: time(T0), state: { kind: 'received' } }, T0, 1n << 40n);
  return msg;
}
