/**
 * HTTPS outcalls: `http_request`.
 * (Being written.)
 */
import type { Handler } from './types.ts';

export const handlers: Readonly<Record<string, Handler>> = {};
