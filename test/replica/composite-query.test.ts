// Composite queries through the whole replica: the call graph on the
// committed snapshot (src/query/query-context.ts), its limits and errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, ErrorCode, Replica, UserErrorException } from '../../src/index.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { IDL, dec, enc, p } from './support.ts';

const COMPOSITE_MO = `
import Error "mo:core/Error";
import Array "mo:core/Array";
import IC "mo:core/InternetComputer";

persistent actor Composite {
  type Peer = actor {
    value : query () -> async Nat;
    fails : query () -> async Nat;
    chain : composite query ([Principal], Nat) -> async Nat;
  };

  var counter : Nat = 7;

  public query func value() : async Nat { counter };

  public query func fails() : async Nat { throw Error.reject("no value here") };

  /** The peer's value and ours: peer·100 + ours. */
  public composite query func combine(peer : Principal) : async Nat {
    let other : Peer = actor (debug_show peer);
    let v = await other.value();
    v * 100 + counter
  };

  /** Walks the chain: the last one answers n, each one before adds its depth ·10. */
  public composite query func chain(rest : [Principal], n : Nat) : async Nat {
    if (rest.size() == 0) return n;
    let next : Peer = actor (debug_show rest[0]);
    let r = await next.chain(Array.sliceToArray(rest, 1, rest.size()), n);
    r * 10 + 1
  };

  /** The callee's reject, caught. */
  public composite query func catches(peer : Principal) : async Text {
    let other : Peer = actor (debug_show peer);
    try { ignore await other.fails(); "no reject" } catch (e) { "caught: " # Error.message(e) }
  };

  /** Runs until this message has executed \`target\` instructions. */
  public query func burn(target : Nat64) : async Nat64 {
    var x : Nat64 = 0;
    while (IC.performanceCounter(0) < target) { var j = 0; while (j < 1000) { x +%= 1; j += 1 } };
    x
  };

  /** Two peers each burn \`target\` instructions. */
  public composite query func burnBoth(a : Principal, b : Principal, target : Nat64) : async Nat64 {
    let pa : actor { burn : query Nat64 -> async Nat64 } = actor (debug_show a);
    let pb : actor { burn : query Nat64 -> async Nat64 } = actor (debug_show b);
    (await pa.burn(target)) +% (await pb.burn(target))
  };

  /** Calls itself. */
  public composite query func recurse(self_ : Principal, n : Nat) : async Nat {
    if (n == 0) return 0;
    let me : actor { recurse : composite query (Principal, Nat) -> async Nat } = actor (debug_show self_);
    (await me.recurse(self_, n - 1)) + 1
  };
};
`;

describe('composite queries', () => {
  let ic: Replica;
  let ids: CanisterId[];
  before(async () => {
    ic = await Replica.create();
    const wasm = await compileMotoko(COMPOSITE_MO);
    ids = [];
    for (let i = 0; i < 9; i++) {
      const id = await ic.createCanister();
      await ic.installCode(id, wasm);
      ids.push(id);
    }
  });
  after(async () => { await ic.close(); });

  /** The error a query throws. */
  async function queryError(id: CanisterId, method: string, arg: Uint8Array): Promise<{ code: number; description: string }> {
    try {
      await ic.query(id, method, arg);
    } catch (e) {
      assert.ok(e instanceof UserErrorException, String(e));
      return { code: e.userError.code, description: e.userError.description };
    }
    assert.fail('the query succeeded');
  }

  it("A's composite query calls B's query and combines the answers", async () => {
    const a = ids[0] as CanisterId;
    const b = ids[1] as CanisterId;
    assert.equal(dec<bigint>(IDL.Nat, await ic.query(a, 'combine', enc([IDL.Principal], [p(b)]))), 707n);
  });

  it('a chain A → B → C answers back along the chain', async () => {
    const [a, b, c] = ids as [CanisterId, CanisterId, CanisterId];
    const arg = enc([IDL.Vec(IDL.Principal), IDL.Nat], [[p(b), p(c)], 5n]);
    assert.equal(dec<bigint>(IDL.Nat, await ic.query(a, 'chain', arg)), 511n); // c: 5; b: 51; a: 511
  });

  it("a callee's reject arrives in the caller's try/catch", async () => {
    const [a, b] = ids as [CanisterId, CanisterId];
    assert.equal(dec<string>(IDL.Text, await ic.query(a, 'catches', enc([IDL.Principal], [p(b)]))), 'caught: no value here');
  });

  it('a call graph deeper than MAX_QUERY_CALL_DEPTH (6) fails with IC0525 and the replica\'s text', async () => {
    const [a, ...rest] = ids as [CanisterId, ...CanisterId[]];
    // Six calling nodes on the stack are fine; a seventh that calls is one too many (`call_stack.len() >= 6`).
    const ok = enc([IDL.Vec(IDL.Principal), IDL.Nat], [rest.slice(0, 6).map(p), 0n]);
    assert.equal(dec<bigint>(IDL.Nat, await ic.query(a, 'chain', ok)), 111111n);
    const deep = enc([IDL.Vec(IDL.Principal), IDL.Nat], [rest.slice(0, 7).map(p), 0n]);
    assert.deepEqual(await queryError(a, 'chain', deep),
      { code: ErrorCode.QueryCallGraphTooDeep, description: 'Composite query calls exceeded the maximum call depth.' });
  });

  it('a call graph over 5B instructions in total fails with IC0526 and the replica\'s text', async () => {
    const [a, b, c] = ids as [CanisterId, CanisterId, CanisterId];
    // Each callee alone stays under the 5B per-query limit; together they pass the graph's 5B.
    const small = enc([IDL.Principal, IDL.Principal, IDL.Nat64], [p(b), p(c), 1_000_000n]);
    assert.ok(dec<bigint>(IDL.Nat64, await ic.query(a, 'burnBoth', small)) > 0n);
    const big = enc([IDL.Principal, IDL.Principal, IDL.Nat64], [p(b), p(c), 3_000_000_000n]);
    assert.deepEqual(await queryError(a, 'burnBoth', big),
      { code: ErrorCode.QueryCallGraphTotalInstructionLimitExceeded, description: 'Composite query calls exceeded the instruction limit.' });
  });

  it('a canister calling itself fails with IC0517 (re-entry is not allowed)', async () => {
    const a = ids[0] as CanisterId;
    assert.deepEqual(await queryError(a, 'recurse', enc([IDL.Principal, IDL.Nat], [p(a), 3n])),
      { code: ErrorCode.QueryCallGraphLoopDetected, description: 'Query calls re-entering the same canister are not allowed yet.' });
  });

  it('a composite query called as an update fails with IC0527', async () => {
    const [a, b] = ids as [CanisterId, CanisterId];
    await assert.rejects(ic.updateCall(a, 'combine', enc([IDL.Principal], [p(b)])), (e: unknown) => {
      assert.ok(e instanceof UserErrorException);
      assert.equal(e.userError.code, ErrorCode.CompositeQueryCalledInReplicatedMode);
      assert.equal(e.userError.description, 'Composite query cannot be called in replicated mode');
      return true;
    });
  });

  it('calls to unknown canisters are rejected; the state is unchanged afterwards', async () => {
    const a = ids[0] as CanisterId;
    const nobody = CanisterId.fromU64(0xffffn);
    const got = dec<string>(IDL.Text, await ic.query(a, 'catches', enc([IDL.Principal], [p(nobody)])));
    assert.equal(got, `caught: IC0301: Canister ${nobody.toText()} not found`);
    assert.equal(dec<bigint>(IDL.Nat, await ic.query(a, 'value', enc([], []))), 7n);
  });
});
