// Raw HTTP against an in-process server: a replica on the wall clock
// served by `IcHttpServer` on a free port, hand-built (and hand-signed)
// envelopes, and CBOR answers decoded.
import { decode } from '@dfinity/cbor';
import { SystemClock } from '../../src/env/index.ts';
import { IcHttpServer, NodeSigner } from '../../src/http/index.ts';
import type { ServeOptions } from '../../src/http/index.ts';
import { Replica } from '../../src/replica/index.ts';
import type { ReplicaOptions } from '../../src/replica/index.ts';
import { callContent, envelope } from '../../src/http/auth/test-support.ts';
import type { Content, TestKey } from '../../src/http/auth/test-support.ts';
import type { CanisterId } from '../../src/types/index.ts';

export const MINUTE_NS = 60_000_000_000n;
export const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** A replica served in this process. */
export interface InProcess {
  readonly replica: Replica;
  readonly server: IcHttpServer;
  readonly url: string;
  close(): Promise<void>;
}

export async function serveInProcess(
  opts: Partial<Omit<ServeOptions, 'replica' | 'node' | 'clock'>> = {}, replicaOpts: ReplicaOptions = {},
): Promise<InProcess> {
  const clock = new SystemClock();
  const node = NodeSigner.fromSeed('raw-tests');
  const replica = await Replica.create({ ...replicaOpts, clock, nodes: [node.nodeKey] });
  const server = await IcHttpServer.start({ port: 0, idleRoundIntervalMs: 20, ...opts, replica, node, clock });
  return {
    replica, server, url: server.url,
    close: async () => {
      await server.close();
      await replica.close();
    },
  };
}

/** An HTTP answer, its CBOR body decoded when it is CBOR. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly cbor: any;
}

export async function post(url: string, path: string, body: Uint8Array | string, contentType = 'application/cbor'): Promise<Reply> {
  const res = await fetch(url + path, { method: 'POST', body: body as BodyInit, headers: { 'content-type': contentType } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const isCbor = res.headers.get('content-type') === 'application/cbor';
  return { status: res.status, headers: res.headers, text: isCbor ? '' : new TextDecoder().decode(bytes), cbor: isCbor ? decode(bytes) : undefined };
}

/** A call/query content to `canister` on the wall clock (expiry in 4 minutes). */
export function content(canister: CanisterId, method: string, arg: Uint8Array, key?: TestKey, extra: Content = {}): Content {
  return callContent(key, {
    canister_id: canister.toUint8Array(), method_name: method, arg, ingress_expiry: nowNs() + 4n * MINUTE_NS,
    nonce: crypto.getRandomValues(new Uint8Array(8)), ...extra,
  });
}

/** A signed (or anonymous) envelope of `c`. */
export const signed = (c: Content, key?: TestKey, opts: Parameters<typeof envelope>[1] = {}): Uint8Array =>
  envelope(c, { ...(key === undefined ? {} : { key }), ...opts });

/** A read_state content. */
export function readState(paths: readonly (readonly (Uint8Array | string)[])[], key?: TestKey, extra: Content = {}): Content {
  const enc = new TextEncoder();
  const c = callContent(key, { ingress_expiry: nowNs() + 4n * MINUTE_NS, ...extra });
  return {
    request_type: 'read_state', sender: c.sender, ingress_expiry: c.ingress_expiry,
    paths: paths.map((p) => p.map((l) => (typeof l === 'string' ? enc.encode(l) : l))),
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'ingress_expiry')),
  };
}
