/**
 * Canister lifecycle: `start_canister`, `stop_canister` (deferred until no open call contexts remain), `delete_canister`, `deposit_cycles`.
 * (Being written.)
 */
import type { Handler } from './types.ts';

export const handlers: Readonly<Record<string, Handler>> = {};
