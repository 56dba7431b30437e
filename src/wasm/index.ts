// Public face of src/wasm: the Wasm binary layer. Other folders import from here only.
export { decodeModule, MAX_FUNCTION_LOCALS } from './decode.ts';
export type { DecodeOptions } from './decode.ts';
export { encodeModule } from './encode.ts';
export { DecodeError } from './reader.ts';
export { decompressModule } from './gzip.ts';
export { validateModule } from './validate.ts';
export {
  instrument, InstrumentationError, INJECTED_MODULE, INJECTED_IMPORTS, EXPORTS as INSTRUMENTED_EXPORTS,
  InternalTrapCode, DIRTY_PAGE_BYTES,
} from './instrument.ts';
export type {
  InstrumentOptions, InstrumentationOutput, DataSegmentInit, ExportedMethods, PersistentGlobal,
} from './instrument.ts';
export { parseWasm, prepareModule } from './prepare.ts';
export type { ParseResult, PrepareResult } from './prepare.ts';
export { configureEngine, ENGINE_FLAGS } from './engine.ts';
export { CompileCache, moduleHash, INSTRUMENTATION_VERSION } from './compile-cache.ts';
export type { CompiledModule, CacheLookup, CompileCacheOptions } from './compile-cache.ts';
export { canisterMetadataSections } from './custom-sections.ts';
export type { CanisterMetadataSection } from './custom-sections.ts';
export { SectionId, ValType, ExternalKind } from './types.ts';
export type { WasmModule, FuncType, Import, Export, Limits, Section, CustomSection, FunctionBody } from './types.ts';
