/**
 * Canister calls of the REST API: `/read/query`,
 * `/update/submit_ingress_message`, `/update/await_ingress_message`,
 * `/read/ingress_status`. A call goes to the subnet that hosts its
 * canister; a call to the management canister goes where its effective
 * principal says — a subnet id, a canister id, or (`"None"`) the canister
 * its Candid argument names, else (`provisional_create_canister_with_cycles`
 * without `specified_id`, …) the first application subnet (then system).
 *
 * Answers: `{"Ok": …}` or `{"Err": RejectResponse}` (`certified` is true
 * for an update's answer, false for a query's or a refused submission);
 * awaiting runs at most 100 rounds on every subnet, as the real server.
 */
import { UserErrorException } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { resultOf } from '../ingress/index.ts';
import { targetCanisterOf } from '../messaging/index.ts';
import type { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import { done, failed } from './instance.ts';
import type { OpResult, PocketIcInstance } from './instance.ts';
import type { PocketSubnet } from './subnets.ts';
import { defaultSubnet } from './topology.ts';
import {
  b64, bad, canisterOf, fromB64, noSubnetFor, object, ok, principalOf, rejectResponse, subnetOf, text,
} from './wire.ts';
import type { Read } from './wire.ts';

/** Rounds `await_ingress_message` runs before it gives up (the real server's limit). */
export const AWAIT_MAX_ROUNDS = 100;
/** A long await gives the event loop a turn this often, ms. */
const YIELD_EVERY_MS = 10;

/** `RawEffectivePrincipal`. */
export type EffectivePrincipal =
  | { readonly kind: 'none' } | { readonly kind: 'subnet'; readonly id: SubnetId } | { readonly kind: 'canister'; readonly id: CanisterId };

/** `RawCanisterCall` (`sender_info` is accepted and ignored: senders are trusted as given). */
export interface CanisterCall {
  readonly sender: PrincipalId;
  readonly canisterId: CanisterId;
  readonly method: string;
  readonly payload: Uint8Array;
  readonly effective: EffectivePrincipal;
}

export function readEffective(v: unknown): Read<EffectivePrincipal> {
  if (v === 'None' || v === undefined || v === null) return ok({ kind: 'none' });
  const o = object(v, 'effective_principal');
  if (!o.ok) return o;
  if ('SubnetId' in o.value) {
    const id = subnetOf(o.value['SubnetId'], 'effective_principal.SubnetId');
    return id.ok ? ok({ kind: 'subnet', id: id.value }) : id;
  }
  if ('CanisterId' in o.value) {
    const id = canisterOf(o.value['CanisterId'], 'effective_principal.CanisterId');
    return id.ok ? ok({ kind: 'canister', id: id.value }) : id;
  }
  return bad('effective_principal: expected "None", {"SubnetId": …} or {"CanisterId": …}');
}

export function encodeEffective(e: EffectivePrincipal): unknown {
  if (e.kind === 'none') return 'None';
  return e.kind === 'subnet' ? { SubnetId: b64(e.id.bytesView()) } : { CanisterId: b64(e.id.bytesView()) };
}

export function readCall(body: unknown): Read<CanisterCall> {
  const o = object(body, 'body');
  if (!o.ok) return o;
  const sender = principalOf(o.value['sender'], 'sender');
  if (!sender.ok) return sender;
  const canisterId = canisterOf(o.value['canister_id'], 'canister_id');
  if (!canisterId.ok) return canisterId;
  const method = text(o.value['method'], 'method');
  if (!method.ok) return method;
  const payload = fromB64(o.value['payload'], 'payload');
  if (!payload.ok) return payload;
  const effective = readEffective(o.value['effective_principal']);
  if (!effective.ok) return effective;
  return ok({ sender: sender.value, canisterId: canisterId.value, method: method.value, payload: payload.value, effective: effective.value });
}

type Target =
  | { readonly kind: 'subnet'; readonly subnet: PocketSubnet; readonly effectiveCanisterId: CanisterId | undefined }
  | { readonly kind: 'reject'; readonly error: UserError }
  | { readonly kind: 'error'; readonly message: string };

function byCanister(instance: PocketIcInstance, id: CanisterId): Target {
  const subnet = instance.network.route(id);
  return subnet === undefined ? { kind: 'reject', error: noSubnetFor(id) } : { kind: 'subnet', subnet, effectiveCanisterId: id };
}

/** Where a call goes (see the module header). */
export function targetOf(instance: PocketIcInstance, call: CanisterCall): Target {
  if (!call.canisterId.isManagementCanister()) return byCanister(instance, call.canisterId);
  const e = call.effective;
  if (e.kind === 'subnet') {
    const subnet = instance.subnet(e.id);
    return subnet === undefined ? { kind: 'error', message: `SubnetNotFound(${e.id.toText()})` } : { kind: 'subnet', subnet, effectiveCanisterId: undefined };
  }
  if (e.kind === 'canister') return byCanister(instance, e.id);
  const named = namedCanister(call.method, call.payload);
  if (named !== undefined) return byCanister(instance, named);
  const subnet = defaultSubnet(instance.network.subnets);
  return subnet === undefined ? { kind: 'error', message: 'the instance has no subnet' } : { kind: 'subnet', subnet, effectiveCanisterId: undefined };
}

/** The canister a management call's argument names (`canister_id`, `target_canister`, `specified_id`), if it decodes. */
function namedCanister(method: string, payload: Uint8Array): CanisterId | undefined {
  try { return targetCanisterOf(method, payload); } catch { return undefined; }
}

const userErrorOf = (e: unknown): UserError | undefined => (e instanceof UserErrorException ? e.userError : undefined);

/** `/read/query` on the last committed state of the target subnet. */
export async function query(instance: PocketIcInstance, call: CanisterCall): Promise<OpResult> {
  const t = targetOf(instance, call);
  if (t.kind === 'error') return failed(t.message);
  if (t.kind === 'reject') return done({ Err: rejectResponse(t.error, false) });
  try {
    const reply = await t.subnet.replica.query(call.canisterId, call.method, call.payload, {
      sender: call.sender, ...(t.effectiveCanisterId === undefined ? {} : { effectiveCanisterId: t.effectiveCanisterId }),
    });
    return done({ Ok: b64(reply) });
  } catch (e) {
    const err = userErrorOf(e);
    if (err === undefined) throw e;
    return done({ Err: rejectResponse(err, false) });
  }
}

/** `/update/submit_ingress_message`: through the ingress filter into the target subnet's pool. */
export async function submit(instance: PocketIcInstance, call: CanisterCall): Promise<OpResult> {
  const t = targetOf(instance, call);
  if (t.kind === 'error') return failed(t.message);
  if (t.kind === 'reject') return done({ Err: rejectResponse(t.error, false) });
  try {
    const id = await t.subnet.replica.submitCall(call.canisterId, call.method, call.payload, { sender: call.sender });
    instance.rememberMessage(id, t.subnet);
    return done({ Ok: { effective_principal: encodeEffective(call.effective), message_id: b64(id) } });
  } catch (e) {
    const err = userErrorOf(e);
    if (err === undefined) return failed((e as Error).message);
    return done({ Err: rejectResponse(err, false) });
  }
}

/** `RawMessageId` → the message id and the subnet it was submitted to. */
export function readMessageId(instance: PocketIcInstance, v: unknown): Read<{ id: Uint8Array; subnet: PocketSubnet }> {
  const o = object(v, 'message id');
  if (!o.ok) return o;
  const id = fromB64(o.value['message_id'], 'message_id');
  if (!id.ok) return id;
  const known = instance.messageSubnet(id.value);
  if (known !== undefined) return ok({ id: id.value, subnet: known });
  const e = readEffective(o.value['effective_principal']);
  if (!e.ok) return e;
  const subnet = e.value.kind === 'subnet' ? instance.subnet(e.value.id) : e.value.kind === 'canister' ? instance.network.route(e.value.id) : undefined;
  return subnet === undefined ? bad(`no message ${Buffer.from(id.value).toString('hex')} was submitted to this instance`) : ok({ id: id.value, subnet });
}

function answerOf(subnet: PocketSubnet, id: Uint8Array): unknown {
  const r = resultOf(subnet.replica.ingressStatus(id));
  if (r === undefined) return undefined;
  return r.kind === 'replied' ? { Ok: b64(r.reply) } : { Err: rejectResponse(r.error, true) };
}

/** `/update/await_ingress_message`: rounds on every subnet until the message has an answer (at most 100). */
export async function awaitMessage(instance: PocketIcInstance, m: { id: Uint8Array; subnet: PocketSubnet }): Promise<OpResult> {
  let lastYield = performance.now();
  for (let round = 0; ; round++) {
    if (performance.now() - lastYield >= YIELD_EVERY_MS) {
      // Let the server breathe during long awaits: other requests, the sync-wait timer (202), the TTL.
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = performance.now();
    }
    const answer = answerOf(m.subnet, m.id);
    if (answer !== undefined) return done(answer);
    const hex = Buffer.from(m.id).toString('hex');
    if (m.subnet.replica.ingressStatus(m.id)?.state.kind === 'done') return failed(`The answer of message ${hex} was dropped from the ingress history`);
    if (round >= AWAIT_MAX_ROUNDS) return failed(`Message ${hex} has no answer after ${AWAIT_MAX_ROUNDS} rounds`);
    await instance.tick();
  }
}

/** `/read/ingress_status`: the answer if there is one, else `null`. */
export function ingressStatus(m: { id: Uint8Array; subnet: PocketSubnet }): OpResult {
  return done(answerOf(m.subnet, m.id) ?? null);
}
