// The end-to-end flow both JS clients run against a replica started as
// `npm start` starts it: fetchRootKey; provisional create and install of a
// Motoko canister through the management canister; sync update calls and
// asynchronous ones with polling; queries (node signatures checked, the
// agents' default); CanisterStatus read_state (time, module hash,
// controllers); certified data through a data certificate the client
// verifies; anonymous, Ed25519, secp256k1 and delegated identities; and
// rejects with the IC's codes (certified and not).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type * as Core from '@icp-sdk/core/agent';
import type { IDL as CoreIDL } from '@icp-sdk/core/candid';
import type { Principal as CorePrincipal } from '@icp-sdk/core/principal';
import { DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { demoCanister, demoIdl, managementIdl, startServed } from './support.ts';
import type { Served } from './support.ts';

/** What a flow needs of a client package (`@icp-sdk/core` 6 or `@dfinity/agent` 3 with its candid/principal). */
export interface ClientKit {
  readonly name: string;
  readonly agent: Pick<typeof Core, 'HttpAgent' | 'Actor' | 'CanisterStatus' | 'AnonymousIdentity'>;
  readonly IDL: typeof CoreIDL;
  readonly Principal: typeof CorePrincipal;
  /** `pollForResponse` for a call to `canisterId` (the two packages take the target differently). */
  poll(agent: Core.HttpAgent, canisterId: CorePrincipal, requestId: Core.RequestId): Promise<{ reply: Uint8Array }>;
  /** The endpoints the client is known to use (http_interface.md §1.2), `<id>` for the principal. */
  readonly endpoints: readonly string[];
  /** A verified certificate about `canisterId` (`Certificate.create`). */
  certificate(bytes: Uint8Array, rootKey: Uint8Array, canisterId: CorePrincipal): Promise<{ lookup_path(path: (string | Uint8Array)[]): unknown }>;
}

/** The reject an agent error carries (`cause.code`), if any. */
export function rejectOf(e: unknown): { rejectCode?: number; rejectMessage?: string; rejectErrorCode?: string; certified: boolean; name: string } {
  const err = e as { cause?: { code?: { rejectCode?: number; rejectMessage?: string; rejectErrorCode?: string; constructor: { name: string } } }; isCertified?: boolean };
  const code = err.cause?.code;
  return {
    ...(code?.rejectCode === undefined ? {} : { rejectCode: Number(code.rejectCode) }),
    ...(code?.rejectMessage === undefined ? {} : { rejectMessage: code.rejectMessage }),
    ...(code?.rejectErrorCode === undefined ? {} : { rejectErrorCode: code.rejectErrorCode }),
    certified: err.isCertified === true, name: code?.constructor.name ?? String(e),
  };
}

type Identity = Core.Identity;

/** Registers the flow's tests for `kit`. */
export function clientFlow(kit: ClientKit): void {
  const { HttpAgent, Actor, CanisterStatus, AnonymousIdentity } = kit.agent;
  const { IDL, Principal } = kit;

  describe(`${kit.name} against npm start`, { timeout: 240_000 }, () => {
    let served: Served;
    let canisterId: CorePrincipal;
    let wasm: Uint8Array;
    const owner = Ed25519KeyIdentity.generate();

    const seen = new Set<string>();
    const recordingFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      seen.add(`${init?.method ?? 'GET'} ${url.pathname.replace(/\/(canister|subnet)\/[^/]+\//, '/$1/<id>/')}`);
      return fetch(input, init);
    }) as typeof fetch;
    const agentFor = (identity: Identity = new AnonymousIdentity()) =>
      HttpAgent.create({ host: served.url, identity, shouldFetchRootKey: true, retryTimes: 0, fetch: recordingFetch });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const demo = async (identity?: Identity): Promise<any> => Actor.createActor(demoIdl, { agent: await agentFor(identity), canisterId });

    before(async () => {
      const [d, s] = await Promise.all([demoCanister(), startServed()]);
      wasm = d.wasm;
      served = s;
    });
    after(async () => {
      assert.equal(await served?.stop(), 0, served?.output());
    });

    it('fetchRootKey gets the key the replica printed', async () => {
      const agent = await agentFor();
      assert.equal(Buffer.from(agent.rootKey as Uint8Array).toString('hex'), served.rootKeyHex);
    });

    it('creates a canister (provisional) and installs the Motoko module through the management canister', async () => {
      const agent = await agentFor(owner);
      const create = Actor.createActor(managementIdl, {
        agent, canisterId: Principal.fromText('aaaaa-aa'), effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
      });
      const { canister_id } = await create.provisional_create_canister_with_cycles({
        amount: [100_000_000_000_000n], settings: [{ controllers: [[owner.getPrincipal()]] }], specified_id: [], sender_canister_version: [],
      }) as { canister_id: CorePrincipal };
      canisterId = canister_id;
      const mgmt = Actor.createActor(managementIdl, { agent, canisterId: Principal.fromText('aaaaa-aa'), effectiveCanisterId: canisterId });
      await mgmt.install_code({ mode: { install: null }, canister_id: canisterId, wasm_module: wasm, arg: IDL.encode([], []), sender_canister_version: [] });
      const status = await mgmt.canister_status({ canister_id: canisterId }) as { module_hash: [Uint8Array] | []; status: object };
      assert.deepEqual(status.status, { running: null });
      assert.equal(Buffer.from(status.module_hash[0] as Uint8Array).toString('hex'), createHash('sha256').update(wasm).digest('hex'));
    });

    it('update calls (sync) and queries with node signatures checked', async () => {
      const actor = await demo();
      assert.equal(await actor.greet('ic-exec'), 'Hello, ic-exec!');
      assert.equal(await actor.inc(), 1n);
      assert.equal(await actor.inc(), 2n);
      assert.equal(await actor.get(), 2n);
    });

    it('an asynchronous call (v2, 202) answered by polling read_state', async () => {
      const agent = await agentFor();
      const { requestId, response } = await agent.call(canisterId, { methodName: 'inc', arg: IDL.encode([], []), callSync: false });
      assert.equal(response.status, 202);
      const { reply } = await kit.poll(agent, canisterId, requestId);
      assert.deepEqual(IDL.decode([IDL.Nat], reply as Uint8Array), [3n]);
    });

    it('CanisterStatus reads time, module hash and controllers', async () => {
      const agent = await agentFor(owner);
      const status = await CanisterStatus.request({ canisterId, agent, paths: ['time', 'module_hash', 'controllers'] });
      const time = status.get('time') as Date;
      assert.ok(Math.abs(time.getTime() - Date.now()) < 60_000, `time ${time.toISOString()}`);
      assert.equal(status.get('module_hash'), createHash('sha256').update(wasm).digest('hex'));
      assert.deepEqual((status.get('controllers') as CorePrincipal[]).map((p) => p.toText()), [owner.getPrincipal().toText()]);
    });

    it('certified data: the query\'s data certificate verifies and holds the counter', async () => {
      const agent = await agentFor();
      const actor = await demo();
      const n = await actor.inc() as bigint;
      const [cert] = await actor.certificate() as [Uint8Array];
      const certificate = await kit.certificate(cert, agent.rootKey as Uint8Array, canisterId);
      const data = certificate.lookup_path(['canister', canisterId.toUint8Array(), 'certified_data']);
      assert.equal(new TextDecoder().decode((data as { value: Uint8Array }).value), n.toString());
    });

    it('identities: anonymous, Ed25519, secp256k1 and a delegation with targets', async () => {
      const session = Ed25519KeyIdentity.generate();
      const root = Secp256k1KeyIdentity.generate();
      const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 3_600_000), { targets: [canisterId] });
      const delegated = DelegationIdentity.fromDelegation(session, chain);
      const ids: [string, Identity][] = [
        ['anonymous', new AnonymousIdentity()], ['ed25519', Ed25519KeyIdentity.generate()], ['secp256k1', Secp256k1KeyIdentity.generate()],
        ['delegated', delegated as unknown as Identity],
      ];
      for (const [name, identity] of ids) {
        const actor = await demo(identity);
        const expected = identity.getPrincipal().toText();
        assert.equal((await actor.whoami() as CorePrincipal).toText(), expected, `${name} update`);
        assert.equal((await actor.whoamiQuery() as CorePrincipal).toText(), expected, `${name} query`);
        const agent = await agentFor(identity);
        const { requestId } = await agent.call(canisterId, { methodName: 'whoami', arg: IDL.encode([], []), callSync: false });
        const { reply } = await kit.poll(agent, canisterId, requestId);
        assert.equal((IDL.decode([IDL.Principal], reply as Uint8Array)[0] as unknown as CorePrincipal).toText(), expected, `${name} polled`);
      }
    });

    it('rejects carry the IC\'s codes: canister reject, trap, missing method, missing canister', async () => {
      const actor = await demo();
      await assert.rejects(actor.fail('no thanks'), (e) => {
        const r = rejectOf(e);
        assert.deepEqual([r.rejectCode, r.rejectErrorCode, r.rejectMessage, r.certified], [4, 'IC0406', 'no thanks', true], JSON.stringify(r));
        return true;
      });
      await assert.rejects(actor.boom(), (e) => {
        const r = rejectOf(e);
        assert.deepEqual([r.rejectCode, r.rejectErrorCode], [5, 'IC0503'], JSON.stringify(r));
        assert.match(r.rejectMessage ?? '', /boom/);
        return true;
      });
      const agent = await agentFor();
      const nope = Actor.createActor(({ IDL: I }) => I.Service({ nope: I.Func([], [], []), nopeQuery: I.Func([], [], ['query']) }), { agent, canisterId });
      await assert.rejects(nope.nope(), (e) => {
        assert.deepEqual([rejectOf(e).rejectCode, rejectOf(e).rejectErrorCode], [5, 'IC0536'], JSON.stringify(rejectOf(e)));
        return true;
      });
      await assert.rejects(nope.nopeQuery(), (e) => {
        assert.deepEqual([rejectOf(e).rejectCode, rejectOf(e).rejectErrorCode, rejectOf(e).certified], [5, 'IC0536', false], JSON.stringify(rejectOf(e)));
        return true;
      });
      const missing = Actor.createActor(demoIdl, { agent, canisterId: Principal.fromText('n5n4y-3aaaa-aaaaa-p777q-cai') });
      await assert.rejects(missing.inc(), (e) => {
        const r = rejectOf(e);
        assert.deepEqual([r.rejectCode, r.rejectErrorCode, r.certified], [3, 'IC0301', true], JSON.stringify(r));
        return true;
      });
      await assert.rejects(missing.get(), (e) => {
        assert.deepEqual([rejectOf(e).rejectCode, rejectOf(e).rejectErrorCode], [3, 'IC0301'], JSON.stringify(rejectOf(e)));
        return true;
      });
    });

    it('used the endpoints this client version is known to use', () => {
      assert.deepEqual([...seen].sort(), [...kit.endpoints].sort());
    });
  });
}
