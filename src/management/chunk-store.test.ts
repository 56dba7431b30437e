// upload_chunk's charges and checks in the replica's order, on a management
// context built by hand: the charge (execution_cost of 200M instructions on
// application subnets, nothing on system subnets) is taken before the chunk
// is looked at and stays taken when a later check fails; a stored chunk
// counts against the round (200M), the heap-delta debit and estimate (1 MiB);
// the out-of-cycles, heap-delta rate-limit and freezing-threshold errors
// carry the replica's texts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { APPLICATION_SUBNET_SCHEDULER_CONFIG, SYSTEM_SUBNET_SCHEDULER_CONFIG } from '../config/index.ts';
import { CyclesAccountManager } from '../cycles/index.ts';
import { ErrorCode, docRef } from '../errors/index.ts';
import { ExecutionEnvironment } from '../execution/index.ts';
import { Hypervisor } from '../hypervisor/index.ts';
import { CHUNK_SIZE, CanisterState, IngressHistoryState, ReplicatedState, SystemState, newIngress, newSchedulerState } from '../state/index.ts';
import { CanisterId, PrincipalId, SubnetId, time } from '../types/index.ts';
import { handlers } from './chunk-store.ts';
import type { ManagementContext, ManagementOutcome } from './types.ts';

const USER = PrincipalId.fromUint8Array(Uint8Array.of(1, 2, 3));
const ID = CanisterId.fromU64(7n);
const T0 = time(1_700_000_000_000_000_000n);
const hv = new Hypervisor();
const HELP = `\nUse the \`stored_chunks\` API to check which hashes are present or top up the canister if it is low on cycles. See documentation: ${docRef('wasm-chunk-store-error')}`;

function context(subnetType: 'application' | 'system' = 'application', cycles = 100_000_000_000_000n): ManagementContext {
  const subnet = SubnetId.fromUint8Array(Uint8Array.of(1));
  const state = ReplicatedState.empty(subnet, subnetType, [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(99n) }]);
  state.putCanister(new CanisterState(new SystemState({ canisterId: ID, controllers: [USER], cycles }), undefined, newSchedulerState(T0)));
  const cam = new CyclesAccountManager({ subnetType, subnetSize: 13 });
  const execution = new ExecutionEnvironment({
    hypervisor: hv, cycles: cam, subnetType, ownSubnetId: subnet, subnetSize: 13,
    schedulerConfig: subnetType === 'application' ? APPLICATION_SUBNET_SCHEDULER_CONFIG : SYSTEM_SUBNET_SCHEDULER_CONFIG,
  });
  return {
    state, round: { time: T0, randomness: new Uint8Array(32), ingressHistory: new IngressHistoryState(), roundInstructionsLeft: { value: 250_000_000n } },
    env: { execution, cycles: cam, ownSubnetId: subnet, subnetType, subnetSize: 13, schedulerCores: 4 },
  };
}

function upload(ctx: ManagementContext, chunk: Uint8Array): ManagementOutcome {
  const arg = new Uint8Array(IDL.encode([IDL.Record({ canister_id: IDL.Principal, chunk: IDL.Vec(IDL.Nat8) })],
    [{ canister_id: Principal.fromUint8Array(Uint8Array.from(ID.bytesView())), chunk }]));
  const message = newIngress({ source: USER, receiver: ID, methodName: 'upload_chunk', methodPayload: arg, messageId: new Uint8Array(32), expiryTime: T0 });
  return handlers.upload_chunk({ method: 'upload_chunk', arg, sender: USER, payment: 0n, message }, ctx) as ManagementOutcome;
}

const canister = (ctx: ManagementContext): CanisterState => ctx.state.canister(ID) as CanisterState;

describe('upload_chunk charges and checks', () => {
  it('charges execution_cost(200M) first; a stored chunk costs the round 200M and 1 MiB of heap delta; a known one only the charge', () => {
    const ctx = context();
    const fee = ctx.env.cycles.executionCost(200_000_000n);
    assert.equal(fee, 205_000_000n, 'the 5M message fee + 200M instructions at 1 cycle each on a 13-node subnet');
    const b0 = canister(ctx).systemState.balance;
    assert.equal(upload(ctx, Uint8Array.of(1)).kind, 'reply');
    assert.equal(b0 - canister(ctx).systemState.balance, fee);
    assert.equal(ctx.round.roundInstructionsLeft.value, 50_000_000n);
    assert.equal(canister(ctx).schedulerState.heapDeltaDebit, CHUNK_SIZE);
    assert.equal(ctx.state.metadata.heapDeltaEstimate, CHUNK_SIZE);
    assert.equal(upload(ctx, Uint8Array.of(1)).kind, 'reply');
    assert.equal(b0 - canister(ctx).systemState.balance, 2n * fee, 'the hash is paid for again');
    assert.equal(ctx.round.roundInstructionsLeft.value, 50_000_000n);
    const tooBig = upload(ctx, new Uint8Array(Number(CHUNK_SIZE) + 1));
    assert.ok(tooBig.kind === 'reject' && tooBig.error.code === ErrorCode.CanisterContractViolation);
    assert.equal(b0 - canister(ctx).systemState.balance, 3n * fee, 'the charge stays taken when the chunk is refused');
    assert.equal(canister(ctx).systemState.wasmChunkStore.size, 1);
  });

  it('is free on system subnets', () => {
    const ctx = context('system');
    const b0 = canister(ctx).systemState.balance;
    assert.equal(upload(ctx, Uint8Array.of(1)).kind, 'reply');
    assert.equal(canister(ctx).systemState.balance, b0);
  });

  it('out of cycles, heap-delta rate limited, below the freezing threshold: the replica\'s errors', () => {
    const poor = context('application', 1_000n);
    assert.deepEqual(upload(poor, Uint8Array.of(1)), { kind: 'reject', error: {
      code: ErrorCode.CanisterContractViolation,
      description: `Error from Wasm chunk store: Error charging for 'upload_chunk': Canister ${ID.toText()} is out of cycles: `
        + `please top up the canister with at least 204_999_000 additional cycles.${HELP}`,
    } });
    const limited = context();
    (limited.state.canisterMut(ID) as CanisterState).schedulerState.heapDeltaDebit = APPLICATION_SUBNET_SCHEDULER_CONFIG.heapDeltaRateLimit;
    assert.deepEqual(upload(limited, Uint8Array.of(1)), { kind: 'reject', error: {
      code: ErrorCode.CanisterContractViolation,
      description: `Error from Wasm chunk store: Canister is heap delta rate limited. Current delta debit: ${APPLICATION_SUBNET_SCHEDULER_CONFIG.heapDeltaRateLimit}, `
        + `limit: ${APPLICATION_SUBNET_SCHEDULER_CONFIG.heapDeltaRateLimit}.${HELP}`,
    } });
    const frozen = context();
    const sys = (frozen.state.canisterMut(ID) as CanisterState).systemState;
    sys.freezeThreshold = 100_000_000_000n;
    const threshold = frozen.env.cycles.freezeThreshold(sys, { memoryUsage: CHUNK_SIZE, messageMemoryUsage: 0n });
    const out = upload(frozen, Uint8Array.of(1));
    const missing = (threshold - (100_000_000_000_000n - 205_000_000n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_');
    assert.deepEqual(out, { kind: 'reject', error: {
      code: ErrorCode.InsufficientCyclesInMemoryGrow,
      description: `Canister cannot grow memory by 1048576 bytes due to insufficient cycles. At least ${missing} additional cycles are required.\n`
        + `Top up the canister with more cycles. See documentation: ${docRef('insufficient-cycles-in-memory-grow-1')}`,
    } });
    assert.equal(canister(frozen).systemState.wasmChunkStore.size, 0);
  });
});
