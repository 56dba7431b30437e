// Public face of src/config: every limit and cost, with units and sources.
// Config is a table of constants, so each module's exports are public as a
// whole; add nothing here that is not a limit, a cost or a subnet setting.
export * from './limits.ts';
export * from './cost-schedule.ts';
export * from './subnet-config.ts';
export * from './ic0-imports.ts';
export * from './canister-http.ts';
