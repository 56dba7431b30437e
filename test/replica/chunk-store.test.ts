// The Wasm chunk store and install_chunked_code through the whole replica.
//
// Test steps:
// 1. upload_chunk returns the chunk's SHA-256, stored_chunks lists the hashes
//    in byte order, a second upload of a chunk changes nothing, every chunk
//    counts 1 MiB of the canister's memory, clear_chunk_store empties it; the
//    canister itself may do all three.
// 2. Limits with the replica's texts: a chunk over 1 MiB, a 101st chunk.
// 3. Callers: a stranger by ingress (IC0512), a canister that is not a
//    controller (IC0512), malformed Candid (IC0408), no such canister (IC0301).
// 4. A module larger than 2 MiB (a large custom section, built here) installed
//    from three chunks: its module hash is the SHA-256 of the whole; a store
//    canister that is not the target; the caller being the store.
// 5. install_chunked_code's errors: hash mismatch, missing chunk, store not on
//    the subnet, caller not controlling the store, wasm_module_hash not 32 bytes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, ErrorCode, Replica } from '../../src/index.ts';
import { candidUnit } from '../corpus/candid.ts';
import {
  CHUNK_HELP, INSTALL, MALFORMED, REINSTALL, STRANGER, USER, decodeHash, decodeHashes, installChunkedArg, notControllerText, sha256, uploadArg,
} from './install-support.ts';
import { assertReject, proxyCanister, proxyWasm, viaProxy } from './mgmt-proxy.ts';
import { MGMT, canisterIdArg, hex, rejectsWith } from './support.ts';

const MiB = 1024 * 1024;

/** `wasm` with a custom section `name` of `size` bytes appended. */
function withPadding(wasm: Uint8Array, size: number): Uint8Array {
  const name = new TextEncoder().encode('padding');
  const body = [name.length, ...name];
  const len = body.length + size;
  const leb: number[] = [];
  for (let n = len; ; ) { const b = n & 0x7f; n >>>= 7; if (n === 0) { leb.push(b); break; } leb.push(b | 0x80); }
  const out = new Uint8Array(wasm.length + 1 + leb.length + len);
  out.set(wasm);
  out.set([0, ...leb, ...body], wasm.length);
  for (let i = 0; i < size; i++) out[wasm.length + 1 + leb.length + body.length + i] = (i * 7919) & 0xff;
  return out;
}

describe('the Wasm chunk store (replica)', () => {
  let ic: Replica;
  let proxy: CanisterId;
  before(async () => {
    ic = await Replica.create();
    proxy = await proxyCanister(ic, { controllers: [USER], sender: USER });
  });
  after(async () => { await ic.close(); });

  const upload = async (id: CanisterId, chunk: Uint8Array): Promise<Uint8Array> =>
    decodeHash(await ic.updateCall(MGMT, 'upload_chunk', uploadArg(id, chunk), { sender: USER }));
  const stored = async (id: CanisterId): Promise<string[]> =>
    decodeHashes(await ic.updateCall(MGMT, 'stored_chunks', canisterIdArg(id), { sender: USER })).map(hex);

  it('uploads by SHA-256, lists in byte order, stores a chunk once, counts 1 MiB each, clears', async () => {
    const id = await ic.createCanister({ controllers: [USER], sender: USER });
    const chunks = [Uint8Array.of(3), Uint8Array.of(1), Uint8Array.of(2)];
    for (const c of chunks) assert.equal(hex(await upload(id, c)), hex(sha256(c)));
    assert.equal(hex(await upload(id, chunks[0])), hex(sha256(chunks[0])), 'a second upload answers the same hash');
    assert.deepEqual(await stored(id), chunks.map((c) => hex(sha256(c))).sort());
    const c = ic.committedState.canister(id);
    assert.equal(c?.wasmChunkStoreMemoryUsage(), 3n * 1024n * 1024n);
    assert.equal(c?.memoryUsage(), 3n * 1024n * 1024n + BigInt(c?.systemState.canisterHistory.memoryUsage ?? 0));
    assert.deepEqual(await ic.updateCall(MGMT, 'clear_chunk_store', canisterIdArg(id), { sender: USER }), candidUnit);
    assert.deepEqual(await stored(id), []);
  });

  it('the canister itself may upload, list and clear its chunks', async () => {
    const chunk = new Uint8Array(MiB).fill(7);
    const up = await viaProxy(ic, proxy, 'upload_chunk', uploadArg(proxy, chunk));
    assert.ok(up.kind === 'reply' && hex(decodeHash(up.bytes)) === hex(sha256(chunk)));
    const list = await viaProxy(ic, proxy, 'stored_chunks', canisterIdArg(proxy));
    assert.ok(list.kind === 'reply' && decodeHashes(list.bytes).map(hex).join() === hex(sha256(chunk)));
    assert.deepEqual(await viaProxy(ic, proxy, 'clear_chunk_store', canisterIdArg(proxy)), { kind: 'reply', bytes: candidUnit, refunded: 0n });
  });

  it('refuses a chunk over 1 MiB and a 101st chunk (IC0504)', async () => {
    const id = await ic.createCanister({ controllers: [USER], sender: USER });
    await rejectsWith(ic.updateCall(MGMT, 'upload_chunk', uploadArg(id, new Uint8Array(MiB + 1)), { sender: USER }), ErrorCode.CanisterContractViolation,
      `Error from Wasm chunk store: Wasm chunk size 1048577 exceeds the maximum chunk size of 1048576.${CHUNK_HELP}`);
    const ids = [];
    for (let i = 0; i < 100; i++) ids.push(await ic.submitCall(MGMT, 'upload_chunk', uploadArg(id, Uint8Array.of(i)), { sender: USER }));
    for (const mid of ids) assert.equal((await ic.awaitCall(mid)).kind, 'replied');
    assert.equal((await stored(id)).length, 100);
    await rejectsWith(ic.updateCall(MGMT, 'upload_chunk', uploadArg(id, Uint8Array.of(200, 1)), { sender: USER }), ErrorCode.CanisterContractViolation,
      `Error from Wasm chunk store: Wasm chunk store has already reached maximum capacity of 104857600 bytes or the maximum number of entries, 100.${CHUNK_HELP}`);
    assert.equal(hex(await upload(id, Uint8Array.of(5))), hex(sha256(Uint8Array.of(5))), 'a stored chunk is still answered when full');
  });

  it('refuses strangers (IC0512), malformed Candid (IC0408) and missing canisters (IC0301)', async () => {
    const id = await ic.createCanister({ controllers: [USER], sender: USER });
    for (const method of ['upload_chunk', 'stored_chunks', 'clear_chunk_store']) {
      const arg = method === 'upload_chunk' ? uploadArg(id, Uint8Array.of(1)) : canisterIdArg(id);
      await rejectsWith(ic.updateCall(MGMT, method, arg, { sender: STRANGER }), ErrorCode.CanisterInvalidController,
        `Only controllers of canister ${id.toText()} can call ic00 method ${method}`);
      assertReject(await viaProxy(ic, proxy, method, arg), 5, notControllerText(ic, id, proxy));
      assertReject(await viaProxy(ic, proxy, method, MALFORMED), 4, /^Error decoding candid: /);
      const gone = CanisterId.fromU64(0xfff00n);
      assertReject(await viaProxy(ic, proxy, method, method === 'upload_chunk' ? uploadArg(gone, Uint8Array.of(1)) : canisterIdArg(gone)), 3,
        `Canister ${gone.toText()} not found.`);
    }
  });
});

describe('install_chunked_code (replica)', () => {
  let ic: Replica;
  let proxy: CanisterId;
  let big: Uint8Array;
  let parts: Uint8Array[];
  let hashes: Uint8Array[];
  before(async () => {
    ic = await Replica.create();
    proxy = await proxyCanister(ic, { controllers: [USER], sender: USER });
    big = withPadding(await proxyWasm(), 2 * MiB + 300_000);
    parts = [big.slice(0, MiB), big.slice(MiB, 2 * MiB), big.slice(2 * MiB)];
    hashes = parts.map(sha256);
  });
  after(async () => { await ic.close(); });

  it('installs a module over 2 MiB from three chunks of the target\'s store; its module hash is the whole module\'s', async () => {
    assert.ok(big.length > 2 * MiB);
    const id = await ic.createCanister({ controllers: [USER], sender: USER });
    for (const part of parts) await ic.updateCall(MGMT, 'upload_chunk', uploadArg(id, part), { sender: USER });
    await ic.updateCall(MGMT, 'install_chunked_code', installChunkedArg(INSTALL, id, undefined, hashes, sha256(big)), { sender: USER });
    assert.deepEqual(await ic.query(id, 'hello', candidUnit), new TextEncoder().encode('hi'));
    assert.equal(ic.committedState.canister(id)?.executionState?.compiled.hash, hex(sha256(big)));
    const change = ic.committedState.canister(id)?.systemState.canisterHistory.changes.at(-1);
    assert.ok(change?.details.kind === 'codeDeployment' && hex(change.details.moduleHash) === hex(sha256(big)));
  });

  it('takes the chunks from another store canister the caller controls, or that is the caller', async () => {
    const store = await ic.createCanister({ controllers: [USER], sender: USER });
    for (const part of parts) await ic.updateCall(MGMT, 'upload_chunk', uploadArg(store, part), { sender: USER });
    const target = await ic.createCanister({ controllers: [USER, proxy], sender: USER });
    await ic.updateCall(MGMT, 'install_chunked_code', installChunkedArg(INSTALL, target, store, hashes, sha256(big)), { sender: USER });
    assert.deepEqual(await ic.query(target, 'hello', candidUnit), new TextEncoder().encode('hi'));
    for (const part of parts) assert.equal((await viaProxy(ic, proxy, 'upload_chunk', uploadArg(proxy, part))).kind, 'reply');
    const r = await viaProxy(ic, proxy, 'install_chunked_code', installChunkedArg(REINSTALL, target, proxy, hashes, sha256(big)));
    assert.deepEqual(r, { kind: 'reply', bytes: candidUnit, refunded: 0n }, 'the caller is the store');
  });

  it('refuses a hash mismatch, a missing chunk, a store not on the subnet, a store the caller does not control, a bad module hash', async () => {
    const id = await ic.createCanister({ controllers: [USER], sender: USER });
    for (const part of parts) await ic.updateCall(MGMT, 'upload_chunk', uploadArg(id, part), { sender: USER });
    const call = (arg: Uint8Array, sender = USER): Promise<Uint8Array> => ic.updateCall(MGMT, 'install_chunked_code', arg, { sender });
    const list = (b: Uint8Array): string => `[${[...b].join(', ')}]`;
    const swapped = [hashes[1], hashes[0], hashes[2]];
    await rejectsWith(call(installChunkedArg(INSTALL, id, undefined, swapped, sha256(big))), ErrorCode.CanisterContractViolation,
      `Error from Wasm chunk store: Wasm module hash ${list(sha256(Uint8Array.from([...parts[1], ...parts[0], ...parts[2]])))} `
      + `does not match given hash WasmHash(${list(sha256(big))}).${CHUNK_HELP}`);
    await rejectsWith(call(installChunkedArg(INSTALL, id, undefined, [sha256(Uint8Array.of(42))], sha256(big))), ErrorCode.CanisterContractViolation,
      `Error from Wasm chunk store: Chunk hash ${list(sha256(Uint8Array.of(42)))} was not found.${CHUNK_HELP}`);
    const nowhere = CanisterId.fromU64(0xfff10n);
    assertReject(await viaProxy(ic, proxy, 'install_chunked_code', installChunkedArg(INSTALL, id, nowhere, hashes, sha256(big))), 3,
      `InstallChunkedCode Error: Store canister ${nowhere.toText()} was not found on subnet ${ic.subnetId.toText()} of target canister ${id.toText()}`);
    assertReject(await viaProxy(ic, proxy, 'install_chunked_code', installChunkedArg(INSTALL, proxy, id, hashes, sha256(big))), 5,
      notControllerText(ic, id, proxy));
    await rejectsWith(call(installChunkedArg(INSTALL, id, undefined, hashes, Uint8Array.of(1, 2, 3))), ErrorCode.CanisterContractViolation,
      'Invalid wasm hash [1, 2, 3]');
    assertReject(await viaProxy(ic, proxy, 'install_chunked_code', MALFORMED), 4, /^Error decoding candid: /);
    assert.equal(ic.committedState.canister(id)?.executionState, undefined, 'nothing was installed');
  });
});
