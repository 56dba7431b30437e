// Non-replicated queries: reply, reject, discarded changes, the errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../errors/index.ts';
import { watToWasm } from '../../test/corpus/wat.ts';
import { USER, install, newCanister, newEnv, newRound, testCanister, u64 } from './test-support.ts';

const q = (method: string) => ({ sender: USER, method, arg: new Uint8Array(0) });

describe('executeQuery', () => {
  test('replies; its changes are discarded; nothing is charged', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const before = c.systemState.balance;
    const t = newRound().time;
    const r1 = await env.executeQuery(c, q('peek'), t);
    const r2 = await env.executeQuery(c, q('peek'), t);
    assert.ok('reply' in r1 && 'reply' in r2);
    assert.equal(u64(r1.reply), 100n);
    assert.equal(u64(r2.reply), 100n);
    assert.equal(c.systemState.balance, before);
  });

  test('no such query (IC0536), no module (IC0537), no reply (IC0506), reject (code 4)', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const t = newRound().time;
    const missing = await env.executeQuery(c, q('inc'), t);
    assert.ok('error' in missing && missing.error.code === ErrorCode.CanisterMethodNotFound);
    assert.match(missing.error.description, /Canister has no query method 'inc'\./);
    const empty = await env.executeQuery(newCanister(8n), q('get'), t);
    assert.ok('error' in empty && empty.error.code === ErrorCode.CanisterWasmModuleNotFound);
    const other = newCanister(9n);
    await install(env, other, await watToWasm(`(module
      (import "ic0" "msg_reject" (func $reject (param i32 i32))) (memory 1) (data (i32.const 0) "no")
      (func (export "canister_query silent")) (func (export "canister_query no") (call $reject (i32.const 0) (i32.const 2))))`));
    assert.deepEqual(await env.executeQuery(other, q('silent'), t), {
      error: { code: ErrorCode.CanisterDidNotReply, description: `Canister ${other.canisterId.toText()} did not reply to the call` },
    });
    assert.deepEqual(await env.executeQuery(other, q('no'), t), { reject: { code: 4, message: 'no' } });
  });
});
