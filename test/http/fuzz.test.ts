// A fuzz test of the endpoints: ≥ 10,000 malformed requests — random
// bytes, random CBOR of every shape, valid envelopes mutated (bit flips,
// truncation, insertions, fields swapped), random read_state paths and
// random URL paths — each answered with a status below 500 (4xx for
// what is malformed), never an exception; the server is healthy afterwards
// and still executes a valid call. The cases go to the server's request
// handler (`dispatch`, what the socket side calls) without sockets, and a
// further 1,000 over real HTTP (keep-alive). Seeded (FUZZ_SEED to replay a
// run); FUZZ_CASES and FUZZ_HTTP_CASES set the counts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { encode, encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { ed25519Key } from '../../src/http/auth/test-support.ts';
import { dispatch } from '../../src/http/index.ts';
import type { CanisterId } from '../../src/types/index.ts';
import { watFile } from '../corpus/wat.ts';
import { content, readState, serveInProcess, signed } from './raw.ts';
import type { InProcess } from './raw.ts';

const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const HTTP_CASES = Number(process.env.FUZZ_HTTP_CASES ?? 1_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x1c0e8ec);
const CONCURRENCY = 16;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzzing the endpoints', { timeout: 300_000 }, () => {
  let s: InProcess;
  let id: CanisterId;
  const rnd = prng(SEED);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256));
  const key = ed25519Key(31);

  before(async () => {
    // Calls that survive mutation are answered 202 at once (no sync wait).
    s = await serveInProcess({ admission: { ratePerSecond: 1e9, ratePerCanisterPerSecond: 1e9 }, syncCallTimeoutMs: 0 });
    id = await s.replica.createCanister();
    await s.replica.installCode(id, await watFile('counter'));
  });
  after(async () => s?.close());

  /** A random CBOR-able value, nested up to `depth`. */
  function value(depth: number): unknown {
    switch (int(depth > 0 ? 9 : 6)) {
      case 0: return bytes(int(40));
      case 1: return pick(['call', 'query', 'read_state', 'content', '', 'x'.repeat(int(100)), 'sender', '\u{1F600}']);
      case 2: return BigInt(int(2 ** 31)) * BigInt(int(2 ** 31));
      case 3: return -int(1000) - 1;
      case 4: return pick([true, false, null, undefined]);
      case 5: return int(24);
      case 6: return Array.from({ length: int(5) }, () => value(depth - 1));
      case 7: return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(['content', 'request_type', 'paths', 'sender', 'arg', 'nonce', 'k']), value(depth - 1)]));
      default: return { content: value(depth - 1), sender_pubkey: value(depth - 1), sender_sig: value(depth - 1) };
    }
  }

  const validBodies = (): { path: string; body: Uint8Array }[] => {
    const cid = id.toText();
    return [
      { path: `/api/v3/canister/${cid}/call`, body: signed(content(id, 'inc', new Uint8Array(0), key), key) },
      { path: `/api/v2/canister/${cid}/call`, body: signed(content(id, 'set', bytes(8))) },
      { path: `/api/v3/canister/${cid}/query`, body: signed(content(id, 'get', new Uint8Array(0), undefined, { request_type: 'query' })) },
      { path: `/api/v2/canister/${cid}/read_state`, body: signed(readState([['time'], ['subnet']], key), key) },
    ];
  };

  function mutate(b: Uint8Array): Uint8Array {
    const out = Uint8Array.from(b);
    switch (int(5)) {
      case 0: for (let i = 0; i < 1 + int(4); i++) out[int(out.length)] ^= 1 << int(8); return out;
      case 1: return out.subarray(0, int(out.length));
      case 2: { const at = int(out.length); return Uint8Array.from([...out.subarray(0, at), ...bytes(1 + int(8)), ...out.subarray(at)]); }
      case 3: { out[int(out.length)] = pick([0x1b, 0x5f, 0x7f, 0x9f, 0xbf, 0xff, 0xf9, 0xfb, 0xc2, 0xd8]); return out; }
      default: return Uint8Array.from([...out, ...bytes(1 + int(4))]);
    }
  }

  const PREFIXES = ['/api/v2/canister/', '/api/v3/canister/', '/api/v4/canister/', '/api/v2/subnet/', '/api/v3/subnet/', '/api/v4/subnet/', '/api/v9/canister/', '/'];
  const ENDS = ['/call', '/query', '/read_state', '/status', '', '/call/x'];

  /** One case: a path and a body. */
  function makeCase(valid: { path: string; body: Uint8Array }[]): { path: string; body: Uint8Array } {
    const v = pick(valid);
    switch (int(7)) {
      case 0: return { path: v.path, body: bytes(int(200)) };
      case 1: return { path: v.path, body: (rnd() < 0.5 ? encodeWithSelfDescribedTag : encode)(value(4) as never) };
      case 2: case 3: return { path: v.path, body: mutate(v.body) };
      case 4: {
        const paths = Array.from({ length: int(4) }, () => Array.from({ length: int(5) }, () =>
          rnd() < 0.5 ? pick(['time', 'subnet', 'canister', 'request_status', 'canister_ranges', 'api_boundary_nodes', 'metadata', 'controllers']) : bytes(int(40))));
        return { path: pick([`/api/v2/canister/${id.toText()}/read_state`, `/api/v3/subnet/${s.replica.subnetId.toText()}/read_state`]), body: signed(readState(paths)) };
      }
      case 5: {
        const c = content(id, pick(['inc', 'get', '', 'x'.repeat(300)]), bytes(int(16)), undefined, { [pick(['nonce', 'sender', 'canister_id', 'ingress_expiry', 'arg', 'extra'])]: value(2) as never });
        return { path: v.path, body: signed(c) };
      }
      default: {
        const middle = pick([id.toText(), s.replica.subnetId.toText(), 'aaaaa-aa', Buffer.from(bytes(int(20))).toString('base64url'), '%00', '..', '']);
        return { path: pick(PREFIXES) + middle + pick(ENDS), body: v.body };
      }
    }
  }

  const describeCase = (c: { path: string; body: Uint8Array }, status: number, text: string): string =>
    `seed ${SEED}: ${c.path} → ${status} ${text}\nbody ${Buffer.from(c.body).toString('hex').slice(0, 400)}`;

  /** Runs `n` cases through `answer`; the statuses seen. */
  async function run(n: number, answer: (c: { path: string; body: Uint8Array }) => Promise<{ status: number; text: string }>): Promise<Map<number, number>> {
    const valid = validBodies();
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < n) {
        next++;
        const c = makeCase(valid);
        const r = await answer(c);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        assert.ok(r.status < 500, describeCase(c, r.status, r.text));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.equal([...statuses.values()].reduce((a, b) => a + b, 0), n);
    const fourxx = [...statuses].filter(([k]) => k >= 400).reduce((a, [, m]) => a + m, 0);
    assert.ok(fourxx > n / 2, `most cases are malformed: ${JSON.stringify([...statuses])}`);
    return statuses;
  }

  it(`${CASES} malformed requests to the request handler: all answered below 500, none throws`, async () => {
    await run(CASES, async (c) => {
      const a = await dispatch(s.server.context, { method: 'POST', pathname: c.path, contentType: 'application/cbor', body: async () => c.body });
      return { status: a.status, text: a.contentType === 'application/cbor' ? '' : new TextDecoder().decode(a.body) };
    });
  });

  it(`${HTTP_CASES} more over HTTP; then the server is healthy and executes a valid call`, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const { hostname, port } = new URL(s.url);
    try {
      await run(HTTP_CASES, (c) => new Promise((resolve, reject) => {
        const req = request({ agent, hostname, port, path: c.path, method: 'POST', headers: { 'content-type': 'application/cbor', 'content-length': c.body.length } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
        });
        req.on('error', reject);
        req.end(c.body);
      }));
    } finally {
      agent.destroy();
    }
    const st = await fetch(`${s.url}/api/v2/status`);
    assert.equal(st.status, 200);
    const { post } = await import('./raw.ts');
    const ok = await post(s.url, `/api/v2/canister/${id.toText()}/call`, signed(content(id, 'inc', new Uint8Array(0), key), key));
    assert.equal(ok.status, 202, ok.text);
    assert.equal(s.server.rounds.failedRounds, 0);
  });
});
