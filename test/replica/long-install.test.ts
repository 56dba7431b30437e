// A long install_code under deterministic time slicing, through the whole
// replica.
//
// Test steps:
// 1. A replica whose install_code slices are 10M instructions. A canister
//    runs version 1 of a module; it is reinstalled with a canister_init that
//    loops ~100M instructions.
// 2. The install pauses between rounds: its ingress status is Processing,
//    queries see version 1, an update to the canister waits in its queue.
// 3. When it finishes, the state is version 2, the waiting update runs, and
//    the cycles charged (so the instructions) equal those of the same
//    reinstall on a replica with the default 2B-instruction slices, which
//    finishes in one round.
// 4. A checkpoint in the middle aborts it; it runs again from the start with
//    the cycles it prepaid and ends with the same state and charge.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Replica } from '../../src/index.ts';
import type { CanisterId, ReplicaOptions } from '../../src/index.ts';
import { watToWasm } from '../corpus/wat.ts';
import { REINSTALL, USER, installCodeArg } from './install-support.ts';
import { MGMT } from './support.ts';

const WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (memory 1)
  (func (export "canister_init") (local $i i32) (local $n i32)
    (call $arg_copy (i32.const 0x100) (i32.const 0) (i32.const 8))
    (local.set $n (i32.load (i32.const 0x100)))
    (loop $l
      (i64.store (i32.const 0x200) (i64.add (i64.load (i32.const 0x200)) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.store (i32.const 0x208) (i32.load (i32.const 0x104))))
  (func (export "canister_update bump") (i32.store (i32.const 0x20c) (i32.add (i32.load (i32.const 0x20c)) (i32.const 1)))
    (call $append (i32.const 0x200) (i32.const 16)) (call $reply))
  (func (export "canister_query get") (call $append (i32.const 0x200) (i32.const 16)) (call $reply)))`;

/** init's argument: loop `n` times, then store `version`. */
function initArg(n: number, version: number): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint32(0, n, true);
  v.setUint32(4, version, true);
  return b;
}
const versionOf = (state: Uint8Array): number => new DataView(state.buffer, state.byteOffset).getUint32(8, true);
const N = 8_000_000;
const SMALL_SLICES: ReplicaOptions['schedulerConfig'] = { maxInstructionsPerInstallCodeSlice: 10_000_000n as never };

/** A replica with the canister at version 1. */
async function setup(opts: ReplicaOptions): Promise<{ ic: Replica; id: CanisterId }> {
  const ic = await Replica.create(opts);
  const id = await ic.createCanister({ controllers: [USER], sender: USER });
  await ic.installCode(id, await watToWasm(WAT), initArg(1, 1), 'install', { sender: USER });
  return { ic, id };
}

/** Reinstalls version 2 in one go, then bumps; returns the cycles each cost and the final state. */
async function reference(): Promise<{ install: bigint; bump: bigint; state: Uint8Array }> {
  const { ic, id } = await setup({});
  try {
    const balance = (): bigint => ic.committedState.canister(id)?.systemState.balance ?? 0n;
    const before = balance();
    const mid = await ic.submitCall(MGMT, 'install_code', installCodeArg(REINSTALL, id, await watToWasm(WAT), initArg(N, 2)), { sender: USER });
    await ic.tick();
    assert.equal((await ic.awaitCall(mid, { maxRounds: 0 })).kind, 'replied', 'one round with the default slices');
    const afterInstall = balance();
    const state = await ic.query(id, 'get', new Uint8Array(0));
    await ic.updateCall(id, 'bump', new Uint8Array(0), { sender: USER });
    return { install: before - afterInstall, bump: afterInstall - balance(), state };
  } finally {
    await ic.close();
  }
}

describe('a long install_code spanning many rounds', () => {
  let ref: { install: bigint; bump: bigint; state: Uint8Array };
  before(async () => { ref = await reference(); });

  it('pauses between rounds; queries see the old code and state; other messages wait; it ends as in one slice', async () => {
    const { ic, id } = await setup({ schedulerConfig: SMALL_SLICES });
    after(async () => { await ic.close(); });
    const before = ic.committedState.canister(id)?.systemState.balance ?? 0n;
    const install = await ic.submitCall(MGMT, 'install_code', installCodeArg(REINSTALL, id, await watToWasm(WAT), initArg(N, 2)), { sender: USER });
    await ic.tick();
    const bump = await ic.submitCall(id, 'bump', new Uint8Array(0), { sender: USER });
    let rounds = 1;
    while (ic.ingressStatus(install)?.state.kind === 'processing') {
      assert.equal(ic.committedState.canister(id)?.systemState.taskQueue.front()?.kind, 'pausedInstallCode');
      assert.equal(versionOf(await ic.query(id, 'get', new Uint8Array(0))), 1, `round ${rounds}: a query sees version 1`);
      await ic.tick();
      rounds++;
      if (ic.ingressStatus(install)?.state.kind === 'processing') assert.equal(ic.ingressStatus(bump)?.state.kind, 'received', 'the update waits');
      assert.ok(rounds < 200);
    }
    process.stdout.write(`# the reinstall spanned ${rounds} rounds\n`);
    assert.ok(rounds >= 5, `spanned ${rounds} rounds`);
    assert.equal(ic.ingressStatus(install)?.state.kind, 'completed');
    const after2 = await ic.query(id, 'get', new Uint8Array(0));
    assert.deepEqual(after2.slice(0, 12), ref.state.slice(0, 12), 'the same state as in one slice');
    assert.equal(versionOf(after2), 2);
    assert.equal((await ic.awaitCall(bump)).kind, 'replied', 'the waiting update runs afterwards');
    assert.equal(before - (ic.committedState.canister(id)?.systemState.balance ?? 0n), ref.install + ref.bump, 'the same cycles, so the same instructions');
  });

  it('a checkpoint aborts it; it runs again from the start with its prepaid cycles and ends the same', async () => {
    const interval = 40n;
    const { ic, id } = await setup({ schedulerConfig: SMALL_SLICES, checkpointInterval: interval });
    after(async () => { await ic.close(); });
    while (ic.height % interval !== interval - 4n) await ic.tick();
    const before = ic.committedState.canister(id)?.systemState.balance ?? 0n;
    const install = await ic.submitCall(MGMT, 'install_code', installCodeArg(REINSTALL, id, await watToWasm(WAT), initArg(N, 2)), { sender: USER });
    let aborted = 0;
    for (let rounds = 0; ic.ingressStatus(install)?.state.kind !== 'completed'; rounds++) {
      await ic.tick();
      if (ic.committedState.canister(id)?.systemState.taskQueue.front()?.kind === 'abortedInstallCode') aborted++;
      assert.ok(rounds < 200);
    }
    assert.equal(aborted, 1, 'aborted once, at the checkpoint');
    assert.deepEqual(await ic.query(id, 'get', new Uint8Array(0)), ref.state);
    assert.equal(before - (ic.committedState.canister(id)?.systemState.balance ?? 0n), ref.install, 'charged once');
  });
});
