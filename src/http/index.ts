// Public face of src/http: the IC HTTP interface of a replica (issue 7) —
// the server (`IcHttpServer`: status, call v2/v3/v4, query, read_state for
// canisters and subnets), its round loop, the node key that signs query
// responses, the admission of calls (rates, pool bounds), and request
// authentication (`auth/`, re-exported).
export { IcHttpServer, dispatch } from './server.ts';
export type { ServeOptions, RequestParts } from './server.ts';
export type { HttpReplica } from './context.ts';
export { NodeSigner, queryResponseHash } from './node-key.ts';
export type { NodeSignature, QueryAnswer } from './node-key.ts';
export { IngressAdmission, DEFAULT_ADMISSION_LIMITS } from './admission.ts';
export type { AdmissionLimits } from './admission.ts';
export { RoundLoop, isTerminal } from './round-loop.ts';
export type { RoundLoopOptions } from './round-loop.ts';
export { parseRoute } from './routes.ts';
export type { Route, Target, ApiVersion, Endpoint } from './routes.ts';
export { IMPL_VERSION } from './status.ts';
export * from './auth/index.ts';
