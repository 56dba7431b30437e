/**
 * The `__.try_grow_wasm_memory(delta)` policy: runs before every
 * `memory.grow` of the canister (the injected helper returns -1 without
 * growing when this says no) and enforces the limits the replica's
 * `SystemApiImpl::try_grow_wasm_memory` enforces after a native grow:
 *
 * 1. A grow the engine would refuse (past the memory's declared maximum)
 *    is let through: `memory.grow` returns -1 and nothing else happens.
 * 2. The canister's Wasm memory limit (`wasm_memory_limit`, 0 = none)
 *    applies in `start`, `init` and update contexts only
 *    (`effective_wasm_memory_limit`: never in queries, callbacks, cleanup,
 *    system tasks or pre-upgrade). Exceeding it traps with
 *    `WasmMemoryLimitExceeded` (IC0539).
 * 3. The new bytes are allocated as the replica's `allocate_execution_memory`
 *    does, by the same rule as stable-memory growth (`reserveMemoryGrowth`
 *    in src/system-api): the freezing threshold is checked for updates and
 *    system tasks (`InsufficientCyclesInMemoryGrow`), and subnet memory is
 *    taken in updates, system tasks, response callbacks and cleanup
 *    (`OutOfMemory` when the subnet has none left). The canister's memory
 *    usage grows by the new bytes, so later stable-memory growth sees it.
 *
 * Returns 0 to let the grow happen. Traps throw `HostTrap`.
 */
import { numBytes } from '../types/index.ts';
import { HostTrap, reserveMemoryGrowth } from '../system-api/index.ts';
import type { SystemApi } from '../system-api/index.ts';

/** Bytes in a Wasm page. */
export const WASM_PAGE_BYTES = 65_536;

/** `memory.grow`'s delta as received from Wasm (i32 as number, i64 as bigint), unsigned. */
export function growDelta(raw: number | bigint): bigint {
  return typeof raw === 'bigint' ? BigInt.asUintN(64, raw) : BigInt(raw >>> 0);
}

/** Inputs of {@link tryGrowWasmMemory}. */
export interface GrowContext {
  readonly api: SystemApi;
  /** Current heap size, Wasm pages. */
  readonly currentPages: number;
  /** The heap's declared maximum, Wasm pages. */
  readonly maxPages: number;
  /** The canister's Wasm memory limit, bytes (0 or undefined = none). */
  readonly wasmMemoryLimit: bigint | undefined;
}

/** Decides a `memory.grow(delta)`: 0 = go ahead. @throws {HostTrap} when the grow must trap. */
export function tryGrowWasmMemory(ctx: GrowContext, delta: bigint): number {
  const { api } = ctx;
  const newPages = BigInt(ctx.currentPages) + delta;
  if (delta < 0n || newPages > BigInt(ctx.maxPages)) return 0; // the engine refuses: memory.grow returns -1
  const kind = api.apiType.kind;
  const newBytes = newPages * BigInt(WASM_PAGE_BYTES);
  const limit = ctx.wasmMemoryLimit ?? 0n;
  if (limit !== 0n && (kind === 'start' || kind === 'init' || kind === 'update') && newBytes > limit) {
    throw new HostTrap({ kind: 'WasmMemoryLimitExceeded', bytes: numBytes(newBytes), limit: numBytes(limit) });
  }
  if (!reserveMemoryGrowth(api, delta * BigInt(WASM_PAGE_BYTES))) throw new HostTrap({ kind: 'OutOfMemory' });
  return 0;
}
