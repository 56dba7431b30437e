/**
 * `fetch_canister_logs` (a query, honouring log visibility).
 * (Being written.)
 */
import type { Handler } from './types.ts';

export const handlers: Readonly<Record<string, Handler>> = {};
