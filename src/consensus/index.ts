// Public face of src/consensus: batches, the `BatchSource` interface that
// execution consumes, the random tape, and the local block maker. A
// distributed engine replaces `LocalBlockMaker` by another `BatchSource`.
export { MESSAGE_ID_BYTES, RANDOMNESS_BYTES, ingressPayloadBytes, batchProblem } from './batch.ts';
export type { Batch, BatchPosition, BatchSummary, ConsensusResponse, SignedIngress, XNetSlice } from './batch.ts';
export type { BatchSource } from './batch-source.ts';
export { RANDOM_TAPE_DOMAIN, RandomTape, randomTapeMessage } from './random-tape.ts';
export {
  MAX_INGRESS_MESSAGES_PER_BATCH,
  MAX_INGRESS_BYTES_PER_BATCH,
  DEFAULT_MAX_POOL_MESSAGES,
  DEFAULT_MAX_POOL_BYTES,
  DEFAULT_CHECKPOINT_INTERVAL,
  LocalBlockMaker,
} from './local-block-maker.ts';
export type {
  CanisterHttpPayloadBuilder,
  XNetPayloadBuilder,
  LocalBlockMakerOptions,
  MakeBatchOptions,
  SubmitRefusal,
  SubmitResult,
} from './local-block-maker.ts';
