// `npm start --data-dir D`: a canister created, installed and called
// through the agent survives SIGTERM and a new start on the same
// directory — same root key, same canister, same counter — and the
// replica keeps going from there.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { demoCanister, demoIdl, managementIdl, startServed } from './support.ts';

describe('npm start --data-dir across a restart', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ic-exec-data-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps canisters and their state; the root key stays the same', async () => {
    const { wasm } = await demoCanister();
    const first = await startServed(['--data-dir', dir]);
    let id: Principal;
    try {
      const agent = await HttpAgent.create({ host: first.url, shouldFetchRootKey: true });
      const create = Actor.createActor(managementIdl, {
        agent, canisterId: Principal.fromText('aaaaa-aa'), effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
      });
      ({ canister_id: id } = await create.provisional_create_canister_with_cycles({
        amount: [], settings: [], specified_id: [], sender_canister_version: [],
      }) as { canister_id: Principal });
      const mgmt = Actor.createActor(managementIdl, { agent, canisterId: Principal.fromText('aaaaa-aa'), effectiveCanisterId: id });
      await mgmt.install_code({ mode: { install: null }, canister_id: id, wasm_module: wasm, arg: IDL.encode([], []), sender_canister_version: [] });
      const demo = Actor.createActor(demoIdl, { agent, canisterId: id });
      assert.equal(await demo.inc(), 1n);
      assert.equal(await demo.inc(), 2n);
    } finally {
      assert.equal(await first.stop(), 0, first.output());
    }
    const second = await startServed(['--data-dir', dir]);
    try {
      assert.equal(second.rootKeyHex, first.rootKeyHex);
      assert.match(second.output(), new RegExp(`state in ${dir}, recovered at height \\d+`));
      const agent = await HttpAgent.create({ host: second.url, shouldFetchRootKey: true });
      const demo = Actor.createActor(demoIdl, { agent, canisterId: id });
      assert.equal(await demo.get(), 2n);
      assert.equal(await demo.inc(), 3n);
    } finally {
      assert.equal(await second.stop(), 0, second.output());
    }
  });
});
