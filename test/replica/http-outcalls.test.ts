// HTTPS outcalls from canisters, end to end: the management canister keeps
// the call as a context, the adapter (mocked, or real against a local
// `node:http` server) answers, the transform runs as a query with caller
// aaaaa-aa, and the answer comes back to the canister in a later batch
// with the attached cycles minus the fee.
//
// Test steps:
// 1. Motoko: a GET with a transform that strips the headers (and traps if
//    not called by aaaaa-aa), answered by the mock adapter: status and body
//    kept, headers gone, context prepended; fee charged, the rest refunded.
// 2. A transform that traps: the canister gets CANISTER_ERROR IC0503.
// 3. No answer within 60 s of batch time: SYS_TRANSIENT "Canister http
//    request timed out", the fee kept.
// 4. The proxy canister (mgmt-proxy.ts) sends raw Candid with chosen cycles: every bad input
//    and limit is rejected with the replica's code and text, all cycles back.
// 5. The real adapter against a local server: the response arrives through
//    a batch; a non-https URL is refused by the adapter (fee kept).
// 6. Two replicas with the same calls and mock answers: the same state
//    hashes, round by round.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CanisterId, NodeHttpAdapter, RejectCode, Replica } from '../../src/index.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { IDL, dec, enc, p } from './support.ts';
import { assertReject, proxyAnswer, proxyArg, proxyCanister, viaProxy } from './mgmt-proxy.ts';
import type { ProxyAnswer } from './mgmt-proxy.ts';

const OUTCALL_MO = `
import Cycles "mo:core/Cycles";
import Principal "mo:core/Principal";
import Error "mo:core/Error";
import Runtime "mo:core/Runtime";
import Blob "mo:core/Blob";
import Array "mo:core/Array";
import Nat32 "mo:core/Nat32";

persistent actor Outcaller {
  public type Header = { name : Text; value : Text };
  public type Response = { status : Nat; headers : [Header]; body : Blob };
  public type TransformArgs = { response : Response; context : Blob };
  type Transform = { function : shared query TransformArgs -> async Response; context : Blob };
  type Request = {
    url : Text; max_response_bytes : ?Nat64; method : { #get; #head; #post };
    headers : [Header]; body : ?Blob; transform : ?Transform;
  };
  transient let ic = actor "aaaaa-aa" : actor { http_request : Request -> async Response };

  public shared query (msg) func strip(args : TransformArgs) : async Response {
    if (Principal.toText(msg.caller) != "aaaaa-aa") Runtime.trap("transform called by " # Principal.toText(msg.caller));
    { status = args.response.status; headers = []; body = Blob.fromArray(Array.concat(Blob.toArray(args.context), Blob.toArray(args.response.body))) }
  };
  public query func boom(_ : TransformArgs) : async Response { Runtime.trap("transform trapped") };

  func codeOf(e : Error.Error) : Nat {
    switch (Error.code(e)) {
      case (#system_fatal) 1; case (#system_transient) 2; case (#destination_invalid) 3;
      case (#canister_reject) 4; case (#canister_error) 5; case (#future n) Nat32.toNat(n);
      case (#call_error { err_code }) 1000 + Nat32.toNat(err_code); case (_) 999;
    }
  };

  public type Outcome = { #ok : Response; #err : (Nat, Text) };

  public func fetch(url : Text, transform : Text, maxBytes : ?Nat64, cycles : Nat) : async (Outcome, Nat) {
    let t : ?Transform = switch transform {
      case "strip" ?{ function = strip; context = "ctx:" };
      case "boom" ?{ function = boom; context = "" };
      case _ null;
    };
    try {
      let r = await (with cycles = cycles) ic.http_request({
        url; max_response_bytes = maxBytes; method = #get; headers = [{ name = "x-req"; value = "1" }]; body = null; transform = t;
      });
      (#ok r, Cycles.refunded())
    } catch (e) {
      (#err (codeOf(e), Error.message(e)), Cycles.refunded())
    }
  };
};
`;

const Header = IDL.Record({ name: IDL.Text, value: IDL.Text });
const Result = IDL.Record({ status: IDL.Nat, headers: IDL.Vec(Header), body: IDL.Vec(IDL.Nat8) });
const Outcome = IDL.Variant({ ok: Result, err: IDL.Tuple(IDL.Nat, IDL.Text) });
const FETCH_RESULT = [Outcome, IDL.Nat];
const HttpRequestArgs = IDL.Record({
  url: IDL.Text, max_response_bytes: IDL.Opt(IDL.Nat64),
  method: IDL.Variant({ get: IDL.Null, head: IDL.Null, post: IDL.Null, put: IDL.Null, delete: IDL.Null, patch: IDL.Null }),
  headers: IDL.Vec(Header), body: IDL.Opt(IDL.Vec(IDL.Nat8)),
  transform: IDL.Opt(IDL.Record({ function: IDL.Func([IDL.Record({ response: Result, context: IDL.Vec(IDL.Nat8) })], [Result], ['query']), context: IDL.Vec(IDL.Nat8) })),
  is_replicated: IDL.Opt(IDL.Bool), pricing_version: IDL.Opt(IDL.Nat32),
});

type Outcome = { ok: { status: bigint; headers: { name: string; value: string }[]; body: Uint8Array | number[] } } | { err: [bigint, string] };
const SEC = 1_000_000_000n;
const CYCLES = 100_000_000_000n;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array | number[]): string => new TextDecoder().decode(Uint8Array.from(b));
/** The legacy fee on the replica's 13 nodes. */
const fee = (requestBytes: number, responseBytes = 2_000_000n): bigint => (3_000_000n + 60_000n * 13n + 400n * BigInt(requestBytes) + 800n * responseBytes) * 13n;

const fetchArg = (url: string, transform: string, maxBytes?: bigint, cycles = CYCLES): Uint8Array =>
  enc([IDL.Text, IDL.Text, IDL.Opt(IDL.Nat64), IDL.Nat], [url, transform, maxBytes === undefined ? [] : [maxBytes], cycles]);
const fetchResult = (bytes: Uint8Array): [Outcome, bigint] => IDL.decode(FETCH_RESULT, bytes) as unknown as [Outcome, bigint];

/** Ticks until an outcall is pending; returns it. */
async function pendingOutcall(ic: Replica): Promise<ReturnType<Replica['pendingHttpOutcalls']>[number]> {
  for (let i = 0; i < 10; i++) {
    const [first] = ic.pendingHttpOutcalls();
    if (first !== undefined) return first;
    await ic.tick();
  }
  throw new Error('no outcall pending');
}

async function outcaller(ic: Replica): Promise<CanisterId> {
  const id = await ic.createCanister();
  await ic.installCode(id, await compileMotoko(OUTCALL_MO));
  return id;
}

describe('http_request with the mock adapter', () => {
  let ic: Replica;
  let id: CanisterId;
  before(async () => { ic = await Replica.create(); id = await outcaller(ic); });
  after(async () => { await ic.close(); });

  it('a GET answered by the mock, transformed (headers stripped) by a query called by aaaaa-aa; fee charged, the rest refunded', async () => {
    const url = 'https://example.com/data';
    const mid = await ic.submitCall(id, 'fetch', fetchArg(url, 'strip', 5000n));
    const out = await pendingOutcall(ic);
    assert.deepEqual([out.url, out.method, out.maxResponseBytes, out.replicated], [url, 'GET', 5000n, true]);
    assert.deepEqual(out.headers, [{ name: 'x-req', value: '1' }]);
    assert.ok(out.canisterId.equals(id));
    assert.deepEqual(out.transform?.methodName, 'strip');
    const contexts = ic.committedState.metadata.subnetCallContextManager.canisterHttpRequestContexts;
    assert.equal(contexts.size, 1, 'the call waits as a context in the state');
    ic.mockHttpOutcall(out.id, { status: 200, headers: [{ name: 'date', value: 'today' }, { name: 'x-volatile', value: '42' }], body: utf8('payload') });
    const r = await ic.awaitCall(mid);
    assert.equal(r.kind, 'replied');
    const [outcome, refunded] = fetchResult((r as { reply: Uint8Array }).reply);
    assert.ok('ok' in outcome, JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(outcome.ok.status, 200n);
    assert.deepEqual(outcome.ok.headers, [], 'the transform stripped the headers');
    assert.equal(str(outcome.ok.body), 'ctx:payload', 'the transform got the context blob');
    const requestBytes = url.length + 'x-req'.length + '1'.length + 'strip'.length + 'ctx:'.length;
    assert.equal(refunded, CYCLES - fee(requestBytes, 5000n), 'attached minus the fee comes back');
    assert.equal(ic.committedState.metadata.subnetCallContextManager.canisterHttpRequestContexts.size, 0);
    assert.deepEqual(ic.pendingHttpOutcalls(), []);
  });

  it('a transform that traps: CANISTER_ERROR with the IC0503 text; the fee is kept', async () => {
    const mid = await ic.submitCall(id, 'fetch', fetchArg('https://example.com/', 'boom'));
    const out = await pendingOutcall(ic);
    ic.mockHttpOutcall(out.id, { status: 200, body: utf8('x') });
    const [outcome, refunded] = fetchResult((await ic.awaitCall(mid) as { reply: Uint8Array }).reply);
    assert.ok('err' in outcome);
    assert.equal(outcome.err[0], 5n);
    assert.match(outcome.err[1], /^IC0503: Error from Canister [a-z0-9-]+: Canister called `ic0\.trap` with message: '?transform trapped/);
    assert.equal(typeof refunded, 'bigint'); // (Motoko reports no refund on a reject; the WAT tests below check it)
  });

  it('a mocked reject reaches the canister with its code and message', async () => {
    const mid = await ic.submitCall(id, 'fetch', fetchArg('https://example.com/r', ''));
    const out = await pendingOutcall(ic);
    ic.mockHttpOutcall(out.id, { reject: { code: RejectCode.SysTransient, message: 'Connecting to example.com failed' } });
    const [outcome] = fetchResult((await ic.awaitCall(mid) as { reply: Uint8Array }).reply);
    assert.deepEqual(outcome, { err: [2n, 'Connecting to example.com failed'] });
    assert.throws(() => ic.mockHttpOutcall(out.id, { status: 200 }), /no pending HTTPS outcall/);
  });

  it('a body larger than max_response_bytes: SYS_FATAL "Http body exceeds size limit of <n> bytes."', async () => {
    const mid = await ic.submitCall(id, 'fetch', fetchArg('https://example.com/big', '', 100n));
    const out = await pendingOutcall(ic);
    ic.mockHttpOutcall(out.id, { status: 200, body: new Uint8Array(101) });
    const [outcome] = fetchResult((await ic.awaitCall(mid) as { reply: Uint8Array }).reply);
    assert.deepEqual(outcome, { err: [1n, 'Http body exceeds size limit of 100 bytes.'] });
  });

  it('no answer within 60 s of the call: SYS_TRANSIENT "Canister http request timed out"; the fee is kept', async () => {
    const mid = await ic.submitCall(id, 'fetch', fetchArg('https://slow.example', ''));
    const out = await pendingOutcall(ic);
    const made = ic.committedState.metadata.subnetCallContextManager.canisterHttpRequestContexts.get(out.id)?.time as bigint;
    assert.equal(out.timeout, made + 60n * SEC);
    ic.advanceTime(59n * SEC);
    await ic.tick();
    await ic.tick();
    assert.equal(ic.pendingHttpOutcalls().length, 1, 'still waiting before the timeout');
    ic.advanceTime(2n * SEC);
    const [outcome] = fetchResult((await ic.awaitCall(mid) as { reply: Uint8Array }).reply);
    assert.deepEqual(outcome, { err: [2n, 'Canister http request timed out'] });
    assert.deepEqual(ic.pendingHttpOutcalls(), [], 'a timed-out outcall is no longer pending');
  });
});

describe('http_request: bad input and limits (raw Candid from a WAT canister)', () => {
  let ic: Replica;
  let fwd: CanisterId;
  before(async () => {
    ic = await Replica.create();
    fwd = await proxyCanister(ic);
  });
  after(async () => { await ic.close(); });

  interface Args {
    url?: string; max?: bigint; method?: string; headers?: { name: string; value: string }[]; body?: Uint8Array;
    transform?: CanisterId; transformMethod?: string; replicated?: boolean;
  }
  const candid = (a: Args): Uint8Array => enc([HttpRequestArgs], [{
    url: a.url ?? 'https://example.com', max_response_bytes: a.max === undefined ? [] : [a.max], method: { [a.method ?? 'get']: null },
    headers: a.headers ?? [], body: a.body === undefined ? [] : [a.body],
    transform: a.transform === undefined ? [] : [{ function: [p(a.transform), a.transformMethod ?? 'strip'], context: new Uint8Array() }],
    is_replicated: a.replicated === undefined ? [] : [a.replicated], pricing_version: [],
  }]);

  const forwardArg = (payload: Uint8Array, cycles = CYCLES): Uint8Array => proxyArg('http_request', payload, cycles);
  const forward = (payload: Uint8Array, cycles = CYCLES): Promise<ProxyAnswer> => viaProxy(ic, fwd, 'http_request', payload, { cycles });
  /** The proxy's answer to a call submitted with `forwardArg`. */
  const answerOf = async (mid: Uint8Array): Promise<ProxyAnswer> => proxyAnswer((await ic.awaitCall(mid) as { reply: Uint8Array }).reply);

  const cases: [string, () => Uint8Array, number, string][] = [
    ['not Candid', () => Uint8Array.of(1, 2, 3), 4, 'Error decoding candid: '],
    ['65 headers', () => candid({ headers: Array.from({ length: 65 }, (_, i) => ({ name: `h${i}`, value: '' })) }),
      4, 'Error decoding candid: Deserialize error: The number of elements exceeds maximum allowed 64'],
    ['a URL of 8193 bytes', () => candid({ url: 'https://' + 'u'.repeat(8185) }), 4, 'url size 8193 exceeds 8192'],
    ['a header name of 8193 bytes', () => candid({ headers: [{ name: 'n'.repeat(8193), value: '' }] }),
      4, 'number of bytes to represent some http header name 8193 exceeds 8192'],
    ['headers and body of 2,000,001 bytes', () => candid({ headers: [{ name: 'a', value: '' }], body: new Uint8Array(2_000_000) }),
      4, 'total number of bytes to represent all http header names and values and http body 2000001 exceeds 2000000'],
    ['max_response_bytes of 2,000,001', () => candid({ max: 2_000_001n }), 4, 'max_response_bytes expected to be in the range [0..2000000], got 2000001'],
    ['a replicated DELETE', () => candid({ method: 'delete' }), 4, 'The requested HTTP method is only allowed for non-replicated requests.'],
  ];
  for (const [name, payload, code, text] of cases) {
    it(`rejects ${name} (code ${code}), all cycles back`, async () => {
      const r = await forward(payload());
      assertReject(r, code, text.endsWith(': ') ? new RegExp(`^${text}`) : text);
      assert.equal(r.kind === 'reject' && r.refunded, CYCLES);
    });
  }

  it('a transform of another canister is rejected', async () => {
    const other = CanisterId.fromU64(12345n);
    const r = await forward(candid({ transform: other }));
    assertReject(r, 4, `transform principal id expected to be ${fwd.toText()}, got ${other.toText()}`);
  });

  it('cycles below the fee are rejected with the fee in the text; exactly the fee is accepted', async () => {
    const need = fee('https://example.com'.length);
    const r = await forward(candid({}), need - 1n);
    assert.deepEqual(r, { kind: 'reject', code: 4, message: `http_request request sent with ${need - 1n} cycles, but ${need} cycles are required.`, refunded: need - 1n });
    const mid = await ic.submitCall(fwd, 'call', forwardArg(candid({}), need));
    const out = await pendingOutcall(ic);
    ic.mockHttpOutcall(out.id, { status: 204 });
    const reply = await answerOf(mid);
    assert.ok(reply.kind === 'reply');
    assert.equal(reply.refunded, 0n, 'nothing left to refund');
    assert.equal(dec<{ status: bigint }>(Result, reply.bytes).status, 204n);
  });

  it('a transform that traps: CANISTER_ERROR IC0503, attached minus the fee refunded', async () => {
    const mid = await ic.submitCall(fwd, 'call', forwardArg(candid({ transform: fwd, transformMethod: 'transform_trap' })));
    const out = await pendingOutcall(ic);
    ic.mockHttpOutcall(out.id, { status: 200, body: utf8('x') });
    const r = await answerOf(mid);
    assertReject(r, RejectCode.CanisterError, `IC0503: Error from Canister ${fwd.toText()}: Canister called \`ic0.trap\` with message: 'transform trapped'.\n`
      + 'Consider gracefully handling failures from this canister or altering the canister to handle exceptions. '
      + 'See documentation: https://docs.internetcomputer.org/references/execution-errors#trapped-explicitly');
    assert.equal(r.kind === 'reject' && r.refunded, CYCLES - fee('https://example.com'.length + 'transform_trap'.length));
  });

  it('a timeout keeps the fee and refunds the rest', async () => {
    const mid = await ic.submitCall(fwd, 'call', forwardArg(candid({ url: 'https://slow.example' })));
    await pendingOutcall(ic);
    ic.advanceTime(61n * SEC);
    assert.deepEqual(await answerOf(mid),
      { kind: 'reject', code: RejectCode.SysTransient, message: 'Canister http request timed out', refunded: CYCLES - fee('https://slow.example'.length) });
  });

  it('PUT, DELETE and PATCH are accepted non-replicated', async () => {
    for (const method of ['put', 'delete', 'patch']) {
      const mid = await ic.submitCall(fwd, 'call', forwardArg(candid({ method, replicated: false })));
      const out = await pendingOutcall(ic);
      assert.equal(out.method, method.toUpperCase());
      assert.equal(out.replicated, false);
      ic.mockHttpOutcall(out.id, { status: 200 });
      assert.equal((await answerOf(mid)).kind, 'reply');
    }
  });
});

describe('http_request with the real adapter and a local node:http server', () => {
  let server: http.Server;
  let base: string;
  const requests: { method?: string; url?: string; userAgent?: string }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      requests.push({ method: req.method, url: req.url, userAgent: req.headers['user-agent'] });
      res.writeHead(200, { 'X-Server': 'local', 'Content-Type': 'text/plain' });
      res.end(`hello from ${req.url}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('the response comes back through a batch, transformed', async () => {
    const ic = await Replica.create({ httpOutcalls: new NodeHttpAdapter({ allowHttp: true }) });
    try {
      const id = await outcaller(ic);
      const [outcome, refunded] = fetchResult(await ic.updateCall(id, 'fetch', fetchArg(`${base}/page`, 'strip')));
      assert.ok('ok' in outcome);
      assert.equal(str(outcome.ok.body), 'ctx:hello from /page');
      assert.deepEqual(outcome.ok.headers, []);
      assert.equal(refunded, CYCLES - fee(`${base}/page`.length + 6 + 'strip'.length + 'ctx:'.length));
      assert.deepEqual(requests[requests.length - 1], { method: 'GET', url: '/page', userAgent: 'ic/1.0' });
      assert.throws(() => ic.pendingHttpOutcalls(), /only with the manual adapter/);
    } finally {
      await ic.close();
    }
  });

  it('without a transform the canister gets the server headers; https only by default (SYS_FATAL, fee kept)', async () => {
    const ic = await Replica.create({ httpOutcalls: new NodeHttpAdapter() });
    try {
      const id = await outcaller(ic);
      const [outcome] = fetchResult(await ic.updateCall(id, 'fetch', fetchArg(`${base}/plain`, '')));
      assert.deepEqual(outcome, { err: [1n, 'Url need to specify https scheme'] });
    } finally {
      await ic.close();
    }
    const open = await Replica.create({ httpOutcalls: new NodeHttpAdapter({ allowHttp: true }) });
    try {
      const id = await outcaller(open);
      const [outcome] = fetchResult(await open.updateCall(id, 'fetch', fetchArg(`${base}/plain`, '')));
      assert.ok('ok' in outcome);
      assert.ok(outcome.ok.headers.some((h) => h.name === 'x-server' && h.value === 'local'));
    } finally {
      await open.close();
    }
  });
});

describe('http_request: determinism', () => {
  it('two replicas with the same calls and mock answers have the same state hash after every round', async () => {
    const runs = [await Replica.create(), await Replica.create()];
    try {
      const hashes = await Promise.all(runs.map(async (ic) => {
        const id = await outcaller(ic);
        const mid = await ic.submitCall(id, 'fetch', fetchArg('https://example.com/d', 'strip'));
        const seen: string[] = [];
        for (let i = 0; i < 6; i++) {
          await ic.tick();
          for (const o of ic.pendingHttpOutcalls()) ic.mockHttpOutcall(o.id, { status: 200, body: utf8('same') });
          seen.push(Buffer.from(ic.stateHash()).toString('hex'));
        }
        assert.equal((await ic.awaitCall(mid)).kind, 'replied');
        return seen;
      }));
      assert.deepEqual(hashes[1], hashes[0]);
    } finally {
      await Promise.all(runs.map((r) => r.close()));
    }
  });
});
