// Public face of src/http-outcalls: HTTPS outcalls outside execution — the
// Candid of `http_request` and its limits (shared with the management
// canister's handler), the adapter a host swaps (`NodeHttpAdapter` for the network,
// `ManualHttpAdapter` for tests and PocketIC's mocking) and the pool that
// sends the state's outcall contexts to it, runs the transforms and hands
// the answers to the block maker (`CanisterHttpPool`, a
// `CanisterHttpPayloadBuilder`).
//
//   const pool = new CanisterHttpPool({ adapter: new ManualHttpAdapter(), transform: runQuery });
//   new LocalBlockMaker({ key, clock, canisterHttp: pool });
//   // each round: await pool.prepare(); makeBatch(); processBatch(); pool.sync(committed)
export { headerBytes, responseSizeProblem, sysFatal } from './adapter.ts';
export type {
  CanisterHttpAdapter, CanisterHttpAdapterReject, CanisterHttpAdapterRequest, CanisterHttpAdapterResponse, CanisterHttpAdapterResult,
} from './adapter.ts';
export { ManualHttpAdapter } from './manual-adapter.ts';
export type { MockHttpOutcallAnswer } from './manual-adapter.ts';
export { NodeHttpAdapter } from './node-adapter.ts';
export type { NodeHttpAdapterOptions } from './node-adapter.ts';
export { CanisterHttpPool, adapterRequestOf } from './pool.ts';
export type { CanisterHttpPoolOptions, TransformResult, TransformRunner } from './pool.ts';
export {
  HttpHeader, HttpMethodVariant, HttpRequestArgs, HttpRequestResult, TransformArgs, encodeHttpRequestResult, encodeTransformArgs,
} from './candid.ts';
export type { HttpHeaderValue, HttpRequestArgsValue, HttpRequestResultValue } from './candid.ts';
export {
  NON_REPLICATED_MODE_REQUIRED, boundedHeadersProblem, effectiveMaxResponseBytes, transformPrincipalError, utf8Length,
  validateHttpHeadersAndBody, validateMaxResponseBytes, validateUrlLength, variablePartsSize,
} from './validation.ts';
