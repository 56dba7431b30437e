// The Wasm chunk store: SHA-256 keys in byte order, duplicates free, the
// 1 MiB chunk and 100-chunk store limits with the replica's texts, 1 MiB of
// memory usage per chunk, copies that do not share changes, and the state
// hash covering the store.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { WASM_MAX_SIZE } from '../config/index.ts';
import { CanisterId, SubnetId } from '../types/index.ts';
import { CanisterState } from './canister-state.ts';
import { ReplicatedState } from './replicated-state.ts';
import { newSchedulerState } from './scheduler-state.ts';
import { stateHash } from './state-hash.ts';
import { SystemState } from './system-state.ts';
import { A, T0, USER } from './test-support.ts';
import { CHUNK_SIZE, WasmChunkStore } from './wasm-chunk-store.ts';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function put(store: WasmChunkStore, chunk: Uint8Array, max = WASM_MAX_SIZE): string {
  const v = store.canInsert(max, chunk);
  if (v.kind === 'error') assert.fail(v.message);
  if (v.kind === 'insert') store.insert(v.hash, chunk);
  return hex(v.hash);
}

describe('WasmChunkStore', () => {
  it('keys chunks by SHA-256, lists them in byte order, and stores a chunk once', () => {
    const s = new WasmChunkStore();
    const chunks = [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3), new Uint8Array(0)];
    for (const c of chunks) assert.equal(put(s, c), sha(c));
    assert.equal(s.canInsert(WASM_MAX_SIZE, Uint8Array.of(2)).kind, 'alreadyExists');
    assert.equal(s.size, 4);
    assert.deepEqual(s.keys().map(hex), chunks.map(sha).sort());
    assert.deepEqual(s.get(Uint8Array.from(Buffer.from(sha(Uint8Array.of(3)), 'hex'))), Uint8Array.of(3));
    assert.equal(s.memoryUsage, 4n * CHUNK_SIZE, 'every chunk counts 1 MiB whatever its length');
  });

  it('refuses a chunk over 1 MiB and a 101st chunk with the replica\'s texts; a known chunk still goes in when full', () => {
    const s = new WasmChunkStore();
    const big = new Uint8Array(Number(CHUNK_SIZE) + 1);
    assert.deepEqual(s.canInsert(WASM_MAX_SIZE, big), { kind: 'error', message: 'Wasm chunk size 1048577 exceeds the maximum chunk size of 1048576' });
    assert.equal(s.canInsert(WASM_MAX_SIZE, new Uint8Array(Number(CHUNK_SIZE))).kind, 'insert');
    for (let i = 0; i < 100; i++) put(s, Uint8Array.of(i, i >> 8));
    assert.deepEqual(s.canInsert(WASM_MAX_SIZE, Uint8Array.of(200, 200)), {
      kind: 'error',
      message: 'Wasm chunk store has already reached maximum capacity of 104857600 bytes or the maximum number of entries, 100',
    });
    assert.equal(s.canInsert(WASM_MAX_SIZE, Uint8Array.of(7, 0)).kind, 'alreadyExists');
  });

  it('is copied with the system state, counted in the canister\'s memory usage and in the state hash', () => {
    const sys = new SystemState({ canisterId: A, controllers: [USER], cycles: 0n });
    const c = new CanisterState(sys, undefined, newSchedulerState(T0));
    const state = ReplicatedState.empty(SubnetId.fromUint8Array(Uint8Array.of(1)), 'application', [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(9n) }]);
    state.putCanister(c);
    const before = hex(stateHash(state));
    const copy = state.snapshot();
    const own = state.canisterMut(A) as CanisterState;
    put(own.systemState.wasmChunkStore, Uint8Array.of(9));
    assert.equal(own.memoryUsage(), CHUNK_SIZE);
    assert.equal(copy.canister(A)?.systemState.wasmChunkStore.size, 0, 'the snapshot does not see the upload');
    assert.notEqual(hex(stateHash(state)), before);
    assert.equal(hex(stateHash(copy)), before);
    const clone = own.clone();
    put(clone.systemState.wasmChunkStore, Uint8Array.of(10));
    assert.equal(own.systemState.wasmChunkStore.size, 1);
  });
});
