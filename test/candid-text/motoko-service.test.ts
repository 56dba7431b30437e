// Candid text against real Motoko canisters: the `candid:service` and
// `candid:args` metadata moc writes are parsed, arguments written as text are
// encoded with those types, sent to the canister on a replica, and its
// replies printed as text — the path of the `ic-exec` CLI's deploy/call/query.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeToJson, decodeToText, encodeArgs, parseArgTypes, parseDid } from '../../src/candid-text/index.ts';
import type { ServiceInterface } from '../../src/candid-text/index.ts';
import { Replica } from '../../src/index.ts';
import { canisterMetadataSections } from '../../src/wasm/index.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { nodeWasm } from '../replica/canisters.ts';

const SHOP_MO = `
import Map "mo:core/Map";
import Nat "mo:core/Nat";
persistent actor class Shop(init : { owner : Principal; currency : Text; limit : ?Nat }) {
  public type Item = { name : Text; price : Nat64; tags : [Text]; image : ?Blob };
  public type Error = { #NotFound : Nat; #TooMany : { limit : Nat }; #Closed };
  public type Tree = { #leaf : Int; #node : (Tree, Tree) };
  let items = Map.empty<Nat, Item>();
  var next = 0;
  public func add(item : Item) : async { #ok : Nat; #err : Error } {
    switch (init.limit) { case (?l) { if (next >= l) return #err(#TooMany { limit = l }) }; case null {} };
    Map.add(items, Nat.compare, next, item);
    next += 1;
    #ok(next - 1)
  };
  public query func get(id : Nat) : async ?Item { Map.get(items, Nat.compare, id) };
  public query func config() : async (Principal, Text, ?Nat) { (init.owner, init.currency, init.limit) };
  public query func sum(t : Tree) : async Int {
    func go(t : Tree) : Int { switch t { case (#leaf n) n; case (#node(a, b)) go(a) + go(b) } };
    go(t)
  };
};
`;

function metadata(wasm: Uint8Array, name: string): string {
  const s = canisterMetadataSections(wasm).find((m) => m.name === name);
  assert.ok(s !== undefined, `no ${name} section`);
  return new TextDecoder().decode(s.data);
}

function ok<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

test("the Node test canister's candid:service: every method, query annotations, argument types", async () => {
  const wasm = await nodeWasm();
  const service = ok(parseDid(metadata(wasm, 'candid:service')));
  assert.equal(service.methods.size, 17);
  assert.deepEqual(service.methods.get('appended')!.annotations, ['query']);
  assert.deepEqual(service.methods.get('hop')!.annotations, []);
  assert.deepEqual(ok(parseArgTypes(metadata(wasm, 'candid:args'))), []);
  const hop = service.methods.get('hop')!;
  const arg = ok(encodeArgs('(vec { principal "aaaaa-aa"; principal "2vxsx-fae" }, 7)', hop.argTypes));
  assert.equal(ok(decodeToText(arg, hop.argTypes)), '(vec { principal "aaaaa-aa"; principal "2vxsx-fae" }, 7 : nat)');
});

test('a Motoko class: init arguments from candid:args, calls and queries in text, replies printed', async () => {
  const wasm = await compileMotoko(SHOP_MO);
  const service: ServiceInterface = ok(parseDid(metadata(wasm, 'candid:service')));
  const initTypes = ok(parseArgTypes(metadata(wasm, 'candid:args')));
  // moc writes the instantiated service; a class's init arguments are in candid:args.
  assert.equal(service.init, undefined);
  assert.equal(initTypes.length, 1);
  const ic = await Replica.create();
  try {
    const id = await ic.createCanister();
    const init = ok(encodeArgs('(record { owner = principal "2vxsx-fae"; currency = "ICP"; limit = opt 2 })', initTypes));
    await ic.installCode(id, wasm, init);
    const call = async (method: string, args: string): Promise<string> => {
      const f = service.methods.get(method)!;
      const arg = ok(encodeArgs(args, f.argTypes));
      const reply = f.annotations.includes('query') ? await ic.query(id, method, arg) : await ic.updateCall(id, method, arg);
      return ok(decodeToText(reply, f.retTypes));
    };
    assert.equal(await call('config', '()'), '(principal "2vxsx-fae", "ICP", opt (2 : nat))');
    assert.equal(await call('add', '(record { name = "tea"; price = 350; tags = vec { "hot"; "green" } })'), '(variant { ok = 0 : nat })');
    assert.equal(await call('add', '(record { name = "cup"; price = 1_200; tags = vec {}; image = opt blob "\\89PNG" })'), '(variant { ok = 1 : nat })');
    assert.equal(await call('add', '(record { name = "pot"; price = 9; tags = vec {} })'), '(variant { err = variant { TooMany = record { limit = 2 : nat } } })');
    assert.equal(await call('get', '(0)'), '(\n  opt record {\n    name = "tea";\n    tags = vec { "hot"; "green" };\n    image = null;\n    price = 350 : nat64;\n  },\n)');
    assert.equal(await call('get', '(7)'), '(null)');
    assert.equal(await call('sum', '(variant { node = record { variant { leaf = 5 }; variant { node = record { variant { leaf = -2 }; variant { leaf = 10 } } } } })'), '(13 : int)');
    // Without types: the reply's own type table, field ids as numbers.
    const raw = await ic.query(id, 'get', ok(encodeArgs('(1)', service.methods.get('get')!.argTypes)));
    assert.match(ok(decodeToText(raw)), /^\(\n {2}opt record \{\n {4}\d[\d_]* = "cup";/);
    assert.deepEqual(ok(decodeToJson(raw, service.methods.get('get')!.retTypes)), [[{ name: 'cup', tags: [], image: ['89504e47'], price: '1200' }]]);
    // A typed argument error names the position and the argument, before anything is sent.
    const bad = encodeArgs('(record { name = "x"; price = -1; tags = vec {} })', service.methods.get('add')!.argTypes);
    assert.deepEqual(bad, { ok: false, error: '1:31: -1 is out of range for nat64 (argument 1)' });
  } finally {
    await ic.close();
  }
});
