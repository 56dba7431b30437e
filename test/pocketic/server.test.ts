// bin/pocket-ic as a process and its REST API on the wire (plain fetch,
// as pic-js speaks it): the launcher handshake (`--version`, the port
// file created exclusively and written once, a live owner shared, stale
// files replaced), the idle TTL and SIGTERM (instances closed, port file
// removed), and the JSON shapes and errors of the real server:
// `{"Created"}`/`{"Error"}` for instances, `{"message"}` with 4xx for
// errors, u128 amounts as bare JSON integers, the blob store, and the
// long-operation protocol (202 + `/read_graph`).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDL } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import { compileFetcher } from './canisters.ts';
import { POCKET_IC_BIN, startServer, waitForPort } from './support.ts';
import type { Server } from './support.ts';

const APP = { subnet_config_set: { nns: null, system: [], application: [{ state_config: 'New', instruction_config: 'Production', dts_flag: 'Enabled' }], cloud_engine: [], verified_application: [] } };
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
// A copy: Candid decodes from the bytes' ArrayBuffer, and a small Buffer's is Node's shared pool.
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'pocket-ic-server-test-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(POCKET_IC_BIN, args, { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('bin/pocket-ic: the launcher', () => {
  it('--version prints the PocketIC server version; --help the usage; a bad flag exits 2', () => {
    assert.deepEqual(run(['--version']), { status: 0, stdout: 'pocket-ic-server 14.0.0\n', stderr: '' });
    assert.match(run(['--help']).stdout, /--port-file PATH/);
    const bad = run(['--ttl', 'soon']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--ttl needs a non-negative integer/);
  });

  it('writes "<port>\\n" into the port file; a second server on the same file exits and shares the first', async () => {
    const server = await startServer();
    try {
      assert.equal(readFileSync(server.portFile, 'utf8'), `${server.port}\n`);
      assert.equal((await fetch(`${server.url}/status`)).status, 200);
      const second = spawnSync(POCKET_IC_BIN, ['--port-file', server.portFile], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(second.status, 0);
      assert.match(second.stdout, /belongs to a running server/);
      assert.equal(readFileSync(server.portFile, 'utf8'), `${server.port}\n`);
    } finally {
      assert.equal(await server.stop(), 0);
    }
    assert.equal(existsSync(server.portFile), false, 'SIGTERM removes the port file');
  });

  it('replaces a stale port file: a dead port, or left empty for long', async () => {
    for (const stale of [`${await deadPort()}\n`, '']) {
      const file = join(dir, `stale-${stale === '' ? 'empty' : 'dead'}.port`);
      writeFileSync(file, stale);
      if (stale === '') utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      const child = spawn(POCKET_IC_BIN, ['--port-file', file, '--ttl', '30'], { stdio: 'ignore' });
      const exited = exitOf(child);
      let port = await waitForPort(file);
      while (`${port}\n` === stale) { await new Promise((r) => setTimeout(r, 5)); port = await waitForPort(file); }
      assert.equal((await fetch(`http://127.0.0.1:${port}/status`)).status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(existsSync(file), false);
    }
  });

  it('stops after --ttl seconds without requests and removes its port file', async () => {
    const file = join(dir, 'ttl.port');
    const child = spawn(POCKET_IC_BIN, ['--port-file', file, '--ttl', '1'], { stdio: 'ignore' });
    const exited = exitOf(child);
    const port = await waitForPort(file);
    await fetch(`http://127.0.0.1:${port}/instances`, { method: 'POST', body: JSON.stringify(APP) });
    assert.equal(await exited, 0);
    assert.equal(existsSync(file), false);
  });
});

describe('bin/pocket-ic: the REST API on the wire', () => {
  let server: Server;
  let fetcher: Uint8Array;
  before(async () => {
    fetcher = await compileFetcher(); // before the server: a cold compile can outlast its idle TTL
    server = await startServer();
  });
  after(async () => { await server.stop(); });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('instances: created with their topology, listed, deleted; errors as the real server words them', async () => {
    const created = await post('/instances', APP);
    assert.equal(created.status, 201);
    const { Created } = await created.json() as { Created: { instance_id: number; topology: { subnet_configs: Record<string, { subnet_kind: string; node_ids: unknown[]; subnet_seed: number[] }>; default_effective_canister_id: { canister_id: string } }; http_gateway_info: null } };
    assert.equal(Created.http_gateway_info, null);
    assert.equal(Created.topology.default_effective_canister_id.canister_id, '///////gAAABAQ==');
    const [subnet] = Object.values(Created.topology.subnet_configs);
    assert.equal(subnet?.subnet_kind, 'Application');
    assert.equal(subnet?.node_ids.length, 1);
    assert.equal(subnet?.subnet_seed.length, 32);
    const id = Created.instance_id;
    assert.deepEqual(await (await fetch(`${server.url}/instances/${id}/read/get_time`)).json(), { nanos_since_epoch: 1620328630000000000 });
    const none = await post('/instances', { subnet_config_set: { application: [], system: [] } });
    assert.equal(none.status, 400);
    assert.deepEqual(await none.json(), { Error: { message: 'ExtendedSubnetConfigSet must contain at least one subnet' } });
    const fromPath = await (await post('/instances', { subnet_config_set: { nns: { state_config: { FromPath: '/x' } } } })).json() as { Error: { message: string } };
    assert.match(fromPath.Error.message, /not supported by ic-exec/);
    const features = await (await post('/instances', { ...APP, icp_features: { registry: null, icp_token: 'DefaultConfig', ii: null } })).json() as { Error: { message: string } };
    assert.equal(features.Error.message, 'icp_features (icp_token) are not supported by ic-exec: it deploys no system canisters');
    const unset = await post('/instances', { ...APP, icp_features: { registry: null, icp_token: null }, state_dir: null, log_level: 'ERROR' });
    assert.equal(unset.status, 201);
    assert.equal((await fetch(`${server.url}/instances/${id}`, { method: 'DELETE' })).status, 200);
    const list = await (await fetch(`${server.url}/instances`)).json() as string[];
    assert.equal(list[id], 'Deleted');
    const gone = await fetch(`${server.url}/instances/${id}/read/get_time`);
    assert.equal(gone.status, 400);
    assert.deepEqual(await gone.json(), { message: `Instance ${id} was deleted` });
    assert.equal((await fetch(`${server.url}/instances/999/read/get_time`)).status, 404);
    const nope = await post(`/instances/${id + 1}/update/nope`, {});
    assert.equal(nope.status, 404);
    assert.ok('message' in (await nope.json() as object));
  });

  it('u128 cycles as bare JSON integers; errors as {"message"}; set_time into the past; the blob store', async () => {
    const { Created: { instance_id: id } } = await (await post('/instances', APP)).json() as { Created: { instance_id: number } };
    const create = IDL.encode([IDL.Record({ settings: IDL.Opt(IDL.Reserved), amount: IDL.Opt(IDL.Nat), specified_id: IDL.Opt(IDL.Principal) })], [{ settings: [], amount: [5n], specified_id: [] }]);
    const call = { sender: 'BA==', canister_id: '', method: 'provisional_create_canister_with_cycles', payload: b64(new Uint8Array(create)), effective_principal: 'None' };
    const submitted = await (await post(`/instances/${id}/update/submit_ingress_message`, call)).json() as { Ok: { effective_principal: string; message_id: string } };
    assert.equal(submitted.Ok.effective_principal, 'None');
    const answer = await (await post(`/instances/${id}/update/await_ingress_message`, submitted.Ok)).json() as { Ok: string };
    const [{ canister_id: canister }] = IDL.decode([IDL.Record({ canister_id: IDL.Principal })], unb64(answer.Ok)) as unknown as [{ canister_id: { toUint8Array(): Uint8Array } }];
    const canisterId = b64(canister.toUint8Array());
    const added = await post(`/instances/${id}/update/add_cycles`, `{"canister_id":"${canisterId}","amount":1267650600228229401496703205376}`);
    assert.equal(await added.text(), '{"cycles":1267650600228229401496703205381}');
    assert.equal(await (await post(`/instances/${id}/read/get_cycles`, { canister_id: canisterId })).text(), '{"cycles":1267650600228229401496703205381}');
    const past = await post(`/instances/${id}/update/set_time`, { nanos_since_epoch: 1 });
    assert.equal(past.status, 400);
    assert.deepEqual(await past.json(), { message: 'SettingTimeIntoPast((1620328630000000000, 1))' });
    const malformed = await post(`/instances/${id}/read/get_cycles`, '{"canister_id":');
    assert.equal(malformed.status, 400);
    assert.match((await malformed.json() as { message: string }).message, /JSON/);
    const unknownBlob = await post(`/instances/${id}/update/set_stable_memory`, { canister_id: canisterId, blob_id: b64(new Uint8Array(32)) });
    assert.match((await unknownBlob.json() as { message: string }).message, /^BlobNotFound/);
    const blobId = await (await fetch(`${server.url}/blobstore`, { method: 'POST', body: new Uint8Array([1, 2, 3]) })).text();
    assert.equal(blobId, '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81');
    assert.deepEqual([...new Uint8Array(await (await fetch(`${server.url}/blobstore/${blobId}`)).arrayBuffer())], [1, 2, 3]);
    const badMock = await post(`/instances/${id}/update/mock_canister_http`, {
      subnet_id: { subnet_id: (await (await post(`/instances/${id}/read/get_subnet`, { canister_id: canisterId })).json() as { subnet_id: string }).subnet_id },
      request_id: 0, response: { CanisterHttpReject: { reject_code: 2, message: 'x' } }, additional_responses: [{ CanisterHttpReject: { reject_code: 2, message: 'x' } }],
    });
    assert.deepEqual(await badMock.json(), { message: 'InvalidMockCanisterHttpResponses((2, 13))' });
    assert.deepEqual(await (await post(`/instances/${id}/read/get_controllers`, { canister_id: canisterId })).json(), [{ principal_id: 'BA==' }]);
  });

  it('a long operation is answered 202 and its result read from /read_graph', async () => {
    const { Created: { instance_id: id } } = await (await post('/instances', APP)).json() as { Created: { instance_id: number } };
    const call = (canister: string, method: string, payload: ArrayBuffer | Uint8Array) =>
      ({ sender: 'BA==', canister_id: canister, method, payload: b64(new Uint8Array(payload)), effective_principal: 'None' });
    const execute = async (canister: string, method: string, payload: ArrayBuffer | Uint8Array): Promise<Uint8Array> => {
      const { Ok } = await (await post(`/instances/${id}/update/execute_ingress_message`, call(canister, method, payload))).json() as { Ok: string };
      return unb64(Ok);
    };
    const create = IDL.encode([IDL.Record({ settings: IDL.Opt(IDL.Reserved), amount: IDL.Opt(IDL.Nat), specified_id: IDL.Opt(IDL.Principal) })], [{ settings: [], amount: [], specified_id: [] }]);
    const [{ canister_id: canister }] = IDL.decode([IDL.Record({ canister_id: IDL.Principal })], await execute('', 'provisional_create_canister_with_cycles', create)) as unknown as [{ canister_id: Principal }];
    const install = IDL.encode([IDL.Record({ mode: IDL.Variant({ install: IDL.Null }), canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8) })],
      [{ mode: { install: null }, canister_id: canister, wasm_module: fetcher, arg: new Uint8Array(IDL.encode([], [])) }]);
    await execute('', 'install_code', install);
    // An outcall nobody answers: awaiting it runs the real server's 100 rounds, long enough for a 1 ms sync wait.
    const fetchCall = call(b64(canister.toUint8Array()), 'fetch', IDL.encode([IDL.Text], ['https://example.com/']));
    const { Ok: message } = await (await post(`/instances/${id}/update/submit_ingress_message`, fetchCall)).json() as { Ok: unknown };
    const started = await post(`/instances/${id}/update/await_ingress_message`, message, { 'processing-timeout-ms': '1' });
    assert.equal(started.status, 202);
    const { state_label: label, op_id: op } = await started.json() as { state_label: string; op_id: string };
    assert.match(label, /^[A-Za-z0-9_-]{22}==$/);
    let result: Response;
    for (;;) {
      result = await fetch(`${server.url}/read_graph/${label}/${op}`);
      if (result.status !== 404) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(result.status, 400);
    assert.match((await result.json() as { message: string }).message, /has no answer after 100 rounds/);
    assert.equal((await fetch(`${server.url}/read_graph/nope/nope`)).status, 404);
  });
});
