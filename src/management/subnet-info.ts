/**
 * About the subnet: `subnet_info`, `subnet_metrics`, `list_canisters`, `node_metrics_history`, and the bitcoin methods (served by the bitcoin canister, not here).
 * (Being written.)
 */
import type { Handler } from './types.ts';

export const handlers: Readonly<Record<string, Handler>> = {};
