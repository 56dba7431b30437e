/**
 * The Wasm chunk store: `upload_chunk`, `clear_chunk_store`, `stored_chunks`.
 * (Being written.)
 */
import type { Handler } from './types.ts';

export const handlers: Readonly<Record<string, Handler>> = {};
