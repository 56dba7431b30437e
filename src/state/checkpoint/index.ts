// The checkpoint codec (src/state/checkpoint): an exact, versioned binary
// encoding of the whole replicated state (`encodeState` / `decodeState`),
// with memories, modules and chunks as content-addressed objects in a store
// the caller provides (`PageSink` to write, `PageSource` to read; see
// objects.ts for the keys and page-tree.ts for memories).
export { encodeState, decodeState, CHECKPOINT_VERSION } from './state.ts';
export type { EncodeStateResult, DecodeStateResult } from './state.ts';
export { OBJECT_KIND, OBJECT_KEY_BYTES, objectKey, objectReferences, objectMatchesKey, compilerOf } from './objects.ts';
export type { PageSink, PageSource, ModuleCompiler } from './objects.ts';
