/**
 * The REST API's direct reads and edits of an instance's state, as the
 * real server does them on its state machines (no round runs):
 * `get_cycles` / `add_cycles`, `get_stable_memory` / `set_stable_memory`
 * (the blob replaces stable memory, its size rounded up to 64 KiB Wasm
 * pages), `get_controllers`, `get_subnet` (`null` for a canister that does
 * not exist), `pub_key` (the subnet's DER public key as a JSON array of
 * numbers), and HTTPS-outcall mocking (`get_canister_http`,
 * `mock_canister_http`). Reads use the last committed state.
 */
import { PAGE_BYTES, PageMap, isZeroPage } from '../state/index.ts';
import type { CanisterState, PageDelta } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
import { done, failed } from './instance.ts';
import type { OpResult, PocketIcInstance } from './instance.ts';
import {
  U64_MAX, b64, canisterNotFound, debugCanister, fromB64, isObject, object, rawPrincipal, rawSubnet, subnetOf, text, unsigned,
} from './wire.ts';

const WASM_PAGE_BYTES = 65_536;

function committedCanister(instance: PocketIcInstance, id: CanisterId): CanisterState | undefined {
  return instance.network.route(id)?.replica.committedState.canister(id);
}

export function getCycles(instance: PocketIcInstance, id: CanisterId): OpResult {
  const c = committedCanister(instance, id);
  return c === undefined ? failed(canisterNotFound(id)) : done({ cycles: c.systemState.balance });
}

export async function addCycles(instance: PocketIcInstance, id: CanisterId, amount: bigint): Promise<OpResult> {
  const subnet = instance.network.route(id);
  if (subnet?.replica.committedState.canister(id) === undefined) return failed(canisterNotFound(id));
  await subnet.replica.editState((state) => { state.canisterMut(id)?.systemState.addCycles(amount); });
  return done({ cycles: subnet.replica.committedState.canister(id)?.systemState.balance ?? 0n });
}

export function getStableMemory(instance: PocketIcInstance, id: CanisterId): OpResult {
  const c = committedCanister(instance, id);
  if (c === undefined) return failed(canisterNotFound(id));
  const es = c.executionState;
  if (es === undefined) return failed(`CanisterIsEmpty(${debugCanister(id)})`);
  const bytes = new Uint8Array(es.stable.sizePages * WASM_PAGE_BYTES);
  es.stable.pages.copyInto(bytes);
  return done({ blob: b64(bytes) });
}

/** Replaces a canister's stable memory with `data` (zero-padded to whole Wasm pages). */
export async function setStableMemory(instance: PocketIcInstance, id: CanisterId, data: Uint8Array): Promise<OpResult> {
  const subnet = instance.network.route(id);
  const c = subnet?.replica.committedState.canister(id);
  if (subnet === undefined || c === undefined) return failed(canisterNotFound(id));
  if (c.executionState === undefined) return failed(`CanisterIsEmpty(${debugCanister(id)})`);
  const pages: PageDelta[] = [];
  for (let at = 0, index = 0; at < data.length; at += PAGE_BYTES, index++) {
    const page = new Uint8Array(PAGE_BYTES);
    page.set(data.subarray(at, at + PAGE_BYTES));
    if (!isZeroPage(page)) pages.push({ index, bytes: page });
  }
  const stable = { sizePages: Math.ceil(data.length / WASM_PAGE_BYTES), pages: PageMap.fromPages(pages) };
  await subnet.replica.editState((state) => {
    const canister = state.canisterMut(id);
    const es = canister?.executionState;
    if (canister !== undefined && es !== undefined) canister.executionState = Object.freeze({ ...es, stable });
  });
  return done(null);
}

export function getControllers(instance: PocketIcInstance, id: CanisterId): OpResult {
  const c = committedCanister(instance, id);
  if (c === undefined) return failed(canisterNotFound(id));
  return done([...c.systemState.controllers].map(rawPrincipal));
}

export function getSubnet(instance: PocketIcInstance, id: CanisterId): OpResult {
  const subnet = instance.network.route(id);
  return done(subnet?.replica.committedState.canister(id) === undefined ? null : rawSubnet(subnet.id));
}

export function pubKey(instance: PocketIcInstance, body: unknown): OpResult {
  const o = object(body, 'body');
  if (!o.ok) return failed(o.message);
  const id = subnetOf(o.value['subnet_id'], 'subnet_id');
  if (!id.ok) return failed(id.message);
  const subnet = instance.subnet(id.value);
  return subnet === undefined ? failed(`SubnetNotFound(${id.value.toText()})`) : done([...subnet.replica.rootKey]);
}

// ---- HTTPS outcalls ----------------------------------------------------

/** `/read/get_canister_http`: every pending outcall of every subnet. */
export function pendingOutcalls(instance: PocketIcInstance): OpResult {
  const out: unknown[] = [];
  for (const s of instance.network.subnets) {
    for (const r of s.replica.pendingHttpOutcalls()) {
      out.push({
        subnet_id: rawSubnet(s.id), request_id: r.id, http_method: r.method, url: r.url,
        headers: r.headers.map((h) => ({ name: h.name, value: h.value })), body: b64(r.body),
        max_response_bytes: r.maxResponseBytes ?? null,
      });
    }
  }
  return done(out);
}

type Answer = { status: number; headers: { name: string; value: string }[]; body: Uint8Array } | { reject: { code: number; message: string } };

function readAnswer(v: unknown, what: string): { ok: true; value: Answer } | { ok: false; message: string } {
  if (!isObject(v)) return { ok: false, message: `${what}: expected {"CanisterHttpReply": …} or {"CanisterHttpReject": …}` };
  const reply = v['CanisterHttpReply'], reject = v['CanisterHttpReject'];
  if (isObject(reply)) {
    const status = unsigned(reply['status'], `${what}.status`, 0xffffn);
    if (!status.ok) return status;
    const body = fromB64(reply['body'], `${what}.body`);
    if (!body.ok) return body;
    const headers: { name: string; value: string }[] = [];
    for (const h of Array.isArray(reply['headers']) ? reply['headers'] : []) {
      if (!isObject(h)) return { ok: false, message: `${what}.headers: expected {name, value} objects` };
      const name = text(h['name'], `${what}.headers.name`), value = text(h['value'], `${what}.headers.value`);
      if (!name.ok) return name;
      if (!value.ok) return value;
      headers.push({ name: name.value, value: value.value });
    }
    return { ok: true, value: { status: Number(status.value), headers, body: body.value } };
  }
  if (isObject(reject)) {
    const code = unsigned(reject['reject_code'], `${what}.reject_code`, U64_MAX);
    if (!code.ok) return code;
    const message = text(reject['message'], `${what}.message`);
    if (!message.ok) return message;
    return { ok: true, value: { reject: { code: Number(code.value), message: message.value } } };
  }
  return { ok: false, message: `${what}: expected {"CanisterHttpReply": …} or {"CanisterHttpReject": …}` };
}

/**
 * `/update/mock_canister_http`: answers a pending outcall. With
 * `additional_responses`, 1 + their number must be the subnet's size
 * (one answer per node); the answer delivered is `response` (ic-exec runs
 * one node per subnet).
 */
export function mockOutcall(instance: PocketIcInstance, body: unknown): OpResult {
  const o = object(body, 'body');
  if (!o.ok) return failed(o.message);
  const sid = isObject(o.value['subnet_id']) ? subnetOf(o.value['subnet_id']['subnet_id'], 'subnet_id') : subnetOf(undefined, 'subnet_id');
  if (!sid.ok) return failed(sid.message);
  const requestId = unsigned(o.value['request_id'], 'request_id', U64_MAX);
  if (!requestId.ok) return failed(requestId.message);
  const answer = readAnswer(o.value['response'], 'response');
  if (!answer.ok) return failed(answer.message);
  const extra = o.value['additional_responses'] ?? [];
  if (!Array.isArray(extra)) return failed('additional_responses: expected an array');
  const answers: Answer[] = [answer.value];
  for (const [i, a] of extra.entries()) {
    const r = readAnswer(a, `additional_responses[${i}]`);
    if (!r.ok) return failed(r.message);
    answers.push(r.value);
  }
  for (const a of answers) if ('reject' in a && (a.reject.code < 1 || a.reject.code > 6)) return failed(`InvalidRejectCode(${a.reject.code})`);
  const subnet = instance.subnet(sid.value);
  if (subnet === undefined) return failed(`SubnetNotFound(${sid.value.toText()})`);
  if (extra.length > 0 && answers.length !== subnet.plan.size) return failed(`InvalidMockCanisterHttpResponses((${answers.length}, ${subnet.plan.size}))`);
  if (!subnet.replica.pendingHttpOutcalls().some((r) => r.id === requestId.value)) {
    return failed(`InvalidCanisterHttpRequestId((${subnet.id.toText()}, CanisterHttpRequestId(${requestId.value})))`);
  }
  subnet.replica.mockHttpOutcall(requestId.value, answer.value);
  return done(null);
}
