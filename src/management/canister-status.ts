/**
 * Reading a canister: `canister_status` (also as a query), `canister_info`, `canister_metadata`, `canister_metrics`.
 * (Being written.)
 */
import type { Handler } from './types.ts';

export const handlers: Readonly<Record<string, Handler>> = {};
