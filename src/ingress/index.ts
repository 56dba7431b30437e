// Public face of src/ingress: the ingress filter (expiry window, effective
// canister id, payer and its cycles, controllers of management calls,
// running receiver, `canister_inspect_message`) and the ingress history as
// users read it.
export { IngressFilter, PERMITTED_DRIFT_AT_VALIDATOR_NANOS, formatTime } from './ingress-filter.ts';
export type { IngressFilterResult, InspectMessageExecutor } from './ingress-filter.ts';
export { IngressHistoryReader, resultOf } from './ingress-history-reader.ts';
export type { IngressResult } from './ingress-history-reader.ts';
