// The system canisters on a durable replica: a restart leaves them alone
// when their modules are the current build, and upgrades one whose module
// differs (a data directory from an older ic-exec) with enhanced orthogonal
// persistence, balances kept; the ledger takes `Upgrade` on upgrade and
// refuses `Init`, as the real one. A state made without them says why it
// cannot have them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { Replica } from '../replica/index.ts';
import { MemoryStore } from '../state-manager/index.ts';
import { MANAGEMENT_CANISTER_ID, PrincipalId } from '../types/index.ts';
import { moduleHash } from '../wasm/index.ts';
import { encodeInstallCodeArgs, encodeProvisionalCreateArgs } from '../replica/index.ts';
import {
  ANONYMOUS_CYCLES, CYCLES_LEDGER_ID, CYCLES_MINTING_CANISTER_ID, NNS_ROOT_ID, SYSTEM_ROUTING_RANGES, encodeLedgerInit, encodeLedgerUpgrade, initialBalances,
  systemCanisterWasm,
} from './index.ts';
import { ALICE, CAROL, FEE, T, TransferArgs, balanceOf, enc, principal } from './test-support.ts';

/** `wasm` with an empty custom section appended: the same code, another module hash. */
function variant(wasm: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode('ic-exec:variant');
  return Uint8Array.from([...gunzipSync(wasm), 0, name.length + 1, name.length, ...name]);
}

describe('the system canisters across restarts', { timeout: 120_000 }, () => {
  it('unchanged: left alone; another module: upgraded with the balances kept', async () => {
    const store = new MemoryStore();
    const current = await systemCanisterWasm('cycles-ledger');
    const ic1 = await Replica.create({ store, systemCanisters: { fund: [ALICE] } });
    assert.equal(await ic1.systemCanistersReady, true);
    await ic1.updateCall(CYCLES_LEDGER_ID, 'icrc1_transfer', enc([TransferArgs], [{
      from_subaccount: [], to: { owner: principal(CAROL), subaccount: [] }, amount: 5n * T, fee: [], memo: [], created_at_time: [],
    }]), { sender: ALICE });
    // An older ledger: an upgrade with `Init` is refused, with `Upgrade` it keeps the balances.
    const install = (arg: Uint8Array): Promise<Uint8Array> => ic1.updateCall(MANAGEMENT_CANISTER_ID, 'install_code', encodeInstallCodeArgs({
      mode: { upgrade: { wasmMemoryPersistence: 'keep' } }, canisterId: CYCLES_LEDGER_ID, wasmModule: variant(current), arg,
    }), { sender: NNS_ROOT_ID });
    await assert.rejects(install(encodeLedgerInit(initialBalances([]))), /Cannot upgrade the canister with an Init argument\. Please provide an Upgrade argument\./);
    await install(encodeLedgerUpgrade());
    assert.notEqual(ic1.committedState.canister(CYCLES_LEDGER_ID)?.executionState?.compiled.hash, moduleHash(current));
    assert.equal(await balanceOf(ic1, CAROL), 5n * T);
    await ic1.close();

    const ic2 = await Replica.create({ store, systemCanisters: true });
    assert.equal(await ic2.systemCanistersReady, true);
    assert.equal(ic2.committedState.canister(CYCLES_LEDGER_ID)?.executionState?.compiled.hash, moduleHash(current));
    assert.deepEqual([await balanceOf(ic2, CAROL), await balanceOf(ic2, ALICE)], [5n * T, 1000n * T - 5n * T - FEE]);
    await ic2.close();

    const ic3 = await Replica.create({ store, systemCanisters: true });
    assert.equal(await ic3.systemCanistersReady, false);
    assert.equal(await balanceOf(ic3, CAROL), 5n * T);
    await ic3.close();
  });

  it('created but not installed (a start stopped between the two rounds): installed on the next start', async () => {
    const store = new MemoryStore();
    const first = await Replica.create({ store, canisterRanges: SYSTEM_ROUTING_RANGES });
    for (const id of [CYCLES_LEDGER_ID, CYCLES_MINTING_CANISTER_ID]) {
      await first.updateCall(MANAGEMENT_CANISTER_ID, 'provisional_create_canister_with_cycles', encodeProvisionalCreateArgs({ specifiedId: id, settings: { controllers: [NNS_ROOT_ID] } }));
    }
    await first.close();
    const ic = await Replica.create({ store, systemCanisters: true });
    assert.equal(await ic.systemCanistersReady, true);
    assert.equal(ic.committedState.canister(CYCLES_LEDGER_ID)?.executionState?.compiled.hash, moduleHash(await systemCanisterWasm('cycles-ledger')));
    assert.equal(await balanceOf(ic, PrincipalId.fromText('2vxsx-fae')), ANONYMOUS_CYCLES);
    await ic.close();
  });

  it('a state made without them: a clear refusal, the replica runs on', async () => {
    const store = new MemoryStore();
    const old = await Replica.create({ store });
    await old.createCanister();
    await old.close();
    const ic = await Replica.create({ store, systemCanisters: { deferred: true } });
    await assert.rejects(ic.systemCanistersReady,
      /this state's subnet does not host um5iw-rqaaa-aaaaq-qaaba-cai \(it was made without the system canisters\); start on a new data directory to have them/);
    assert.ok((await ic.createCanister()) !== undefined);
    await ic.close();
  });
});
