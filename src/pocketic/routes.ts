/**
 * The endpoints under `/instances/<id>/` (the shapes of
 * `packages/pocket-ic/src/common/rest.rs`), each a function of the
 * instance and the parsed JSON body returning a value (200) or an error
 * message (4xx). `unit` marks endpoints that answer `null`: they are never
 * answered with 202 (pic-js would poll their `null` result until it times
 * out).
 */
import { awaitMessage, ingressStatus, query, readCall, readMessageId, submit } from './calls.ts';
import type { BlobStore } from './blob-store.ts';
import { done, failed } from './instance.ts';
import type { OpResult, PocketIcInstance } from './instance.ts';
import type { JsonValue } from './json.ts';
import {
  addCycles, getControllers, getCycles, getStableMemory, getSubnet, mockOutcall, pendingOutcalls, pubKey, setStableMemory,
} from './state-ops.ts';
import { U128_MAX, U64_MAX, fromB64, isObject, object, rawCanisterId, unsigned } from './wire.ts';

export interface RouteContext { readonly blobs: BlobStore }

export interface InstanceRoute {
  readonly unit: boolean;
  run(instance: PocketIcInstance, body: JsonValue | undefined, ctx: RouteContext): Promise<OpResult> | OpResult;
}

const route = (unit: boolean, run: InstanceRoute['run']): InstanceRoute => ({ unit, run });

const withCanister = (f: (i: PocketIcInstance, id: Parameters<typeof getCycles>[1]) => Promise<OpResult> | OpResult) =>
  (instance: PocketIcInstance, body: JsonValue | undefined): Promise<OpResult> | OpResult => {
    const id = rawCanisterId(body);
    return id.ok ? f(instance, id.value) : failed(id.message);
  };

function readTime(body: JsonValue | undefined): { ok: true; value: bigint } | { ok: false; message: string } {
  const o = object(body, 'body');
  return o.ok ? unsigned(o.value['nanos_since_epoch'], 'nanos_since_epoch', U64_MAX) : o;
}

const setTime = (certified: boolean) => async (instance: PocketIcInstance, body: JsonValue | undefined): Promise<OpResult> => {
  const t = readTime(body);
  return t.ok ? instance.setTime(t.value, certified) : failed(t.message);
};

/** Routes by `"<METHOD> <path after /instances/<id>/>"`. */
export const INSTANCE_ROUTES: Readonly<Record<string, InstanceRoute>> = {
  'GET _/topology': route(false, (i) => done(i.topology())),
  'GET read/topology': route(false, (i) => done(i.topology())),
  'GET read/get_time': route(false, (i) => done({ nanos_since_epoch: i.now() })),
  'POST update/set_time': route(true, setTime(false)),
  'POST update/set_certified_time': route(true, setTime(true)),
  'POST update/tick': route(true, async (i) => { await i.tick(); return done(null); }),
  'POST read/query': route(false, (i, body) => {
    const call = readCall(body);
    return call.ok ? query(i, call.value) : failed(call.message);
  }),
  'POST update/submit_ingress_message': route(false, (i, body) => {
    const call = readCall(body);
    return call.ok ? submit(i, call.value) : failed(call.message);
  }),
  'POST update/await_ingress_message': route(false, (i, body) => {
    const m = readMessageId(i, body);
    return m.ok ? awaitMessage(i, m.value) : failed(m.message);
  }),
  'POST update/execute_ingress_message': route(false, async (i, body) => {
    const call = readCall(body);
    if (!call.ok) return failed(call.message);
    const submitted = await submit(i, call.value);
    if (!submitted.ok || !isObject(submitted.value) || !('Ok' in submitted.value)) return submitted;
    const m = readMessageId(i, (submitted.value as { Ok: JsonValue }).Ok);
    return m.ok ? awaitMessage(i, m.value) : failed(m.message);
  }),
  'POST read/ingress_status': route(false, (i, body) => {
    const o = object(body, 'body');
    if (!o.ok) return failed(o.message);
    const m = readMessageId(i, o.value['raw_message_id']);
    return m.ok ? ingressStatus(m.value) : done(null);
  }),
  'POST read/get_cycles': route(false, withCanister(getCycles)),
  'POST update/add_cycles': route(false, (i, body) => {
    const o = object(body, 'body');
    if (!o.ok) return failed(o.message);
    const amount = unsigned(o.value['amount'], 'amount', U128_MAX);
    if (!amount.ok) return failed(amount.message);
    return withCanister((inst, id) => addCycles(inst, id, amount.value))(i, body);
  }),
  'POST read/get_stable_memory': route(false, withCanister(getStableMemory)),
  'POST update/set_stable_memory': route(true, (i, body, ctx) => {
    const o = object(body, 'body');
    if (!o.ok) return failed(o.message);
    const blobId = fromB64(o.value['blob_id'], 'blob_id');
    if (!blobId.ok) return failed(blobId.message);
    const data = ctx.blobs.contents(Buffer.from(blobId.value).toString('hex'));
    if (!data.ok) return failed(data.message);
    return withCanister((inst, id) => setStableMemory(inst, id, data.value))(i, body);
  }),
  'POST read/get_controllers': route(false, withCanister(getControllers)),
  'POST read/get_subnet': route(false, withCanister(getSubnet)),
  'POST read/pub_key': route(false, (i, body) => pubKey(i, body)),
  'GET read/get_canister_http': route(false, (i) => pendingOutcalls(i)),
  'POST update/mock_canister_http': route(true, (i, body) => mockOutcall(i, body)),
};
