// The real adapter against a local `node:http` server started here (no
// internet): what it sends, what it returns, and each failure's reject.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RejectCode } from '../errors/index.ts';
import type { CanisterHttpMethod } from '../state/index.ts';
import { CanisterId, time } from '../types/index.ts';
import type { CanisterHttpAdapterRequest, CanisterHttpAdapterResult } from './adapter.ts';
import { NodeHttpAdapter } from './node-adapter.ts';

interface Seen { method: string; url: string; headers: string[]; body: string }

let server: http.Server;
let base: string;
const seen: Seen[] = [];

function request(url: string, extra: { method?: CanisterHttpMethod; headers?: { name: string; value: string }[]; body?: string; limit?: bigint } = {}): CanisterHttpAdapterRequest {
  return {
    id: BigInt(seen.length), canisterId: CanisterId.fromU64(1n), url, method: extra.method ?? 'GET', headers: extra.headers ?? [],
    body: new TextEncoder().encode(extra.body ?? ''), maxResponseBytes: extra.limit, responseLimit: extra.limit ?? 2_000_000n,
    transform: undefined, replicated: true, timeout: time(0n),
  };
}

const text = (r: CanisterHttpAdapterResult): string => {
  assert.equal(r.kind, 'response', JSON.stringify(r));
  return new TextDecoder().decode((r as { body: Uint8Array }).body);
};

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.rawHeaders, body: Buffer.concat(chunks).toString() });
      const path = req.url ?? '/';
      if (path === '/hang') return; // never answers
      if (path === '/redirect') { res.writeHead(302, { Location: '/elsewhere' }); res.end(); return; }
      if (path === '/big') { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('x'.repeat(100)); return; }
      if (path === '/latin1') {
        req.socket.end(Buffer.from('HTTP/1.1 200 OK\r\nx-bad: caf\u00e9\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok', 'latin1'));
        return;
      }
      res.writeHead(201, { 'X-Echo': 'Yes', 'Content-Type': 'text/plain' });
      res.end(`${req.method} ${path} ${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('NodeHttpAdapter', () => {
  const adapter = new NodeHttpAdapter({ allowHttp: true });

  it('sends the method, headers and body, adds user-agent ic/1.0, and returns status, lower-case headers and body', async () => {
    const r = await adapter.send(request(`${base}/echo?q=1`, { method: 'POST', headers: [{ name: 'X-Custom', value: 'v' }], body: 'payload' }));
    assert.equal(text(r), 'POST /echo?q=1 payload');
    assert.equal((r as { status: number }).status, 201);
    const headers = (r as unknown as { headers: { name: string; value: string }[] }).headers;
    assert.deepEqual(headers.find((h) => h.name === 'x-echo'), { name: 'x-echo', value: 'Yes' });
    assert.ok(headers.every((h) => h.name === h.name.toLowerCase()));
    const sent = seen[seen.length - 1];
    assert.equal(sent.method, 'POST');
    const ua = sent.headers.findIndex((h) => h.toLowerCase() === 'user-agent');
    assert.equal(sent.headers[ua + 1], 'ic/1.0');
    assert.equal(sent.headers[sent.headers.indexOf('X-Custom') + 1], 'v');
  });

  it("keeps the canister's own user-agent (any case)", async () => {
    text(await adapter.send(request(`${base}/ua`, { headers: [{ name: 'User-Agent', value: 'mine' }] })));
    const sent = seen[seen.length - 1].headers;
    assert.deepEqual(sent.filter((_, i) => i % 2 === 0 && sent[i].toLowerCase() === 'user-agent').length, 1);
    assert.equal(sent[sent.indexOf('User-Agent') + 1], 'mine');
  });

  it('PUT, DELETE, PATCH and HEAD go out as such', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'HEAD'] as const) {
      const r = await adapter.send(request(`${base}/m`, { method }));
      assert.equal(r.kind, 'response');
      assert.equal(seen[seen.length - 1].method, method);
    }
  });

  it('does not follow redirects', async () => {
    const r = await adapter.send(request(`${base}/redirect`));
    assert.equal(r.kind === 'response' ? r.status : 0, 302);
  });

  it('https only unless allowed, as the IC', async () => {
    assert.deepEqual(await new NodeHttpAdapter().send(request(`${base}/x`)), { kind: 'reject', code: RejectCode.SysFatal, message: 'Url need to specify https scheme' });
  });

  it('a URL that does not parse is SYS_FATAL', async () => {
    const r = await adapter.send(request('not a url'));
    assert.equal(r.kind, 'reject');
    assert.equal((r as { code: number }).code, RejectCode.SysFatal);
    assert.match((r as { message: string }).message, /^Failed to parse URL: /);
  });

  it('stops downloading at the response limit', async () => {
    assert.deepEqual(await adapter.send(request(`${base}/big`, { limit: 150n })),
      { kind: 'reject', code: RejectCode.SysFatal, message: 'Http body exceeds size limit of 150 bytes.' });
    assert.equal(text(await adapter.send(request(`${base}/big`, { limit: 1000n }))), 'x'.repeat(100));
    assert.deepEqual(await adapter.send(request(`${base}/big`, { limit: 10n })),
      { kind: 'reject', code: RejectCode.SysFatal, message: 'Header size exceeds specified response size limit 10' });
  });

  it('a header value that is not visible ASCII is SYS_TRANSIENT', async () => {
    assert.deepEqual(await adapter.send(request(`${base}/latin1`)),
      { kind: 'reject', code: RejectCode.SysTransient, message: 'Failed to parse headers: failed to convert header to a str' });
  });

  it('a refused connection is SYS_TRANSIENT "Connecting to <host> failed: …"', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await adapter.send(request(`http://127.0.0.1:${port}/`));
    assert.equal(r.kind, 'reject');
    assert.equal((r as { code: number }).code, RejectCode.SysTransient);
    assert.match((r as { message: string }).message, /^Connecting to 127\.0\.0\.1 failed: Failed to directly connect: .*ECONNREFUSED/);
  });

  it('a server that does not answer in time is SYS_FATAL "Timeout expired"', async () => {
    const quick = new NodeHttpAdapter({ allowHttp: true, requestTimeoutMs: 150 });
    assert.deepEqual(await quick.send(request(`${base}/hang`)), { kind: 'reject', code: RejectCode.SysFatal, message: 'Timeout expired' });
  });

  it('poll() returns when a request settles, or after about a millisecond', async () => {
    const a = new NodeHttpAdapter({ allowHttp: true });
    const pending = a.send({ ...request(`${base}/echo`), id: 2000n });
    let polls = 0;
    let settled = false;
    void pending.then(() => { settled = true; });
    while (!settled && polls < 10_000) { await a.poll(); polls++; }
    assert.equal(settled, true);
    assert.equal((await pending).kind, 'response');
    const hang = a.send({ ...request(`${base}/hang`), id: 2001n });
    await a.poll(); // returns although nothing settles
    a.close();
    await hang;
  });

  it('cancel() and close() abort what is in flight', async () => {
    const a = new NodeHttpAdapter({ allowHttp: true });
    const r1 = a.send({ ...request(`${base}/hang`), id: 1000n });
    const r2 = a.send({ ...request(`${base}/hang`), id: 1001n });
    await a.poll();
    a.cancel(1000n);
    assert.equal((await r1).kind, 'reject');
    a.close();
    assert.equal((await r2).kind, 'reject');
  });
});
