import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../errors/index.ts';
import type { CanisterState } from '../state/index.ts';
import { USER, id, stateWith } from '../scheduler/test-support.ts';
import { QueryHandler } from './query-handler.ts';
import type { QueryResult } from './query-handler.ts';

describe('QueryHandler', () => {
  it('runs on the committed snapshot, on a private copy, and answers IC0301 for missing canisters', async () => {
    const live = stateWith(1);
    const committed = live.snapshot();
    (live.canisterMut(id(1)) as CanisterState).systemState.addCycles(5n);
    const seen: bigint[] = [];
    const handler = new QueryHandler({
      executor: {
        async executeQuery(c: CanisterState): Promise<QueryResult> {
          seen.push(c.systemState.balance);
          c.systemState.addCycles(1_000n); // a misbehaving executor cannot touch the snapshot
          return { reply: Uint8Array.of(1) };
        },
      },
    });
    const before = committed.canister(id(1))?.systemState.balance as bigint;
    assert.deepEqual(await handler.query(committed, { receiver: id(1), sender: USER, methodName: 'get', arg: new Uint8Array(0) }), { reply: Uint8Array.of(1) });
    assert.deepEqual(seen, [before], 'the query saw the committed balance, not the live one');
    assert.equal(committed.canister(id(1))?.systemState.balance, before);
    const missing = await handler.query(committed, { receiver: id(9), sender: USER, methodName: 'get', arg: new Uint8Array(0) });
    assert.deepEqual(missing, { error: { code: ErrorCode.CanisterNotFound, description: `Canister ${id(9).toText()} not found` } });
  });
});
