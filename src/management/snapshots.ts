/**
 * Canister snapshots: take, load, list, delete; read and upload snapshot metadata and data.
 * (Being written.)
 */
import type { Handler } from './types.ts';

export const handlers: Readonly<Record<string, Handler>> = {};
