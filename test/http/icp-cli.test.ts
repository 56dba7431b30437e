// The icp command-line tool (npm @icp-sdk/icp-cli-linux-x64 1.5.0) against
// a replica started as `npm start` starts it, as a new user would: a fresh
// ICP_HOME, a new identity, a project whose icp.yaml points the `local`
// network at the replica's URL and root key (a "connected" network).
//
// Here the canister is made with the provisional API (what @icp-sdk/core
// does below), linked with `icp canister link`, and from there `icp deploy
// --no-create`, calls, queries, status and rejects all go through icp. The
// plain `icp deploy`, creating through the cycles ledger, is
// icp-cli-deploy.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { Principal } from '@icp-sdk/core/principal';
import { demoCanister, managementIdl, startServed } from './support.ts';
import type { Served } from './support.ts';
import { icpCli, icpYaml, SKIP_WITHOUT_ICP } from './icp-cli.ts';

describe('the icp CLI against npm start', { timeout: 180_000, skip: SKIP_WITHOUT_ICP }, () => {
  let served: Served;
  let dir: string;
  let home: string;
  let wasm: Uint8Array;

  const { icp, ok } = icpCli(() => ({ cwd: dir, home }));

  before(async () => {
    const [d, s] = await Promise.all([demoCanister(), startServed()]);
    wasm = d.wasm;
    served = s;
    dir = mkdtempSync(join(tmpdir(), 'icp-project-'));
    home = mkdtempSync(join(tmpdir(), 'icp-home-'));
    writeFileSync(join(dir, 'demo.wasm'), d.wasm);
    writeFileSync(join(dir, 'icp.yaml'), icpYaml(['demo'], served.url, served.rootKeyHex));
  });
  after(async () => {
    assert.equal(await served?.stop(), 0);
    for (const d of [dir, home]) if (d !== undefined) rmSync(d, { recursive: true, force: true });
  });

  it('a new identity; the network answers ping healthy', async () => {
    await ok('identity', 'new', 'alice', '--storage', 'plaintext', '-q');
    await ok('identity', 'default', 'alice');
    const ping = await ok('network', 'ping');
    assert.match(ping, /"replica_health_status": "healthy"/);
  });

  it('with a canister made by the provisional API and linked: deploy --no-create, calls, queries, status, rejects', async () => {
    const principal = (await ok('identity', 'principal')).trim();
    const agent = await HttpAgent.create({ host: served.url, shouldFetchRootKey: true });
    const mgmt = Actor.createActor(managementIdl, {
      agent, canisterId: Principal.fromText('aaaaa-aa'), effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
    });
    const { canister_id: id } = await mgmt.provisional_create_canister_with_cycles({
      amount: [], settings: [{ controllers: [[Principal.fromText(principal)]] }], specified_id: [], sender_canister_version: [],
    }) as { canister_id: Principal };
    await ok('canister', 'link', 'demo', id.toText());
    assert.match(await ok('deploy', '-y', '--no-create'), /Deployed canisters/);
    assert.match(await ok('canister', 'call', 'demo', 'greet', '("icp")'), /\("Hello, icp!"\)/);
    assert.match(await ok('canister', 'call', 'demo', 'inc', '()'), /\(1 : nat\)/);
    assert.match(await ok('canister', 'call', 'demo', 'get', '()', '--query'), /\(1 : nat\)/);
    assert.match(await ok('canister', 'call', 'demo', 'whoami', '()'), new RegExp(principal));
    const status = await ok('canister', 'status', 'demo');
    assert.match(status, new RegExp(`Module hash: 0x${createHash('sha256').update(wasm).digest('hex')}`));
    const reject = await icp('canister', 'call', 'demo', 'fail', '("nope")');
    assert.notEqual(reject.code, 0);
    assert.match(reject.out, /reject code CanisterReject, reject message nope, error code Some\("IC0406"\)/);
    // By URL, without the project's network: the root key fetched from the replica.
    assert.match(await ok('canister', 'call', id.toText(), 'greet', '("url")', '-n', served.url, '-k', 'fetch'), /\("Hello, url!"\)/);
  });
});
