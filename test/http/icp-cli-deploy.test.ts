// `icp deploy` against `npm start`, as a new user of the icp CLI (npm
// @icp-sdk/icp-cli-linux-x64 1.5.0) would try it: a fresh ICP_HOME with a
// new identity, `npm start --ephemeral --port 0` (which funds the icp
// identities it finds with 1,000 T cycles on its cycles ledger, as `icp
// network start` does), a project whose icp.yaml points the `local`
// network at the replica's URL and root key, then `icp deploy`: the
// canister is created through the cycles ledger (um5iw-…) and the cycles
// minting canister (rkp4c-…), both real Motoko canisters at their real ids
// (src/system-canisters), and installed; calls, balances and the ledger's
// errors as icp prints them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCanister, startServed } from './support.ts';
import type { Served } from './support.ts';
import { icpCli, icpYaml, SKIP_WITHOUT_ICP } from './icp-cli.ts';

const T = 1_000_000_000_000n;
const FEE = 100_000_000n;
const cycles = (n: bigint): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_');

describe('icp deploy against npm start, as a new user', { timeout: 180_000, skip: SKIP_WITHOUT_ICP }, () => {
  let served: Served;
  let dir: string;
  let home: string;
  let alice: string;
  const savedHome = process.env.ICP_HOME;

  const { icp, ok } = icpCli(() => ({ cwd: dir, home }));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'icp-deploy-'));
    home = mkdtempSync(join(tmpdir(), 'icp-home-'));
    const demo = demoCanister();
    await ok('identity', 'new', 'alice', '--storage', 'plaintext', '-q');
    await ok('identity', 'default', 'alice');
    alice = (await ok('identity', 'principal')).trim().split('\n').at(-1) ?? '';
    process.env.ICP_HOME = home; // npm start funds the identities of this ICP_HOME
    try {
      served = await startServed(['--ephemeral']);
    } finally {
      if (savedHome === undefined) delete process.env.ICP_HOME;
      else process.env.ICP_HOME = savedHome;
    }
    writeFileSync(join(dir, 'demo.wasm'), (await demo).wasm);
    writeFileSync(join(dir, 'icp.yaml'), icpYaml(['demo', 'big'], served.url, served.rootKeyHex));
  });
  after(async () => {
    assert.equal(await served?.stop(), 0);
    for (const d of [dir, home]) if (d !== undefined) rmSync(d, { recursive: true, force: true });
  });

  it('the new identity starts with 1,000 T cycles on the cycles ledger', async () => {
    assert.match(alice, /^[a-z0-9-]+$/);
    assert.match(await ok('cycles', 'balance'), new RegExp(`Balance: ${cycles(1000n * T)} cycles`));
    // The same by URL and root key, without the project's network.
    assert.match(await ok('cycles', 'balance', '-n', served.url, '-k', served.rootKeyHex), new RegExp(`Balance: ${cycles(1000n * T)} cycles`));
    // The ledger's Candid interface is public metadata: icp types the call from it.
    assert.match(await ok('canister', 'call', 'um5iw-rqaaa-aaaaq-qaaba-cai', 'icrc1_balance_of', `(record { owner = principal "${alice}" })`, '-n', served.url, '-k', served.rootKeyHex),
      new RegExp(`\\(${cycles(1000n * T)} : nat\\)`));
  });

  it('icp deploy creates the canister through the cycles ledger and installs it; calls answer', async () => {
    const out = await ok('deploy', '-y', 'demo');
    const id = /Created canister demo with ID (\S+)/.exec(out)?.[1];
    assert.ok(id !== undefined, out);
    assert.match(await ok('canister', 'call', 'demo', 'greet', '("icp")'), /\("Hello, icp!"\)/);
    assert.match(await ok('canister', 'call', 'demo', 'inc', '()'), /\(1 : nat\)/);
    assert.match(await ok('canister', 'call', 'demo', 'whoami', '()'), new RegExp(alice));
    const status = await ok('canister', 'status', 'demo');
    assert.match(status, new RegExp(`controller: ${alice}`));
    // 2 T requested (icp's default) less the creation fee the management canister keeps, less what install and calls burned.
    const balance = BigInt((/Cycles: ([\d_]+)/.exec(status)?.[1] ?? '0').replaceAll('_', ''));
    assert.ok(balance > 1_400_000_000_000n && balance < 1_500_000_000_000n, `canister balance ${balance}`);
    // The ledger charged 2 T and its 100M fee.
    assert.match(await ok('cycles', 'balance'), new RegExp(`Balance: ${cycles(1000n * T - 2n * T - FEE)} cycles`));
    assert.match(await ok('deploy', '-y', 'demo'), /Deployed canisters/); // again: upgrade, nothing created
    assert.match(await ok('cycles', 'balance'), new RegExp(`Balance: ${cycles(1000n * T - 2n * T - FEE)} cycles`));
  });

  it('more cycles than the balance: the ledger\'s InsufficientFunds as icp prints it, nothing charged', async () => {
    const r = await icp('deploy', '-y', 'big', '--cycles', '5000t');
    assert.notEqual(r.code, 0);
    assert.match(r.out, new RegExp(`Insufficient cycles\\. Requested: ${5000n * T} cycles, available balance: ${cycles(1000n * T - 2n * T - FEE)} cycles`));
    assert.match(await ok('cycles', 'balance'), new RegExp(`Balance: ${cycles(1000n * T - 2n * T - FEE)} cycles`));
  });

  it('an identity made after the start gets cycles from the anonymous principal; top-up through withdraw', async () => {
    await ok('identity', 'new', 'bob', '--storage', 'plaintext', '-q');
    const bob = (await ok('identity', 'principal', '--identity', 'bob')).trim().split('\n').at(-1) ?? '';
    assert.match(await ok('cycles', 'balance', '--identity', 'bob'), /Balance: 0 cycles/);
    assert.match(await ok('cycles', 'transfer', '10t', bob, '--identity', 'anonymous'), /Transferred 10_000_000_000_000 cycles/);
    assert.match(await ok('cycles', 'balance', '--identity', 'bob'), new RegExp(`Balance: ${cycles(10n * T)} cycles`));
    assert.match(await ok('canister', 'top-up', 'demo', '--amount', '1t', '--identity', 'bob'), /Topped up canister demo with 1_000_000_000_000 cycles/);
    assert.match(await ok('cycles', 'balance', '--identity', 'bob'), new RegExp(`Balance: ${cycles(9n * T - FEE)} cycles`));
  });

  it('what the local CMC cannot do (no ICP ledger) is a reject that says so', async () => {
    const r = await icp('cycles', 'mint', '--cycles', '1t');
    assert.notEqual(r.code, 0);
    assert.match(r.out, /get_icp_xdr_conversion_rate is not supported by ic-exec's local cycles minting canister/);
  });
});
