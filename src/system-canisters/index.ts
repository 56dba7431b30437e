// Public face of src/system-canisters: the cycles ledger and the cycles
// minting canister a local replica hosts at their real ids (Motoko sources
// here, compiled and cached by compile.ts), their ids, ranges and init
// arguments.
export { systemCanisterWasm, cachePath, SYSTEM_CANISTER_NAMES, SYSTEM_CANISTER_CACHE_DIR } from './compile.ts';
export type { SystemCanisterName } from './compile.ts';
export { mocToolVersions, runMocWorker } from './moc-process.ts';
export {
  CYCLES_LEDGER_ID, CYCLES_MINTING_CANISTER_ID, NNS_ROOT_ID, ANONYMOUS_CYCLES, FUNDED_CYCLES, OPERATING_CYCLES,
  SYSTEM_ROUTING_RANGES, SYSTEM_ALLOCATION_RANGES, initialBalances, encodeLedgerInit, encodeLedgerUpgrade, encodeCmcInit,
} from './system-canisters.ts';
