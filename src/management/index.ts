// Public face of src/management: the management canister `aaaaa-aa`.
//
//   const management = new ManagementCanister({ execution, cycles, ownSubnetId, subnetType, subnetSize, schedulerCores });
//   // the scheduler runs subnet messages through it (`SubnetMessageExecutor`)
//
// The Candid types are exported for clients (the in-process library encodes its calls with them).
export { ManagementCanister } from './management-canister.ts';
export { answerManagementCall } from './answer.ts';
export type { ManagementAnswer } from './answer.ts';
export { notController, canisterNotFound } from './errors.ts';
export type { Handler, ManagementCall, ManagementContext, ManagementEnvironment, ManagementOutcome } from './types.ts';
export * as candid from './candid.ts';
export { InstallCodeArgs } from './install-code.ts';
export { ManagementQueries } from './queries.ts';
export type { ManagementQuery, ManagementQueryEnvironment, ManagementQueryResult } from './queries.ts';
export { statusAccessError, moduleHashOf } from './read-access.ts';
export { canisterMemorySize, definiteSettings } from './canister-status.ts';
export { maySeeSnapshots } from './snapshot-access.ts';
export { CreateCanisterArgs, CreateCanisterResult, ProvisionalCreateCanisterArgs, ProvisionalTopUpArgs } from './create-canister.ts';
export { UpdateSettingsArgs } from './update-settings.ts';
export { ThresholdKeys, POCKET_IC_SEED, thresholdKeysForSeed } from './threshold/keys.ts';
export type { ChainKeyInfo } from './threshold/keys.ts';
