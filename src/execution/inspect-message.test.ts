// canister_inspect_message: accept, reject (IC0406), trap, no module, no export.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../errors/index.ts';
import { watToWasm } from '../../test/corpus/wat.ts';
import { ingressTo, install, newCanister, newEnv, newRound, testCanister } from './test-support.ts';

describe('executeInspectMessage', () => {
  test('accepts what the canister accepts; IC0406 for the rest; charges and changes nothing', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const before = c.systemState.balance;
    const version = c.systemState.canisterVersion;
    assert.equal(await env.executeInspectMessage(c, ingressTo(c, 'inc'), newRound().time), undefined);
    assert.deepEqual(await env.executeInspectMessage(c, ingressTo(c, 'forbidden'), newRound().time), {
      code: ErrorCode.CanisterRejectedMessage, description: `Error from Canister ${c.canisterId.toText()}: Canister rejected the message`,
    });
    assert.equal(c.systemState.balance, before);
    assert.equal(c.systemState.canisterVersion, version);
  });

  test('an empty canister rejects (IC0537); a module without the export accepts; a trap rejects with its error', async () => {
    const env = newEnv();
    const empty = newCanister(5n);
    assert.deepEqual(await env.executeInspectMessage(empty, ingressTo(empty, 'x'), newRound().time), {
      code: ErrorCode.CanisterWasmModuleNotFound, description: 'Requested canister has no wasm module',
    });
    const plain = newCanister(6n);
    await install(env, plain, await watToWasm('(module)'));
    assert.equal(await env.executeInspectMessage(plain, ingressTo(plain, 'x'), newRound().time), undefined);
    const trapping = newCanister(7n);
    await install(env, trapping, await watToWasm('(module (func (export "canister_inspect_message") unreachable))'));
    const err = await env.executeInspectMessage(trapping, ingressTo(trapping, 'x'), newRound().time);
    assert.equal(err?.code, ErrorCode.CanisterTrapped);
  });
});
