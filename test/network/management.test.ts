// A canister's calls to `aaaaa-aa` about a canister on another subnet go
// to that subnet's management canister through the streams (the
// replica's `resolve_destination`); creation stays on the caller's subnet.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Network, Subnet } from '../../src/network/index.ts';
import { decodeCreateResult, encodeProvisionalCreateArgs } from '../../src/replica/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID, PrincipalId } from '../../src/types/index.ts';
import { IDL, enc, p } from '../replica/support.ts';
import { appNetwork, installOn, rangeOf, relayAnswer, relayArg, relayWasm } from './support.ts';

const ID_RECORD = IDL.Record({ canister_id: IDL.Principal });

describe('XNet: management calls about canisters on other subnets', () => {
  let net: Network;
  let A: Subnet;
  let B: Subnet;
  let relay: CanisterId; // on A
  let onB: CanisterId; // empty, on B, controlled by the relay
  before(async () => {
    net = await appNetwork(2);
    [A, B] = net.subnets;
    relay = await installOn(net, A, await relayWasm());
    onB = decodeCreateResult(await net.updateCall(MANAGEMENT_CANISTER_ID, 'provisional_create_canister_with_cycles',
      encodeProvisionalCreateArgs({ amount: 10n ** 12n, settings: { controllers: [PrincipalId.fromUint8Array(relay.toUint8Array())] } }),
      { effectiveCanisterId: B.ranges[0].start }));
  });
  after(async () => { await net.close(); });

  const manage = async (method: string, arg: Uint8Array, cycles = 0n) =>
    relayAnswer(await net.updateCall(relay, 'relay', relayArg(undefined, method, arg, cycles)));

  it('canister_status of a canister on B is answered by B', async () => {
    const r = await manage('canister_status', enc([ID_RECORD], [{ canister_id: p(onB) }]));
    assert.equal(r.code, 0, new TextDecoder().decode(r.payload));
    const [status] = IDL.decode([IDL.Record({ status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }), cycles: IDL.Nat })], r.payload) as unknown as [{ status: Record<string, null>; cycles: bigint }];
    assert.deepEqual(Object.keys(status.status), ['running']);
    assert.equal(status.cycles, B.cycleBalance(onB));
  });

  it('deposit_cycles moves the attached cycles to the canister on B', async () => {
    const before = B.cycleBalance(onB);
    const r = await manage('deposit_cycles', enc([ID_RECORD], [{ canister_id: p(onB) }]), 3_000_000_000n);
    assert.deepEqual([r.code, r.refunded], [0, 0n]);
    assert.equal(B.cycleBalance(onB) - before, 3_000_000_000n);
  });

  it('stop_canister stops the canister on B and answers once it is stopped', async () => {
    const r = await manage('stop_canister', enc([ID_RECORD], [{ canister_id: p(onB) }]));
    assert.equal(r.code, 0, new TextDecoder().decode(r.payload));
    assert.equal(B.committedState.canister(onB)?.systemState.status.kind, 'stopped');
  });

  it('a canister on no subnet is answered by the caller\'s subnet; creation stays on it', async () => {
    const nowhere = CanisterId.fromU64(7n);
    const r = await manage('canister_status', enc([ID_RECORD], [{ canister_id: p(nowhere) }]));
    assert.equal(r.code, 3);
    assert.match(new TextDecoder().decode(r.payload), new RegExp(`Canister ${nowhere.toText()} not found`));
    const created = await manage('create_canister', enc([IDL.Record({})], [{}]), 1_000_000_000_000n);
    assert.equal(created.code, 0, new TextDecoder().decode(created.payload));
    const id = decodeCreateResult(created.payload);
    assert.ok(A.committedState.hasCanister(id) && net.route(id) === A);
    assert.ok((id.toU64() as bigint) >= (rangeOf(0).start.toU64() as bigint));
  });
});
