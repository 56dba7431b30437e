// Certificates against the real clients: @dfinity/agent 3.x and
// @icp-sdk/core 6.x verify them (BLS under the root key, /time within 5
// minutes of their clock) and read them with their own lookups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '@dfinity/cbor';
import * as v3 from '@dfinity/agent';
import type { HttpAgent } from '@dfinity/agent';
import { Principal as PrincipalV3 } from '@dfinity/principal';
import * as v6 from '@icp-sdk/core/agent';
import { Principal as PrincipalV6 } from '@icp-sdk/core/principal';
import { BlsKeyPair } from '../crypto/index.ts';
import { StateCertifier, decodeCertificate, encodeCertificate, verifyCertificate } from './certificate.ts';
import type { HashTree, Path } from './hash-tree.ts';
import { leaf, lookupPath } from './hash-tree.ts';
import { CANDID, NODE_ID, NODE_KEY, USER, compiledModule, fixture } from './state-fixture.ts';
import { hex } from './test-support.ts';

const nowNanos = (): bigint => BigInt(Date.now()) * 1_000_000n;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const decodeText = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

function setup() {
  const f = fixture({ nowNanos: nowNanos() });
  const certifier = new StateCertifier(f.keys);
  const certification = certifier.certification(f.state.snapshot());
  const cid = f.ids[0].bytesView() as Uint8Array;
  const sid = f.keys.subnetId.bytesView() as Uint8Array;
  return { ...f, certification, cid, sid };
}

test('read_state certificates verify with @dfinity/agent 3.x and answer its lookups', async () => {
  const { keys, certification, cid, sid, requests, ids } = setup();
  const unknownId = new Uint8Array(32).fill(0x77);
  const paths: Path[] = [
    ['request_status', requests[0]], ['request_status', requests[1]], ['request_status', unknownId],
    ['canister', cid, 'module_hash'], ['canister', cid, 'controllers'], ['subnet'],
  ];
  const certificate = certification.certificateFor(paths);
  const canisterId = PrincipalV3.fromUint8Array(cid);
  const cert = await v3.Certificate.create({ certificate, rootKey: keys.rootKeyDer, canisterId });
  const get = (...p: (string | Uint8Array)[]): Uint8Array | undefined => v3.lookupResultToBuffer(cert.lookup_path(p));

  assert.equal(decodeText(get('request_status', requests[0], 'status')), 'replied');
  assert.equal(decodeText(get('request_status', requests[0], 'reply')), 'DIDL reply');
  assert.equal(decodeText(get('request_status', requests[1], 'status')), 'rejected');
  assert.deepEqual(get('request_status', requests[1], 'reject_code'), Uint8Array.of(4));
  assert.equal(decodeText(get('request_status', requests[1], 'error_code')), 'IC0406');
  // The spec's lookup proves the absence; agent-js's `find_label` compares equal-length labels
  // byte by byte ("greater if any byte is greater", http_interface.md §6.3) and may only say Unknown.
  const decoded = decodeCertificate(certificate);
  assert.ok(decoded.ok);
  assert.equal(lookupPath(['request_status', unknownId, 'status'], decoded.value.tree).kind, 'absent');
  assert.notEqual(cert.lookup_path(['request_status', unknownId, 'status']).status, v3.LookupPathStatus.Found);
  assert.equal(hex(get('canister', cid, 'module_hash') as Uint8Array), compiledModule().hash);
  const controllers = (decode(get('canister', cid, 'controllers') as Uint8Array) as Uint8Array[]).map((b) => PrincipalV3.fromUint8Array(b).toText());
  assert.deepEqual(controllers.sort(), [USER.toText(), ids[0].toText()].sort());
  assert.deepEqual(get('subnet', sid, 'public_key'), keys.rootKeyDer);
  assert.ok(v3.check_canister_ranges({ canisterId, subnetId: PrincipalV3.fromUint8Array(sid), tree: cert.cert.tree }));
  assert.equal(decodeText(get('time')) !== '', true);
  assert.deepEqual(get('time'), (() => {
    const t = verifyCertificate(certificate, keys.rootKeyDer);
    assert.ok(t.ok);
    assert.equal(t.value.time, certification.time);
    return v3.lookupResultToBuffer(cert.lookup_path(['time']));
  })());

  const nodes = v3.CanisterStatus.fetchNodeKeys(certificate, canisterId, keys.rootKeyDer);
  assert.equal(nodes.subnetId, keys.subnetId.toText());
  assert.deepEqual([...nodes.nodeKeys.keys()], [NODE_ID.toText()]);
  assert.deepEqual(nodes.nodeKeys.get(NODE_ID.toText()), NODE_KEY);
});

test('@dfinity/agent 3.x CanisterStatus.request reads time, controllers, module hash, candid and subnet', async () => {
  const { keys, certification, cid, ids } = setup();
  const agent = {
    rootKey: keys.rootKeyDer,
    readState: async (_id: unknown, { paths }: { paths: Uint8Array[][] }) => ({ certificate: certification.certificateFor(paths) }),
  } as unknown as HttpAgent;
  const status = await v3.CanisterStatus.request({ canisterId: PrincipalV3.fromUint8Array(cid), agent, paths: ['time', 'controllers', 'module_hash', 'candid', 'subnet'] });
  assert.equal((status.get('time') as Date).getTime(), Number(certification.time / 1_000_000n));
  assert.deepEqual((status.get('controllers') as PrincipalV3[]).map((p) => p.toText()).sort(), [USER.toText(), ids[0].toText()].sort());
  assert.equal(status.get('module_hash'), compiledModule().hash);
  assert.equal(status.get('candid'), CANDID);
  assert.equal((status.get('subnet') as { subnetId: string }).subnetId, keys.subnetId.toText());
});

test('certificates verify with @icp-sdk/core 6.x: lookups, sharded and flat canister ranges, node keys', async () => {
  const { keys, certification, cid, sid, requests } = setup();
  const canisterId = PrincipalV6.fromUint8Array(cid);
  const subnetId = PrincipalV6.fromUint8Array(sid);
  const certificate = certification.certificateFor([['request_status', requests[2]], ['canister', cid, 'module_hash'], ['canister', cid, 'controllers']]);
  const cert = await v6.Certificate.create({ certificate, rootKey: keys.rootKeyDer, principal: { canisterId } });
  const get = (...p: (string | Uint8Array)[]): Uint8Array | undefined => v6.lookupResultToBuffer(cert.lookup_path(p));
  assert.equal(decodeText(get('request_status', requests[2], 'status')), 'rejected');
  assert.deepEqual(get('request_status', requests[2], 'reject_code'), Uint8Array.of(5));
  assert.equal(decodeText(get('request_status', requests[2], 'error_code')), 'IC0503');
  assert.equal(hex(get('canister', cid, 'module_hash') as Uint8Array), compiledModule().hash);

  // The node-key fetch: [["subnet"]]; ranges found through the flat path (no /canister_ranges revealed).
  const subnet = certification.certificateFor([['subnet']]);
  const subnetCert = await v6.Certificate.create({ certificate: subnet, rootKey: keys.rootKeyDer, principal: { canisterId } });
  assert.ok(v6.check_canister_ranges({ canisterId, subnetId, tree: subnetCert.cert.tree }));
  assert.deepEqual(v6.lookupResultToBuffer(subnetCert.lookup_path(['subnet', sid, 'public_key'])), keys.rootKeyDer);
  const nodes = v6.CanisterStatus.fetchNodeKeys(subnet, canisterId, keys.rootKeyDer);
  assert.deepEqual(nodes.nodeKeys.get(NODE_ID.toText()), NODE_KEY);

  // A subnet endpoint's [["canister_ranges", sid]]: the sharded form.
  const ranges = certification.certificateFor([['canister_ranges', sid]]);
  const rangesCert = await v6.Certificate.create({ certificate: ranges, rootKey: keys.rootKeyDer, principal: { subnetId } });
  assert.equal(rangesCert.lookup_subtree(['canister_ranges', sid]).status, v6.LookupSubtreeStatus.Found);
  assert.ok(v6.check_canister_ranges({ canisterId, subnetId, tree: rangesCert.cert.tree }));
});

test('data certificates for queries: /time and the canister\'s certified data, both clients', async () => {
  const { keys, certification, cid, ids } = setup();
  const certificate = certification.dataCertificate(ids[0]);
  assert.ok(certification.dataCertificate(ids[0]) === certificate, 'memoized per canister');
  const c3 = await v3.Certificate.create({ certificate, rootKey: keys.rootKeyDer, canisterId: PrincipalV3.fromUint8Array(cid) });
  assert.equal(decodeText(v3.lookupResultToBuffer(c3.lookup_path(['canister', cid, 'certified_data']))), 'data 0');
  const c6 = await v6.Certificate.create({ certificate, rootKey: keys.rootKeyDer, principal: { canisterId: PrincipalV6.fromUint8Array(cid) } });
  assert.equal(decodeText(v6.lookupResultToBuffer(c6.lookup_path(['canister', cid, 'certified_data']))), 'data 0');
  assert.equal(c6.lookup_path(['canister', cid, 'controllers']).status, v6.LookupPathStatus.Unknown);
});

test('a wrong root key or a modified tree fails verification', async () => {
  const { keys, certification, cid, requests } = setup();
  const certificate = certification.certificateFor([['request_status', requests[0]]]);
  const canisterId = PrincipalV3.fromUint8Array(cid);
  const otherKey = BlsKeyPair.fromSeed(new Uint8Array(32).fill(99)).publicKeyDer;
  await assert.rejects(v3.Certificate.create({ certificate, rootKey: otherKey, canisterId }));
  await assert.rejects(v6.Certificate.create({ certificate, rootKey: otherKey, principal: { canisterId: PrincipalV6.fromUint8Array(cid) } }));
  assert.equal(verifyCertificate(certificate, otherKey).ok, false);

  // Change the reply leaf, keep the signature.
  const decoded = decodeCertificate(certificate);
  assert.ok(decoded.ok);
  const forged = encodeCertificate({ ...decoded.value, tree: replaceLeaf(decoded.value.tree, 'DIDL reply', 'DIDL forged') });
  assert.notEqual(hex(forged), hex(certificate));
  await assert.rejects(v3.Certificate.create({ certificate: forged, rootKey: keys.rootKeyDer, canisterId }));
  await assert.rejects(v6.Certificate.create({ certificate: forged, rootKey: keys.rootKeyDer, principal: { canisterId: PrincipalV6.fromUint8Array(cid) } }));
  assert.equal(verifyCertificate(forged, keys.rootKeyDer).ok, false);
  assert.ok(verifyCertificate(certificate, keys.rootKeyDer).ok);
});

function replaceLeaf(tree: HashTree, from: string, to: string): HashTree {
  switch (tree.kind) {
    case 'fork': return { ...tree, left: replaceLeaf(tree.left, from, to), right: replaceLeaf(tree.right, from, to) };
    case 'labeled': return { ...tree, subtree: replaceLeaf(tree.subtree, from, to) };
    case 'leaf': return decodeText(tree.value) === from ? leaf(utf8(to)) : tree;
    default: return tree;
  }
}

test('a certifier hands out one certification per committed state and signs once', () => {
  const { state, keys } = fixture({ nowNanos: nowNanos() });
  const certifier = new StateCertifier(keys);
  const snap = state.snapshot();
  const c = certifier.certification(snap);
  assert.ok(certifier.certification(snap) === c);
  assert.ok(c.signature === c.signature);
  assert.equal(c.height, 42n);
  const other = certifier.certification(state.snapshot());
  assert.ok(other !== c);
  assert.equal(hex(other.rootHash), hex(c.rootHash));
});
