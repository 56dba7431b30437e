// `ic0` stable memory: `stable64_*` and the deprecated 32-bit `stable_*`.
//
// The replica now runs these as Wasm code injected by instrumentation; we
// run them on the host, with the same outcomes:
// - bounds: `stable memory out of bounds` is checked before `heap out of
//   bounds` (both `Trapped`);
// - the 32-bit forms trap with `32 bit stable memory api used on a memory
//   larger than 4GB` once stable memory exceeds 65,536 pages, and
//   `stable_grow` returns -1 past that size;
// - grow returns the old size in pages, or -1 past the 500 GiB maximum or
//   when the subnet has no memory left; it traps (`InsufficientCyclesInMemoryGrow`)
//   if an update or system task would freeze the canister by the growth;
// - per execution, dirty and accessed 4 KiB pages are limited (2 GiB for
//   messages, 8 GiB for install/upgrade, 1 GiB for queries) with the
//   replica's IC0524 texts;
// - each newly dirtied page costs `dirty_page_overhead` instructions (×4 for
//   Wasm64), charged after the bounds checks and before the write, on top of
//   the call's overhead + bytes charged by the import. (The replica's
//   host-call API charged the dirty pages together with the overhead; the
//   total is the same unless the write is out of bounds.)
// Not modelled: storage-reservation cycles for growth above the subnet's
// memory threshold.
import { cycles, numBytes } from '../types/index.ts';
import { MAX_32_BIT_STABLE_MEMORY_IN_PAGES, STABLE_MEMORY_ACCESSED_PAGE_LIMIT, STABLE_MEMORY_DIRTY_PAGE_LIMIT } from '../config/index.ts';
import { TrapCode } from '../errors/index.ts';
import { pageLimitClass } from './api-type.ts';
import { inBounds } from './heap.ts';
import { HostTrap, trapped } from './host-trap.ts';
import { MAX_STABLE_MEMORY_PAGES, WASM_PAGE_BYTES } from './stable-memory.ts';
import type { SystemApi } from './system-api.ts';

const KB_PER_PAGE = 4n;

/** IC0524 text for too many dirty stable pages (linker.rs, `MemoryWriteLimitExceeded`). */
export const DIRTY_PAGE_LIMIT_MESSAGE = 'Exceeded the limit for the number of modified pages in the stable memory in a single execution: '
  + `limit ${STABLE_MEMORY_DIRTY_PAGE_LIMIT.message * KB_PER_PAGE} KB for regular messages, `
  + `${STABLE_MEMORY_DIRTY_PAGE_LIMIT.upgrade * KB_PER_PAGE} KB for upgrade messages and `
  + `${STABLE_MEMORY_DIRTY_PAGE_LIMIT.query * KB_PER_PAGE} KB for queries.`;

/** IC0524 text for too many accessed stable pages (linker.rs, `MemoryAccessLimitExceeded`). */
export const ACCESSED_PAGE_LIMIT_MESSAGE = 'Exceeded the limit for the number of accessed pages in the stable memory in a single message execution: '
  + `limit ${STABLE_MEMORY_ACCESSED_PAGE_LIMIT.message * KB_PER_PAGE} KB for regular messages and `
  + `${STABLE_MEMORY_ACCESSED_PAGE_LIMIT.query * KB_PER_PAGE} KB for queries.`;

/** Dirty and accessed page limits for the session's context, OS pages. */
export function stablePageLimits(api: SystemApi): { dirty: number; accessed: number } {
  const c = pageLimitClass(api.apiType);
  return { dirty: Number(STABLE_MEMORY_DIRTY_PAGE_LIMIT[c]), accessed: Number(STABLE_MEMORY_ACCESSED_PAGE_LIMIT[c]) };
}

function size32(api: SystemApi): number {
  const pages = api.stableMemory.sizePages;
  if (pages > MAX_32_BIT_STABLE_MEMORY_IN_PAGES) throw trapped(TrapCode.StableMemoryTooBigFor32Bit);
  return pages;
}

/** Whether growth checks the freezing threshold and takes subnet memory (`should_check…`, `should_update…`). */
/**
 * Accounts for `bytes` more memory (Wasm heap or stable) before it is grown,
 * as the replica does for both: in updates and system tasks the balance must
 * stay above the freezing threshold of the new usage (else the trap
 * `InsufficientCyclesInMemoryGrow`, IC0532); in updates, system tasks,
 * callbacks and cleanup the growth beyond the memory allocation takes subnet
 * memory. Returns false, changing nothing, when the subnet has no memory
 * left (the caller fails the grow); on success the execution's memory usage
 * grows by `bytes`.
 * @throws {HostTrap} when the canister cannot afford the new usage.
 */
export function reserveMemoryGrowth(api: SystemApi, bytes: bigint): boolean {
  const k = api.apiType.kind;
  const exec = api.exec;
  const state = api.systemState;
  const allocation = state.memoryAllocation;
  const oldAllocated = allocation > exec.memoryUsage ? allocation : exec.memoryUsage;
  const newUsage = exec.memoryUsage + bytes;
  const newAllocated = allocation > newUsage ? allocation : newUsage;
  if ((k === 'update' || k === 'systemTask') && newAllocated > oldAllocated) {
    const threshold = state.freezeThreshold(newUsage);
    if (state.balance < threshold) {
      const caller = 'caller' in api.apiType ? api.apiType.caller : undefined;
      throw new HostTrap({
        kind: 'InsufficientCyclesInMemoryGrow',
        bytes: numBytes(newAllocated - oldAllocated),
        available: cycles(state.balance),
        threshold: cycles(threshold),
        revealTopUp: caller !== undefined && state.isController(caller),
      });
    }
  }
  const takesSubnetMemory = k === 'update' || k === 'systemTask' || k === 'replyCallback' || k === 'rejectCallback' || k === 'cleanup';
  if (takesSubnetMemory && !state.allocateSubnetMemory(newAllocated - oldAllocated)) return false;
  exec.memoryUsage = newUsage;
  return true;
}

/** `try_grow_stable_memory`: the old size in pages, or -1. */
function grow(api: SystemApi, additional: bigint, api32: boolean): bigint {
  const mem = api.stableMemory;
  const current = BigInt(mem.sizePages);
  const resulting = current + additional;
  if (api32) {
    if (current > BigInt(MAX_32_BIT_STABLE_MEMORY_IN_PAGES)) throw trapped(TrapCode.StableMemoryTooBigFor32Bit);
    if (resulting > BigInt(MAX_32_BIT_STABLE_MEMORY_IN_PAGES)) return -1n;
  }
  if (resulting > BigInt(MAX_STABLE_MEMORY_PAGES)) return -1n;
  if (!reserveMemoryGrowth(api, additional * BigInt(WASM_PAGE_BYTES))) return -1n;
  mem.grow(Number(additional));
  return current;
}

function checkBounds(api: SystemApi, heapAt: number, offset: number, size: number, stableBytes: number): void {
  if (!inBounds(offset, size, stableBytes)) throw trapped(TrapCode.StableMemoryOutOfBounds);
  if (!inBounds(heapAt, size, api.heap().length)) throw trapped(TrapCode.HeapOutOfBounds);
}

function checkAccessed(api: SystemApi, offset: number, size: number): void {
  const mem = api.stableMemory;
  if (mem.accessedPageCount + mem.newAccessedPages(offset, size) > stablePageLimits(api).accessed) {
    throw new HostTrap({ kind: 'MemoryAccessLimitExceeded', message: ACCESSED_PAGE_LIMIT_MESSAGE });
  }
}

function read(api: SystemApi, dst: number, offset: number, size: number, stableBytes: number): void {
  checkBounds(api, dst, offset, size, stableBytes);
  checkAccessed(api, offset, size);
  api.stableMemory.read(offset, api.heap().subarray(dst, dst + size));
  api.heapWritten(dst, size);
}

function write(api: SystemApi, offset: number, src: number, size: number, stableBytes: number): void {
  checkBounds(api, src, offset, size, stableBytes);
  const mem = api.stableMemory;
  const fresh = mem.newDirtyPages(offset, size);
  if (mem.dirtyPageCount + fresh > stablePageLimits(api).dirty) {
    throw new HostTrap({ kind: 'MemoryAccessLimitExceeded', message: DIRTY_PAGE_LIMIT_MESSAGE });
  }
  checkAccessed(api, offset, size);
  if (fresh > 0) api.charge(BigInt(fresh) * api.dirtyPageOverhead);
  mem.write(offset, api.heap().subarray(src, src + size));
}

export function stable64Size(api: SystemApi): bigint {
  api.require('stable64_size');
  return BigInt(api.stableMemory.sizePages);
}

export function stable64Grow(api: SystemApi, additionalPages: bigint): bigint {
  api.require('stable64_grow');
  return grow(api, additionalPages, false);
}

export function stable64Read(api: SystemApi, dst: number, offset: number, size: number): void {
  api.require('stable64_read');
  read(api, dst, offset, size, api.stableMemory.sizeBytes);
}

export function stable64Write(api: SystemApi, offset: number, src: number, size: number): void {
  api.require('stable64_write');
  write(api, offset, src, size, api.stableMemory.sizeBytes);
}

export function stableSize(api: SystemApi): number {
  api.require('stable_size');
  return size32(api);
}

export function stableGrow(api: SystemApi, additionalPages: number): number {
  api.require('stable_grow');
  return Number(grow(api, BigInt(additionalPages), true));
}

export function stableRead(api: SystemApi, dst: number, offset: number, size: number): void {
  api.require('stable_read');
  read(api, dst, offset, size, size32(api) * WASM_PAGE_BYTES);
}

export function stableWrite(api: SystemApi, offset: number, src: number, size: number): void {
  api.require('stable_write');
  write(api, offset, src, size, size32(api) * WASM_PAGE_BYTES);
}
