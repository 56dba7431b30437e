// A committed state for the state manager's tests and benchmark: canisters
// (the first ones with a module carrying metadata sections), an ingress
// history with every kind of status, and root-subnet keys.
import { BlsKeyPair } from '../crypto/index.ts';
import { ErrorCode, userError } from '../errors/index.ts';
import { CanisterState, ReplicatedState, SystemState, newExecutionState, newSchedulerState } from '../state/index.ts';
import type { IngressStatus } from '../state/index.ts';
import { CanisterId, PrincipalId, height, time } from '../types/index.ts';
import { CompileCache } from '../wasm/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import { rootSubnetKeys } from './certified-state.ts';
import type { SubnetCertificationKeys } from './certified-state.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export const CANDID = 'service : { greet : (text) -> (text) query }';
export const USER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x02));
export const ED25519_DER_PREFIX = '302a300506032b6570032100';
export const NODE_ID = PrincipalId.fromUint8Array(new Uint8Array(29).fill(0x42));
export const NODE_KEY = Uint8Array.from(Buffer.from(ED25519_DER_PREFIX + '11'.repeat(32), 'hex'));

function custom(name: string, data: Uint8Array): number[] {
  const payload = [utf8(name).length, ...utf8(name), ...data];
  return [0, payload.length, ...payload];
}

/** A module with one memory and two metadata sections (public candid, private git). */
export function metadataWasm(): Uint8Array {
  return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1,
    ...custom('icp:public candid:service', utf8(CANDID)), ...custom('icp:private git', utf8('abc123'))]);
}

let compiledOnce: CompiledModule | undefined;
export function compiledModule(): CompiledModule {
  if (compiledOnce === undefined) {
    const r = new CompileCache().get(metadataWasm());
    if (!r.ok) throw new Error(r.error.description);
    compiledOnce = r.compiled;
  }
  return compiledOnce;
}

export interface Fixture {
  readonly state: ReplicatedState;
  readonly keys: SubnetCertificationKeys;
  readonly ids: readonly CanisterId[];
  /** Request ids: replied, rejected by the canister, failed, processing (then `statuses - 4` more replied, each its own reply). */
  readonly requests: readonly Uint8Array[];
}

const CAPACITY = 1n << 40n;

export function requestId(i: number): Uint8Array {
  const id = new Uint8Array(32);
  new DataView(id.buffer).setUint32(0, Math.imul(i + 1, 2654435761) >>> 0);
  new DataView(id.buffer).setUint32(28, i);
  return id;
}

/** A state at `nowNanos` with `canisters` canisters (`withCode` of them installed) and `statuses` request statuses. */
export function fixture(opts: { nowNanos: bigint; canisters?: number; withCode?: number; statuses?: number; seed?: number }): Fixture {
  const n = opts.canisters ?? 3;
  const key = BlsKeyPair.fromSeed(new Uint8Array(32).fill(opts.seed ?? 7));
  const keys = rootSubnetKeys(key, {
    canisterRanges: [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(0xfffffn) }],
    nodes: [{ nodeId: NODE_ID, publicKeyDer: NODE_KEY }],
  });
  const state = ReplicatedState.empty(keys.subnetId, 'application', keys.canisterRanges);
  const ids: CanisterId[] = [];
  for (let i = 0; i < n; i++) {
    const id = CanisterId.fromU64(BigInt(i));
    const sys = new SystemState({ canisterId: id, controllers: [USER, id], cycles: 10n ** 12n });
    const es = i < (opts.withCode ?? 2) ? newExecutionState(compiledModule(), { initialHeapPages: 1, initialGlobals: [] }) : undefined;
    if (es !== undefined) sys.certifiedData = utf8(`data ${i}`);
    state.putCanister(new CanisterState(sys, es, newSchedulerState(opts.nowNanos)));
    ids.push(id);
  }
  const history = state.metadata.ingressHistory;
  const at = time(opts.nowNanos);
  const base = { receiver: ids[0] as PrincipalId, userId: USER, time: at };
  const states: IngressStatus['state'][] = [
    { kind: 'completed', result: { kind: 'reply', payload: utf8('DIDL reply') } },
    { kind: 'completed', result: { kind: 'reject', message: 'no thanks' } },
    { kind: 'failed', error: userError(ErrorCode.CanisterCalledTrap, 'Canister called `ic0.trap` with message: boom') },
    { kind: 'processing' },
  ];
  const requests: Uint8Array[] = [];
  for (let i = 0; i < Math.max(4, opts.statuses ?? 4); i++) {
    const id = requestId(i);
    const state = states[i] ?? { kind: 'completed', result: { kind: 'reply', payload: utf8(`DIDL reply ${i}`) } };
    history.insert(id, { ...base, state }, opts.nowNanos, CAPACITY);
    requests.push(id);
  }
  state.metadata.batchTime = at;
  state.metadata.height = height(42n);
  return { state, keys, ids, requests };
}
