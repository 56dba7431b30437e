/**
 * `update_settings` (controllers only): validated settings applied at the commit point.
 * (Being written.)
 */
import type { Handler } from './types.ts';

export const handlers: Readonly<Record<string, Handler>> = {};
