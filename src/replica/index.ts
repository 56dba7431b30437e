// Public face of src/replica: the in-process library (`Replica`) and the
// Candid encodings of the management calls it makes.
export { Replica, DEFAULT_START_TIME } from './replica.ts';
export type { ReplicaOptions, CallResult } from './replica.ts';
export type { SystemCanistersOptions } from './system-canisters.ts';
export { EMPTY_CANDID, encodeProvisionalCreateArgs, decodeCreateResult, encodeInstallCodeArgs, encodeTopUpArgs } from './ic00-candid.ts';
export type { CanisterSettingsArgs, InstallMode, InstallCodeArgs, ProvisionalCreateCanisterArgs } from './ic00-candid.ts';
export { replayDataDir } from './replay.ts';
export type { ReplayDataDirOptions, ReplayDataDirResult, ReplayReport } from './replay.ts';
