import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CyclesAccountManager } from '../cycles/index.ts';
import { ErrorCode, formatUserError } from '../errors/index.ts';
import type { RoundContext } from '../execution/index.ts';
import type { Ingress, Request } from '../state/index.ts';
import { ReplicatedState, newRequest } from '../state/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID, PrincipalId, SubnetId, time } from '../types/index.ts';
import { HttpRequestArgs } from '../http-outcalls/index.ts';
import { handlers } from './http-outcalls.ts';
import type { ManagementContext, ManagementEnvironment, ManagementOutcome } from './types.ts';

const CALLER = CanisterId.fromU64(5n);
const T = time(1_700_000_000_000_000_000n);
const cycles = new CyclesAccountManager({ subnetType: 'application', subnetSize: 13 });

function context(): ManagementContext {
  const state = ReplicatedState.empty(SubnetId.fromUint8Array(Uint8Array.of(1)), 'application', []);
  state.metadata.batchTime = T;
  return { state, round: {} as RoundContext, env: { cycles, subnetSize: 13 } as unknown as ManagementEnvironment };
}

interface Args {
  url?: string; max_response_bytes?: bigint; method?: string; headers?: { name: string; value: string }[];
  body?: Uint8Array; transform?: { principal?: Principal; method: string; context?: Uint8Array }; is_replicated?: boolean;
}

function arg(a: Args = {}): Uint8Array {
  return new Uint8Array(IDL.encode([HttpRequestArgs], [{
    url: a.url ?? 'https://example.com/x', max_response_bytes: a.max_response_bytes === undefined ? [] : [a.max_response_bytes],
    method: { [a.method ?? 'get']: null }, headers: a.headers ?? [], body: a.body === undefined ? [] : [a.body],
    transform: a.transform === undefined ? [] : [{
      function: [a.transform.principal ?? Principal.fromUint8Array(Uint8Array.from(CALLER.bytesView())), a.transform.method],
      context: a.transform.context ?? new Uint8Array(),
    }],
    is_replicated: a.is_replicated === undefined ? [] : [a.is_replicated], pricing_version: [],
  }]));
}

/** The legacy fee at 13 nodes for `requestBytes` and `responseBytes`. */
const fee = (requestBytes: bigint, responseBytes = 2_000_000n): bigint => (3_000_000n + 60_000n * 13n + 400n * requestBytes + 800n * responseBytes) * 13n;

function call(ctx: ManagementContext, payload: Uint8Array, payment: bigint): { outcome: ManagementOutcome; request: Request } {
  const request = newRequest({ sender: CALLER, receiver: MANAGEMENT_CANISTER_ID, senderReplyCallback: 3n, payment, methodName: 'http_request', methodPayload: payload });
  const outcome = handlers.http_request({ method: 'http_request', arg: payload, sender: CALLER, payment, message: request }, ctx) as ManagementOutcome;
  return { outcome, request };
}

function rejection(o: ManagementOutcome): string {
  assert.equal(o.kind, 'reject');
  return formatUserError((o as { error: Parameters<typeof formatUserError>[0] }).error);
}

const LOTS = 10n ** 13n;

describe('http_request: the handler', () => {
  it('keeps the call as a context, charges the fee and leaves the rest to refund with the answer', () => {
    const ctx = context();
    const a: Args = { url: 'https://a.b/c', headers: [{ name: 'x-a', value: '1' }], body: Uint8Array.of(1, 2, 3), max_response_bytes: 1000n, transform: { method: 'strip', context: Uint8Array.of(9, 9) } };
    const requestBytes = BigInt('https://a.b/c'.length + 3 + 1 + 3 + 'strip'.length + 2);
    const { outcome, request } = call(ctx, arg(a), LOTS);
    assert.deepEqual(outcome, { kind: 'deferred' });
    const contexts = ctx.state.metadata.subnetCallContextManager.canisterHttpRequestContexts;
    const c = contexts.get(0n);
    assert.ok(c !== undefined);
    assert.equal(c.request.payment, LOTS - fee(requestBytes, 1000n));
    assert.equal(c.request.senderReplyCallback, request.senderReplyCallback);
    assert.equal(c.url, 'https://a.b/c');
    assert.equal(c.method, 'GET');
    assert.deepEqual(c.headers, [{ name: 'x-a', value: '1' }]);
    assert.deepEqual(c.body, Uint8Array.of(1, 2, 3));
    assert.deepEqual(c.transform, { methodName: 'strip', context: Uint8Array.of(9, 9) });
    assert.equal(c.maxResponseBytes, 1000n);
    assert.equal(c.time, T);
    assert.equal(c.replicated, true);
  });

  it('accepts exactly the fee; one cycle less is IC0406 with the replica text, nothing kept', () => {
    const ctx = context();
    const f = fee(BigInt('https://example.com/x'.length));
    const { outcome } = call(ctx, arg(), f - 1n);
    assert.equal(rejection(outcome), `IC0406: http_request request sent with ${f - 1n} cycles, but ${f} cycles are required.`);
    assert.equal(ctx.state.metadata.subnetCallContextManager.canisterHttpRequestContexts.size, 0);
    assert.deepEqual(call(ctx, arg(), f).outcome, { kind: 'deferred' });
    assert.equal(ctx.state.metadata.subnetCallContextManager.canisterHttpRequestContexts.get(0n)?.request.payment, 0n);
  });

  it('does not check the URL scheme (the adapter does)', () => {
    assert.deepEqual(call(context(), arg({ url: 'http://plain.example' }), LOTS).outcome, { kind: 'deferred' });
  });

  const cases: [string, Args | Uint8Array, string][] = [
    ['not Candid', Uint8Array.of(1, 2, 3), 'IC0408: Error decoding candid: '],
    ['65 headers', { headers: Array.from({ length: 65 }, (_, i) => ({ name: `h${i}`, value: 'v' })) },
      'IC0408: Error decoding candid: Deserialize error: The number of elements exceeds maximum allowed 64'],
    ['a header of 16 KiB + 1', { headers: [{ name: 'n'.repeat(8192), value: 'v'.repeat(8193) }] },
      'IC0408: Error decoding candid: Deserialize error: The single element data size exceeds maximum allowed 16384'],
    ['headers of 48 KiB + 1', { headers: [...Array.from({ length: 3 }, () => ({ name: 'n'.repeat(8192), value: 'v'.repeat(8192) })), { name: 'x', value: '' }] },
      'IC0408: Error decoding candid: Deserialize error: The total data size exceeds maximum allowed 49152'],
    ['a transform of another canister', { transform: { principal: Principal.fromText('aaaaa-aa'), method: 'f' } },
      `IC0406: transform principal id expected to be ${CALLER.toText()}, got aaaaa-aa`],
    ['a URL of 8193 bytes', { url: 'https://' + 'a'.repeat(8185) }, 'IC0406: url size 8193 exceeds 8192'],
    ['a header name of 8193 bytes', { headers: [{ name: 'n'.repeat(8193), value: '' }] },
      'IC0406: number of bytes to represent some http header name 8193 exceeds 8192'],
    ['a header value of 8193 bytes', { headers: [{ name: 'n', value: 'v'.repeat(8193) }] },
      'IC0406: number of bytes to represent some http header value 8193 exceeds 8192'],
    ['a request of 2,000,001 bytes', { headers: [{ name: 'a', value: 'b' }], body: new Uint8Array(1_999_999) },
      'IC0406: total number of bytes to represent all http header names and values and http body 2000001 exceeds 2000000'],
    ['max_response_bytes 2,000,001', { max_response_bytes: 2_000_001n },
      'IC0406: max_response_bytes expected to be in the range [0..2000000], got 2000001'],
    ['a replicated PUT', { method: 'put' }, 'IC0406: The requested HTTP method is only allowed for non-replicated requests.'],
    ['a replicated DELETE', { method: 'delete', is_replicated: true }, 'IC0406: The requested HTTP method is only allowed for non-replicated requests.'],
    ['a replicated PATCH', { method: 'patch' }, 'IC0406: The requested HTTP method is only allowed for non-replicated requests.'],
  ];
  for (const [name, a, text] of cases) {
    it(`rejects ${name}`, () => {
      const ctx = context();
      const got = rejection(call(ctx, a instanceof Uint8Array ? a : arg(a), LOTS).outcome);
      if (text.endsWith(': ')) assert.ok(got.startsWith(text), got); else assert.equal(got, text);
      assert.equal(ctx.state.metadata.subnetCallContextManager.canisterHttpRequestContexts.size, 0);
      assert.equal(ctx.state.metadata.subnetCallContextManager.nextCallbackId, 0n);
    });
  }

  it('accepts the limits themselves, and PUT/DELETE/PATCH non-replicated', () => {
    const ctx = context();
    const ok: Args[] = [
      { headers: Array.from({ length: 64 }, (_, i) => ({ name: `h${i}`, value: 'v' })) },
      { url: 'https://' + 'a'.repeat(8184) },
      { headers: [{ name: 'n'.repeat(8192), value: 'v'.repeat(8192) }] },
      { body: new Uint8Array(2_000_000) },
      { max_response_bytes: 2_000_000n },
      { method: 'put', is_replicated: false }, { method: 'delete', is_replicated: false }, { method: 'patch', is_replicated: false },
      { method: 'head' }, { method: 'post' },
    ];
    for (const a of ok) assert.deepEqual(call(ctx, arg(a), LOTS).outcome, { kind: 'deferred' }, Object.keys(a).join() + String(a.method));
    const methods = [...ctx.state.metadata.subnetCallContextManager.canisterHttpRequestContexts.values()].map((c) => c.method);
    assert.deepEqual(methods.slice(5), ['PUT', 'DELETE', 'PATCH', 'HEAD', 'POST']);
  });

  it('rejects the 3,001st open context', () => {
    const ctx = context();
    for (let i = 0; i < 3000; i++) assert.equal(call(ctx, arg(), LOTS).outcome.kind, 'deferred');
    assert.equal(rejection(call(ctx, arg(), LOTS).outcome), 'IC0406: max number (3000) of http requests in-flight reached.');
  });

  it('rejects ingress with IC0504', () => {
    const ingress = { kind: 'ingress', source: PrincipalId.anonymous() } as unknown as Ingress;
    const o = handlers.http_request({ method: 'http_request', arg: arg(), sender: PrincipalId.anonymous(), payment: 0n, message: ingress }, context()) as ManagementOutcome;
    assert.equal(rejection(o), 'IC0504: http_request cannot be called by a user.');
    assert.equal(ErrorCode.CanisterContractViolation, 504);
  });
});
