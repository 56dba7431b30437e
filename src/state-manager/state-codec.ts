/**
 * The checkpoint codec of src/state/checkpoint as the {@link CheckpointCodec}
 * the state manager drives (checkpoint-codec.ts says what each function does).
 */
import { decodeState, encodeState, objectMatchesKey, objectReferences } from '../state/index.ts';
import type { CheckpointCodec } from './checkpoint-codec.ts';

/** The state's checkpoint codec. */
export const STATE_CODEC: CheckpointCodec = Object.freeze({ encodeState, decodeState, objectReferences, objectMatchesKey });
