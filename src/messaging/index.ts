// Public face of src/messaging: message routing for a batch (`processBatch`
// = induct → executeRound → routeOutputs), the ingress content of the HTTP
// interface (envelope, request id), induction of ingress with the replica's
// statuses, routing into local queues and XNet streams with synthetic
// rejects, the stream handler that inducts other subnets' XNet slices, and
// what routing must know of management-canister messages (effective canister id).
export { processBatch, induct, timeOutExpired } from './message-routing.ts';
export type { BatchSummary, TimeOutStats } from './message-routing.ts';
export { inductIngress, INGRESS_HISTORY_MAX_MESSAGES } from './induction.ts';
export { inductConsensusResponses } from './consensus-responses.ts';
export type { ConsensusResponseStats } from './consensus-responses.ts';
export type { InductionContext, InductionStats } from './induction.ts';
export { routeOutputs, rejectResponseFor, rejectReasonOf, rejectReasonText, rejectReasonFromError, LocalRouter } from './routing.ts';
export type { RoutingStats } from './routing.ts';
export { inductXNetSlices } from './stream-handler.ts';
export type { XNetInductionStats } from './stream-handler.ts';
export {
  requestIdOf, encodeCallEnvelope, decodeCallEnvelope, signedIngressOf, representationIndependentHash,
} from './ingress-content.ts';
export type { HttpCallContent, DecodeCallResult } from './ingress-content.ts';
export {
  IC00_METHOD_NAMES, IC00_CANISTER_ONLY_METHODS, extractEffectiveCanisterId, parseIngressErrorMessage, decodeCandid, isManagementCanister, targetCanisterOf,
} from './ic00.ts';
export type { EffectiveCanisterIdResult, ParseIngressError } from './ic00.ts';
