// The management canister's query methods on hand-built states: every
// `log_visibility` and `status_visibility`, the `canister_status` figures
// against the cycles account manager, `canister_info`'s changes, and the
// errors of the query path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { CyclesAccountManager } from '../cycles/index.ts';
import { ErrorCode, formatUserError } from '../errors/index.ts';
import { CanisterState, ReplicatedState, SystemState, newSchedulerState, stateHash } from '../state/index.ts';
import type { LogVisibility } from '../state/index.ts';
import { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import { CanisterIdRecord, encode, toPrincipal } from './candid.ts';
import { CanisterInfoArgs, CanisterInfoResult } from './canister-info.ts';
import { CanisterStatusResult, canisterStatusValue, memoryMetrics } from './canister-status.ts';
import { FetchCanisterLogsArgs, FetchCanisterLogsResult } from './logs.ts';
import { ManagementQueries } from './queries.ts';
import type { ManagementQueryResult } from './queries.ts';

const SUBNET = SubnetId.fromPrincipalId(PrincipalId.fromUint8Array(Uint8Array.of(0x5b, 1)));
const ID = CanisterId.fromU64(7n);
const CONTROLLER = PrincipalId.fromUint8Array(Uint8Array.of(0xc0));
const VIEWER = PrincipalId.fromUint8Array(Uint8Array.of(0x71));
const OTHER = PrincipalId.fromUint8Array(Uint8Array.of(0x0e));
const T = 1_735_689_600_000_000_000n;
const cycles = new CyclesAccountManager();
const queries = new ManagementQueries({ cycles });

function stateWith(setup: (c: CanisterState) => void = () => undefined): ReplicatedState {
  const state = ReplicatedState.empty(SUBNET, 'application', [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(0xffffn) }]);
  const sys = new SystemState({ canisterId: ID, controllers: [CONTROLLER], cycles: 5_000_000_000_000n });
  sys.addCanisterChange(T, { kind: 'fromUser', userId: CONTROLLER }, { kind: 'creation', controllers: [CONTROLLER] });
  sys.canisterVersion = 1n;
  sys.addCanisterChange(T + 1n, { kind: 'fromCanister', canisterId: CanisterId.fromU64(9n), canisterVersion: 4n }, { kind: 'controllersChange', controllers: [CONTROLLER, VIEWER] });
  sys.canisterLog.append([{ idx: 0n, timestampNanos: T, content: Uint8Array.of(104, 105) }]);
  const c = new CanisterState(sys, undefined, newSchedulerState(T));
  setup(c);
  state.putCanister(c);
  return state;
}

const logsArg = encode([FetchCanisterLogsArgs], [{ canister_id: toPrincipal(ID), filter: [] }]);
const statusArg = encode([CanisterIdRecord], [{ canister_id: toPrincipal(ID) }]);
const errorText = (r: ManagementQueryResult): string => ('error' in r ? formatUserError(r.error) : 'reply');

const VISIBILITIES: readonly [string, LogVisibility, readonly PrincipalId[], readonly PrincipalId[]][] = [
  ['controllers', { kind: 'controllers' }, [CONTROLLER], [VIEWER, OTHER]],
  ['public', { kind: 'public' }, [CONTROLLER, VIEWER, OTHER], []],
  ['allowed_viewers', { kind: 'allowedViewers', principals: [VIEWER] }, [CONTROLLER, VIEWER], [OTHER]],
];

describe('management queries', () => {
  for (const [name, visibility, allowed, denied] of VISIBILITIES) {
    it(`fetch_canister_logs honours log_visibility ${name}`, () => {
      const state = stateWith((c) => { c.systemState.logVisibility = visibility; });
      for (const sender of allowed) {
        const r = queries.query(state, { sender, methodName: 'fetch_canister_logs', arg: logsArg });
        assert.ok('reply' in r, errorText(r));
        const [v] = IDL.decode([FetchCanisterLogsResult], r.reply) as unknown as [{ canister_log_records: { content: number[] }[] }];
        assert.deepEqual(v.canister_log_records.map((x) => Buffer.from(Uint8Array.from(x.content)).toString()), ['hi']);
      }
      for (const sender of denied) {
        const r = queries.query(state, { sender, methodName: 'fetch_canister_logs', arg: logsArg });
        assert.equal(errorText(r), `IC0406: Caller ${sender.toText()} is not allowed to access canister logs`);
      }
    });

    it(`canister_status honours status_visibility ${name} (and the canister itself)`, () => {
      const state = stateWith((c) => { c.systemState.statusVisibility = visibility; });
      for (const sender of [...allowed, ID]) {
        const r = queries.query(state, { sender, methodName: 'canister_status', arg: statusArg });
        assert.ok('reply' in r, errorText(r));
      }
      for (const sender of denied) {
        const r = queries.query(state, { sender, methodName: 'canister_status', arg: statusArg });
        assert.ok('error' in r);
        assert.equal(r.error.code, ErrorCode.CanisterStatusAccessDenied);
        assert.equal(errorText(r), `IC0542: Caller ${sender.toText()} is not allowed to read the canister status`);
      }
    });
  }

  it('canister_status: settings, balances, the idle burn rate of the cycles account manager, zero query stats', () => {
    const state = stateWith((c) => {
      const s = c.systemState;
      s.freezeThreshold = 1234n;
      s.computeAllocation = 3n;
      s.memoryAllocation = 1n << 20n;
      s.reservedBalanceLimit = 9n;
      s.wasmMemoryThreshold = 77n;
      s.environmentVariables.set('b', '2');
      s.environmentVariables.set('a', '1');
      s.statusVisibility = { kind: 'allowedViewers', principals: [VIEWER] };
    });
    const c = state.canister(ID) as CanisterState;
    const r = queries.query(state, { sender: CONTROLLER, methodName: 'canister_status', arg: statusArg });
    assert.ok('reply' in r);
    const [v] = IDL.decode([CanisterStatusResult], r.reply) as unknown as [Record<string, never>];
    const expected = canisterStatusValue(c, cycles);
    assert.deepEqual(IDL.decode([CanisterStatusResult], encode([CanisterStatusResult], [expected])), [v]);
    const settings = v.settings as Record<string, unknown>;
    assert.equal(settings.freezing_threshold, 1234n);
    assert.equal(settings.compute_allocation, 3n);
    assert.equal(settings.memory_allocation, 1n << 20n);
    assert.equal(settings.reserved_cycles_limit, 9n);
    assert.equal(settings.wasm_memory_limit, 0n);
    assert.deepEqual(settings.environment_variables, [{ name: 'a', value: '1' }, { name: 'b', value: '2' }]);
    assert.deepEqual((settings.status_visibility as { allowed_viewers: { toText(): string }[] }).allowed_viewers.map((x) => x.toText()), [VIEWER.toText()]);
    assert.equal(v.idle_cycles_burned_per_day, cycles.idleCyclesBurnedRate(c.systemState, { memoryUsage: c.memoryUsage(), messageMemoryUsage: c.messageMemoryUsage() }));
    assert.ok((v.idle_cycles_burned_per_day as bigint) > 0n);
    assert.equal(v.cycles, 5_000_000_000_000n);
    assert.deepEqual(v.module_hash, []);
    assert.equal(v.memory_size, c.memoryUsage());
    const m = memoryMetrics(c);
    assert.equal(Object.values(m).reduce((a, b) => a + b, 0n), c.memoryUsage());
    assert.equal(m.canister_history_size, BigInt(c.systemState.canisterHistory.memoryUsage));
  });

  it('canister_info: changes with both origins, by anyone', () => {
    const state = stateWith();
    const arg = encode([CanisterInfoArgs], [{ canister_id: toPrincipal(ID), num_requested_changes: [5n] }]);
    const r = queries.query(state, { sender: OTHER, methodName: 'canister_info', arg });
    assert.ok('reply' in r);
    const [v] = IDL.decode([CanisterInfoResult], r.reply) as unknown as [{ total_num_changes: bigint; recent_changes: { origin: Record<string, Record<string, unknown>>; details: Record<string, unknown>; canister_version: bigint }[] }];
    assert.equal(v.total_num_changes, 2n);
    assert.deepEqual(v.recent_changes.map((c) => c.canister_version), [0n, 1n]);
    const fromCanister = v.recent_changes[1].origin.from_canister as { canister_id: { toText(): string }; canister_version: bigint[] };
    assert.equal(fromCanister.canister_id.toText(), CanisterId.fromU64(9n).toText());
    assert.deepEqual(fromCanister.canister_version, [4n]);
    assert.deepEqual(Object.keys(v.recent_changes[1].details), ['controllers_change']);
  });

  it('errors: missing canister without a period, IC0408, unknown query method; the state is not changed', () => {
    const state = stateWith();
    const before = Buffer.from(stateHash(state)).toString('hex');
    const missing = CanisterId.fromU64(8n);
    const missingArg = encode([CanisterIdRecord], [{ canister_id: toPrincipal(missing) }]);
    for (const m of ['canister_status', 'fetch_canister_logs']) {
      const arg = m === 'canister_status' ? missingArg : encode([FetchCanisterLogsArgs], [{ canister_id: toPrincipal(missing), filter: [] }]);
      assert.equal(errorText(queries.query(state, { sender: CONTROLLER, methodName: m, arg })), `IC0301: Canister ${missing.toText()} not found`);
      assert.match(errorText(queries.query(state, { sender: CONTROLLER, methodName: m, arg: encode([IDL.Nat], [1n]) })), /^IC0408: Error decoding candid: /);
    }
    for (const m of ['install_code', 'canister_metadata', 'raw_rand', 'nope']) {
      assert.equal(errorText(queries.query(state, { sender: CONTROLLER, methodName: m, arg: statusArg })), `IC0536: Query method ${m} not found.`);
    }
    assert.equal(Buffer.from(stateHash(state)).toString('hex'), before);
  });
});
