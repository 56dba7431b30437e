import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import type { ConsensusResponse } from '../consensus/index.ts';
import { ErrorCode, RejectCode, userError } from '../errors/index.ts';
import { HttpRequestResult, TransformArgs } from './candid.ts';
import type { CanisterHttpRequestContext } from '../state/index.ts';
import { ReplicatedState, newRequest } from '../state/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID, SubnetId, time } from '../types/index.ts';
import { ManualHttpAdapter } from './manual-adapter.ts';
import { CanisterHttpPool } from './pool.ts';
import type { TransformResult, TransformRunner } from './pool.ts';

const CALLER = CanisterId.fromU64(5n);
const T0 = 1_700_000_000_000_000_000n;
const SEC = 1_000_000_000n;

function stateWith(contexts: Partial<CanisterHttpRequestContext>[]): ReplicatedState {
  const s = ReplicatedState.empty(SubnetId.fromUint8Array(Uint8Array.of(1)), 'application', []);
  for (const c of contexts) {
    s.metadata.subnetCallContextManager.pushCanisterHttpRequest({
      request: newRequest({ sender: CALLER, receiver: MANAGEMENT_CANISTER_ID, senderReplyCallback: 1n, methodName: 'http_request', methodPayload: new Uint8Array() }),
      url: 'https://example.com', maxResponseBytes: undefined, headers: [], body: undefined, method: 'GET',
      transform: undefined, time: time(T0), replicated: true, pricingVersion: 1, ...c,
    });
  }
  return s;
}

function setup(transform: TransformRunner = () => Promise.reject(new Error('no transform expected'))): { adapter: ManualHttpAdapter; pool: CanisterHttpPool; arrivals: () => number } {
  const adapter = new ManualHttpAdapter();
  let arrivals = 0;
  const pool = new CanisterHttpPool({ adapter, transform, onArrival: () => { arrivals++; } });
  return { adapter, pool, arrivals: () => arrivals };
}

const data = (r: ConsensusResponse): Uint8Array => {
  assert.equal(r.payload.kind, 'data');
  return (r.payload as { data: Uint8Array }).data;
};
const rejectOf = (r: ConsensusResponse): { code: number; message: string } => {
  assert.equal(r.payload.kind, 'reject');
  return (r.payload as { reject: { code: number; message: string } }).reject;
};
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const NOW = time(T0 + SEC);

describe('CanisterHttpPool', () => {
  it('sends each open context once; a response becomes the Candid http_request_result in one batch', async () => {
    const { adapter, pool, arrivals } = setup();
    const state = stateWith([{ url: 'https://a', headers: [{ name: 'x', value: 'y' }], body: Uint8Array.of(1) }]);
    pool.sync(state);
    pool.sync(state);
    assert.equal(adapter.pending().length, 1);
    const p = adapter.pending()[0];
    assert.deepEqual([p.id, p.url, p.method, p.responseLimit, p.timeout], [0n, 'https://a', 'GET', 2_000_000n, T0 + 60n * SEC]);
    assert.deepEqual(p.body, Uint8Array.of(1));
    assert.equal(pool.hasPayload(), false);
    assert.deepEqual(pool.buildPayload(NOW), []);
    adapter.respond(0n, { status: 200, headers: [{ name: 'content-type', value: 'text/plain' }], body: new TextEncoder().encode('hi') });
    await settle();
    assert.equal(arrivals(), 1);
    assert.equal(pool.hasPayload(), true);
    await pool.prepare();
    const [r, ...rest] = pool.buildPayload(NOW);
    assert.equal(rest.length, 0);
    assert.equal(r.callbackId, 0n);
    const decoded = IDL.decode([HttpRequestResult], data(r))[0] as unknown as { status: bigint; headers: unknown[]; body: Uint8Array };
    assert.equal(decoded.status, 200n);
    assert.deepEqual(decoded.headers, [{ name: 'content-type', value: 'text/plain' }]);
    assert.equal(new TextDecoder().decode(Uint8Array.from(decoded.body)), 'hi');
    assert.deepEqual(pool.buildPayload(NOW), [], 'answered once');
    pool.sync(state);
    assert.equal(adapter.pending().length, 0, 'not sent again while the context is still open');
  });

  it('a reject from the adapter keeps its code and message', async () => {
    const { adapter, pool } = setup();
    pool.sync(stateWith([{}]));
    adapter.respond(0n, { reject: { code: 2, message: 'connection refused' } });
    await settle();
    await pool.prepare();
    assert.deepEqual(rejectOf(pool.buildPayload(NOW)[0]), { code: 2, message: 'connection refused' });
  });

  it('the response limit: headers or headers + body over max_response_bytes is SYS_FATAL', async () => {
    const { adapter, pool } = setup();
    pool.sync(stateWith([{ maxResponseBytes: 10n }, { maxResponseBytes: 10n }, { maxResponseBytes: 10n }]));
    adapter.respond(0n, { status: 200, headers: [{ name: 'abcdef', value: '123456' }] });
    adapter.respond(1n, { status: 200, headers: [{ name: 'ab', value: 'cd' }], body: new Uint8Array(7) });
    adapter.respond(2n, { status: 200, headers: [{ name: 'ab', value: 'cd' }], body: new Uint8Array(6) });
    await settle();
    await pool.prepare();
    const [a, b, c] = pool.buildPayload(NOW);
    assert.deepEqual(rejectOf(a), { code: RejectCode.SysFatal, message: 'Header size exceeds specified response size limit 10' });
    assert.deepEqual(rejectOf(b), { code: RejectCode.SysFatal, message: 'Http body exceeds size limit of 10 bytes.' });
    assert.equal(c.payload.kind, 'data', 'exactly the limit is accepted');
  });

  it("the response's headers are checked against the request limits", async () => {
    const { adapter, pool } = setup();
    pool.sync(stateWith([{}, {}]));
    adapter.respond(0n, { status: 200, headers: Array.from({ length: 65 }, (_, i) => ({ name: `h${i}`, value: '' })) });
    adapter.respond(1n, { status: 200, headers: [{ name: 'big', value: 'v'.repeat(8193) }] });
    await settle();
    await pool.prepare();
    const [a, b] = pool.buildPayload(NOW);
    assert.deepEqual(rejectOf(a), { code: RejectCode.SysFatal, message: 'number of all http headers 65 exceeds 64' });
    assert.deepEqual(rejectOf(b), { code: RejectCode.SysFatal, message: 'number of bytes to represent some http header value 8193 exceeds 8192' });
  });

  it('runs the transform with record { response; context } and delivers its reply as is', async () => {
    const seen: { canisterId: CanisterId; methodName: string; arg: Uint8Array }[] = [];
    const { adapter, pool } = setup((q) => { seen.push(q); return Promise.resolve({ reply: Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0) }); });
    pool.sync(stateWith([{ transform: { methodName: 'strip', context: Uint8Array.of(7) } }]));
    adapter.respond(0n, { status: 201, headers: [{ name: 'a', value: 'b' }], body: Uint8Array.of(9) });
    await settle();
    await pool.prepare();
    assert.deepEqual(data(pool.buildPayload(NOW)[0]), Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0));
    assert.equal(seen.length, 1);
    assert.ok(seen[0].canisterId.equals(CALLER));
    assert.equal(seen[0].methodName, 'strip');
    const arg = IDL.decode([TransformArgs], seen[0].arg)[0] as unknown as { response: { status: bigint; headers: unknown[]; body: Uint8Array }; context: Uint8Array };
    assert.equal(arg.response.status, 201n);
    assert.deepEqual(arg.response.headers, [{ name: 'a', value: 'b' }]);
    assert.deepEqual(Uint8Array.from(arg.context), Uint8Array.of(7));
  });

  it("a transform's reject, trap and oversized answer", async () => {
    const answers: TransformResult[] = [
      { reject: { code: 4, message: 'no thanks' } },
      { error: userError(ErrorCode.CanisterCalledTrap, `Error from Canister ${CALLER.toText()}: Canister called \`ic0.trap\` with message: 'boom'.`) },
      { reply: new Uint8Array(11) },
      { reject: { code: 4, message: 'a message longer than ten bytes' } },
    ];
    const { adapter, pool } = setup(() => Promise.resolve(answers.shift() as TransformResult));
    pool.sync(stateWith([1000n, 1000n, 10n, 10n].map((n) => ({ maxResponseBytes: n, transform: { methodName: 't', context: new Uint8Array() } }))));
    for (let i = 0n; i < 4n; i++) adapter.respond(i, { status: 200 });
    await settle();
    await pool.prepare();
    const [a, b, c, d] = pool.buildPayload(NOW).map(rejectOf);
    assert.deepEqual(a, { code: RejectCode.CanisterReject, message: 'no thanks' });
    assert.deepEqual(b.code, RejectCode.CanisterError);
    assert.ok(b.message.startsWith('IC0503: Error from Canister'), b.message);
    assert.deepEqual(c, { code: RejectCode.SysFatal, message: 'Transformed http response exceeds limit: 10' });
    assert.deepEqual(d, { code: RejectCode.SysFatal, message: 'Transformed http response exceeds limit: 10' });
  });

  it('times out a context 60 s after it was made; the request is no longer pending', async () => {
    const { adapter, pool } = setup();
    pool.sync(stateWith([{}]));
    assert.deepEqual(pool.buildPayload(time(T0 + 60n * SEC)), [], 'not at exactly 60 s');
    const [r] = pool.buildPayload(time(T0 + 60n * SEC + 1n));
    assert.equal(r.callbackId, 0n);
    assert.deepEqual(rejectOf(r), { code: RejectCode.SysTransient, message: 'Canister http request timed out' });
    assert.deepEqual(adapter.pending(), []);
    assert.throws(() => adapter.respond(0n, { status: 200 }), /no pending HTTPS outcall with id 0/);
  });

  it('at most 500 responses per batch; timeouts do not count', async () => {
    const { adapter, pool } = setup();
    pool.sync(stateWith([...Array.from({ length: 501 }, () => ({ time: time(T0 + 30n * SEC) })), {}]));
    for (let i = 0n; i < 501n; i++) adapter.respond(i, { status: 200 });
    await settle();
    await pool.prepare();
    const first = pool.buildPayload(time(T0 + 61n * SEC));
    assert.equal(first.length, 501);
    assert.equal(first[0].callbackId, 501n, 'the timeout first');
    assert.equal(pool.buildPayload(time(T0 + 61n * SEC)).length, 1);
  });

  it('manual adapter: refuses an unknown reject code', () => {
    const { adapter, pool } = setup();
    pool.sync(stateWith([{}]));
    assert.throws(() => adapter.respond(0n, { reject: { code: 7, message: '' } }), /invalid reject code 7/);
  });
});
