/**
 * The JSON shapes of the operator API (`/_/api/…`): what src/dashboard's
 * views answer and what the CLI's `canisters`, `logs` and `status` commands
 * read (as types only: the CLI is a client of the API, not of the server's
 * code). Every number that can exceed 2^53 is a decimal string.
 */

/** A row of `GET /_/api/canisters`. */
export interface CanisterSummary {
  readonly id: string;
  readonly status: 'running' | 'stopping' | 'stopped';
  readonly cycles: string;
  readonly memoryBytes: string;
  readonly moduleHash: string | null;
  readonly controllers: readonly string[];
}

/** `GET /_/api/canisters`, in canister-id order. */
export interface CanisterList {
  readonly height: string;
  readonly canisters: readonly CanisterSummary[];
}

/** The settings of `GET /_/api/canisters/<id>` (canister_status's, as numbers in strings). */
export interface CanisterSettingsView {
  readonly computeAllocation: string;
  readonly memoryAllocation: string;
  readonly freezingThreshold: string;
  readonly reservedCyclesLimit: string;
  readonly wasmMemoryLimit: string;
  readonly logVisibility: string;
}

/** A record of `GET /_/api/canisters/<id>/logs`: content as UTF-8. */
export interface LogRecordView {
  readonly idx: string;
  readonly timestampNanos: string;
  readonly content: string;
}

/** `GET /_/api/canisters/<id>/logs?limit=N`: the newest N records, oldest first. */
export interface LogRecords {
  readonly records: readonly LogRecordView[];
}

/** `GET /_/api/status`: the subnet at a glance. */
export interface StatusView {
  readonly height: string;
  readonly subnetId: string;
  readonly rootKey: string;
  readonly canisters: number;
  readonly uptimeMs: number;
  readonly roundsPerSecond: number;
  readonly instructionsPerRound: string;
  readonly ingressPool: number;
  readonly dataDir: string | null;
}
