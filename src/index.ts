// The package's public API (`import { … } from 'ic-exec'`): the in-process
// library and the few types a developer needs with it. Internals are not
// re-exported; add an export only with a reason.
export { Replica, DEFAULT_START_TIME } from './replica/index.ts';
export type { ReplicaOptions, CallResult, CanisterSettingsArgs, InstallMode } from './replica/index.ts';
// Where a replica keeps its state (`Replica.create({ dataDir } | { store })`) and the error of a replica whose store failed.
export { LmdbStore, MemoryStore, ReplicaStoppedError } from './state-manager/index.ts';
export type { DurabilityOptions, RecoveryReport, Store } from './state-manager/index.ts';
// Several subnets exchanging XNet streams (cross-subnet calls in tests; PocketIC's multi-subnet instances).
export { Network, Subnet } from './network/index.ts';
export type { NetworkOptions, NetworkSubnetConfig } from './network/index.ts';
export { CanisterId, PrincipalId, SubnetId } from './types/index.ts';
export { ErrorCode, RejectCode, UserErrorException, formatUserError } from './errors/index.ts';
export type { UserError } from './errors/index.ts';
export { ManualClock, SystemClock } from './env/index.ts';
export type { Clock } from './env/index.ts';
// HTTPS outcalls: the real adapter (`Replica.create({ httpOutcalls: new NodeHttpAdapter() })`) and the types of the mock API.
export { NodeHttpAdapter, ManualHttpAdapter } from './http-outcalls/index.ts';
export type {
  CanisterHttpAdapter, CanisterHttpAdapterRequest, CanisterHttpAdapterResult, MockHttpOutcallAnswer, NodeHttpAdapterOptions,
} from './http-outcalls/index.ts';
