// Every limit ic-exec enforces, with its unit and where the IC defines it.
// Sizes and amounts are bigints; small counts (≤ 2^31) are numbers.
//
// Sources (dfinity/ic unless stated), read through the search index; the
// newest version found of each file was used:
// - `rs/config/src/embedders.rs` (002d5530): Wasm validation and stable-memory page limits.
// - `rs/config/src/execution_environment.rs` (2026 version with env vars,
//   Dogecoin canisters and log memory store): subnet capacities, callbacks,
//   query limits, settings defaults.
// - `rs/embedders/src/wasm_utils/validation.rs`, `…/wasmtime_embedder.rs`,
//   `…/system_api.rs` (2026): per-function limits, tables, reply sizes, env-var names.
// - `rs/types/types/src/messages.rs`, `rs/replicated_state/…/queues.rs`: payload and queue sizes.
// - interface spec v0.66 / resource-limits.md where the replica has no constant.
import type { Cycles, NumBytes, NumInstructions, NumOsPages } from '../types/index.ts';
import { cycles, numBytes, numInstructions, numOsPages } from '../types/index.ts';

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;
const TiB = 1024n * GiB;
const OS_PAGE = 4096n;
const SECOND_NANOS = 1_000_000_000n;

// ---- Wasm module validation (embedders.rs, validation.rs) ----

/** Max functions (imported + defined) in a module. Count. `MAX_FUNCTIONS`, embedders.rs. */
export const MAX_FUNCTIONS = 50_000;
/** Max globals in a module. Count. `MAX_GLOBALS`, embedders.rs. */
export const MAX_GLOBALS = 1_000;
/** Max `canister_update|query|composite_query <name>` exports. Count. `MAX_NUMBER_EXPORTED_FUNCTIONS`, embedders.rs. */
export const MAX_NUMBER_EXPORTED_FUNCTIONS = 1_000;
/** Max total length of those `<name>`s. Bytes (count). `MAX_SUM_EXPORTED_FUNCTION_NAME_LENGTHS`, embedders.rs. */
export const MAX_SUM_EXPORTED_FUNCTION_NAME_LENGTHS = 20_000;
/** Max `icp:public`/`icp:private` custom sections. Count. `MAX_CUSTOM_SECTIONS`, embedders.rs. */
export const MAX_CUSTOM_SECTIONS = 16;
/** Max total size of those sections (names + contents). Bytes. `MAX_CUSTOM_SECTIONS_SIZE`, embedders.rs. */
export const MAX_CUSTOM_SECTIONS_SIZE: NumBytes = numBytes(1n * MiB);
/** Max code-section size. Bytes. `MAX_CODE_SECTION_SIZE_IN_BYTES`, validation.rs. */
export const MAX_CODE_SECTION_SIZE_IN_BYTES: NumBytes = numBytes(10n * MiB);
/** Max instructions in one function body. Count. `WASM_FUNCTION_SIZE_LIMIT`, validation.rs. */
export const WASM_FUNCTION_SIZE_LIMIT = 1_000_000;
/** Max weighted complexity of one function. Count. `WASM_FUNCTION_COMPLEXITY_LIMIT`, validation.rs (was 15,000 in 2021). */
export const WASM_FUNCTION_COMPLEXITY_LIMIT = 1_000_000;
/** Max uncompressed module size; also the Wasm chunk store size. Bytes. `WASM_MAX_SIZE`, embedders.rs. */
export const WASM_MAX_SIZE: NumBytes = numBytes(100n * MiB);
/** Max tables per instance. Count. `MAX_STORE_TABLES`, wasmtime_embedder.rs. */
export const MAX_STORE_TABLES = 1;
/** Max elements per table. Count. `MAX_STORE_TABLE_ELEMENTS`, wasmtime_embedder.rs. */
export const MAX_STORE_TABLE_ELEMENTS = 1_000_000;
/** Max size of one chunk in the Wasm chunk store. Bytes. Interface spec, `upload_chunk`. */
export const MAX_CHUNK_SIZE: NumBytes = numBytes(1n * MiB);

// ---- Memory (types/lib.rs, embedders.rs, execution_environment.rs) ----

/** Max Wasm32 heap. Bytes (65,536 pages). `MAX_WASM_MEMORY_IN_BYTES`. */
export const MAX_WASM_MEMORY_IN_BYTES: NumBytes = numBytes(4n * GiB);
/** Max Wasm64 heap. Bytes. `MAX_WASM64_MEMORY_IN_BYTES` (6 GiB per resource-limits.md; constant not read at tip). */
export const MAX_WASM64_MEMORY_IN_BYTES: NumBytes = numBytes(6n * GiB);
/** Max stable memory. Bytes. `MAX_STABLE_MEMORY_IN_BYTES` (history: 8 → 48 → 96 → 400 → 500 GiB). */
export const MAX_STABLE_MEMORY_IN_BYTES: NumBytes = numBytes(500n * GiB);
/** The 32-bit stable API's limit. Wasm pages (4 GiB). `MAX_32_BIT_STABLE_MEMORY_IN_PAGES`, system_api.rs. */
export const MAX_32_BIT_STABLE_MEMORY_IN_PAGES = 65_536;
/** Default `wasm_memory_limit` for new canisters. Bytes. `DEFAULT_WASM_MEMORY_LIMIT`, execution_environment.rs. */
export const DEFAULT_WASM_MEMORY_LIMIT: NumBytes = numBytes(3n * GiB);
/** Upper bound of the `wasm_memory_limit` and `wasm_memory_threshold` settings. Bytes (2^48). Interface spec. */
export const MAX_WASM_MEMORY_LIMIT_SETTING: NumBytes = numBytes(1n << 48n);

/** Stable-memory page limits for one execution, by message class. OS pages (4 KiB). */
export interface StableMemoryPageLimit {
  /** Update, heartbeat, timer, callback. */
  readonly message: NumOsPages;
  /** install_code and upgrades. */
  readonly upgrade: NumOsPages;
  /** Queries (replicated, non-replicated, composite). */
  readonly query: NumOsPages;
}
/** Dirty stable-memory pages one execution may produce: 2 / 8 / 1 GiB. `STABLE_MEMORY_DIRTY_PAGE_LIMIT_*`, embedders.rs. */
export const STABLE_MEMORY_DIRTY_PAGE_LIMIT: StableMemoryPageLimit = Object.freeze({
  message: numOsPages((2n * GiB) / OS_PAGE),
  upgrade: numOsPages((8n * GiB) / OS_PAGE),
  query: numOsPages((1n * GiB) / OS_PAGE),
});
/** Stable-memory pages one execution may access: 2 / 8 / 1 GiB. `STABLE_MEMORY_ACCESSED_PAGE_LIMIT_*`, embedders.rs. */
export const STABLE_MEMORY_ACCESSED_PAGE_LIMIT: StableMemoryPageLimit = Object.freeze({
  message: numOsPages((2n * GiB) / OS_PAGE),
  upgrade: numOsPages((8n * GiB) / OS_PAGE),
  query: numOsPages((1n * GiB) / OS_PAGE),
});
/** Dirty pages a message may produce before copying them takes its own slice. OS pages (1 GiB). `DEFAULT_MAX_DIRTY_PAGES_WITHOUT_OPTIMIZATION`. */
export const MAX_DIRTY_PAGES_WITHOUT_OPTIMIZATION: NumOsPages = numOsPages((1n * GiB) / OS_PAGE);

// ---- Messages (messages.rs, system_api.rs, queues.rs, spec) ----

/** Max inter-canister request or response payload across subnets. Bytes. `MAX_INTER_CANISTER_PAYLOAD_IN_BYTES`. */
export const MAX_INTER_CANISTER_PAYLOAD_IN_BYTES: NumBytes = numBytes(2n * MiB);
/** Factor allowing larger requests within one subnet. `MULTIPLIER_MAX_SIZE_LOCAL_SUBNET`, system_api.rs. */
export const MULTIPLIER_MAX_SIZE_LOCAL_SUBNET = 5n;
/** Max same-subnet request (method name + argument). Bytes (10 MiB). */
export const MAX_LOCAL_SUBNET_REQUEST_BYTES: NumBytes = numBytes(2n * MiB * 5n);
/** Max ingress message size. Bytes. Registry `max_ingress_bytes_per_message` default; resource-limits.md. */
export const MAX_INGRESS_BYTES_PER_MESSAGE: NumBytes = numBytes(2n * MiB);
/** Max reply in replicated executions (U, RQ, callbacks). Bytes. `max_reply_size`, system_api.rs. */
export const MAX_REPLY_SIZE_REPLICATED: NumBytes = numBytes(2n * MiB);
/** Max reply of a query call (NRQ, CQ). Bytes. `MAX_NON_REPLICATED_QUERY_REPLY_SIZE`, system_api.rs. */
export const MAX_NON_REPLICATED_QUERY_REPLY_SIZE: NumBytes = numBytes(3n * MiB);
/** Max method-name length in `ic0.call_new`. Bytes (count). request_in_prep.rs. */
export const MAX_CALL_METHOD_NAME_LENGTH = 20_000;
/** Max certified data. Bytes (count). `CERTIFIED_DATA_MAX_LENGTH`, system_api.rs. */
export const CERTIFIED_DATA_MAX_LENGTH = 32;
/** Max bounded-wait call timeout. Seconds (count). `MAX_CALL_TIMEOUT_SECONDS`, system_api.rs. */
export const MAX_CALL_TIMEOUT_SECONDS = 300;
/** Messages a canister-to-canister queue holds. Count. `DEFAULT_QUEUE_CAPACITY`, canister_queues. */
export const DEFAULT_QUEUE_CAPACITY = 500;
/** How far ahead an ingress expiry may be. Nanoseconds (5 min). Interface spec, `ingress_expiry`. */
export const MAX_INGRESS_TTL_NANOS = 5n * 60n * SECOND_NANOS;
/** Max ingress nonce length. Bytes (count). Interface spec. */
export const MAX_INGRESS_NONCE_LENGTH = 32;
/** Callbacks guaranteed to each canister. Count. `CANISTER_GUARANTEED_CALLBACK_QUOTA`. */
export const CANISTER_GUARANTEED_CALLBACK_QUOTA = 50;
/** Subnet-wide soft limit on callbacks. Count. `SUBNET_CALLBACK_SOFT_LIMIT`. */
export const SUBNET_CALLBACK_SOFT_LIMIT = 1_000_000;

// ---- Canister settings and management (execution_environment.rs, spec) ----

/** Max controllers. Count. `MAX_ALLOWED_CONTROLLERS_COUNT`. */
export const MAX_CONTROLLERS = 10;
/** Max `allowed_viewers` of a log, snapshot or status visibility. Count. `MAX_ALLOWED_LOG_VIEWERS_COUNT`. */
export const MAX_ALLOWED_VIEWERS = 10;
/** `log_memory_limit` bounds: a non-zero limit at least 4 KiB (one ring-buffer page), at most 2 MiB; default 4 KiB. `MIN/MAX/DEFAULT_AGGREGATE_LOG_MEMORY_LIMIT`. */
export const MIN_LOG_MEMORY_LIMIT: NumBytes = numBytes(4n * KiB);
export const MAX_LOG_MEMORY_LIMIT: NumBytes = numBytes(2n * MiB);
/** Max snapshots per canister. Count. `MAX_NUMBER_OF_SNAPSHOTS_PER_CANISTER`. */
export const MAX_NUMBER_OF_SNAPSHOTS_PER_CANISTER = 10;
/** Max environment variables per canister. Count. `MAX_ENVIRONMENT_VARIABLES`. */
export const MAX_ENVIRONMENT_VARIABLES = 20;
/** Max environment-variable name length in settings. Bytes (count). `MAX_ENVIRONMENT_VARIABLE_NAME_LENGTH`. */
export const MAX_ENVIRONMENT_VARIABLE_NAME_LENGTH = 128;
/** Max environment-variable value length in settings. Bytes (count). `MAX_ENVIRONMENT_VARIABLE_VALUE_LENGTH`. */
export const MAX_ENVIRONMENT_VARIABLE_VALUE_LENGTH = 128;
/** Max name length accepted by the `ic0.env_var_*` lookups. Bytes (count). `MAX_ENV_VAR_NAME_SIZE`, system_api.rs. */
export const MAX_ENV_VAR_NAME_SIZE = 100;
/** Max compute allocation. Percent (count). Interface spec. */
export const MAX_COMPUTE_ALLOCATION_PERCENT = 100;
/** Share of subnet compute that may be allocated. Percent (count). `allocatable_compute_capacity_in_percent`. */
export const ALLOCATABLE_COMPUTE_CAPACITY_PERCENT = 50;
/** Default freezing threshold. Seconds (30 days). `default_freeze_threshold`. */
export const DEFAULT_FREEZE_THRESHOLD_SECONDS = 30n * 24n * 60n * 60n;
/** Default balance of `provisional_create_canister_with_cycles`. Cycles (100 T). `default_provisional_cycles_balance`. */
export const DEFAULT_PROVISIONAL_CYCLES_BALANCE: Cycles = cycles(100_000_000_000_000n);
/** Canister log buffer. Bytes. `MAX_ALLOWED_CANISTER_LOG_BUFFER_SIZE`. */
export const MAX_CANISTER_LOG_BUFFER_SIZE: NumBytes = numBytes(4n * KiB);
/** Longest `debug_print`/`trap` message kept. Bytes. system_api.rs (per system_api.md §1.3). */
export const MAX_DEBUG_PRINT_AND_TRAP_MESSAGE_SIZE: NumBytes = numBytes(32n * KiB);
/** How long `stop_canister` waits before IC0206. Nanoseconds (5 min). `STOP_CANISTER_TIMEOUT_DURATION`. */
export const STOP_CANISTER_TIMEOUT_NANOS = 5n * 60n * SECOND_NANOS;

// ---- Queries (execution_environment.rs) ----

/** Instructions for `canister_inspect_message`. `MAX_INSTRUCTIONS_FOR_MESSAGE_ACCEPTANCE_CALLS`. */
export const MAX_INSTRUCTIONS_FOR_MESSAGE_ACCEPTANCE_CALLS: NumInstructions = numInstructions(200_000_000n);
/** Max depth of a composite-query call graph. Count. `MAX_QUERY_CALL_DEPTH`. */
export const MAX_QUERY_CALL_DEPTH = 6;
/** Instructions for a whole composite-query call graph. `MAX_INSTRUCTIONS_PER_COMPOSITE_QUERY_CALL`. */
export const MAX_INSTRUCTIONS_PER_COMPOSITE_QUERY_CALL: NumInstructions = numInstructions(5_000_000_000n);
/** Wall time of a composite query (non-replicated only). Nanoseconds (10 s). `MAX_TIME_PER_COMPOSITE_QUERY_CALL`. */
export const MAX_TIME_PER_COMPOSITE_QUERY_CALL_NANOS = 10n * SECOND_NANOS;
/** Instructions charged per call inside a composite query. `INSTRUCTION_OVERHEAD_PER_QUERY_CALL`. */
export const INSTRUCTION_OVERHEAD_PER_QUERY_CALL: NumInstructions = numInstructions(50_000_000n);
/** Query cache capacity. Bytes. `QUERY_CACHE_CAPACITY`. */
export const QUERY_CACHE_CAPACITY: NumBytes = numBytes(200n * MiB);
/** Max age of a query-cache entry. Nanoseconds (600 s). `QUERY_CACHE_MAX_EXPIRY_TIME`. */
export const QUERY_CACHE_MAX_EXPIRY_NANOS = 600n * SECOND_NANOS;
/** Max age of a cached reply that used a data certificate. Nanoseconds (60 s). `QUERY_CACHE_DATA_CERTIFICATE_EXPIRY_TIME`. */
export const QUERY_CACHE_DATA_CERTIFICATE_EXPIRY_NANOS = 60n * SECOND_NANOS;

// ---- Subnet (execution_environment.rs) ----

/** Logical storage for all canisters on a subnet. Bytes (2 TiB). `SUBNET_MEMORY_CAPACITY`. */
export const SUBNET_MEMORY_CAPACITY: NumBytes = numBytes(2n * TiB);
/** Usage above which storage reservation starts. Bytes (750 GiB). `SUBNET_MEMORY_THRESHOLD`. */
export const SUBNET_MEMORY_THRESHOLD: NumBytes = numBytes(750n * GiB);
/** Memory for guaranteed-response messages. Bytes. `SUBNET_GUARANTEED_RESPONSE_MESSAGE_MEMORY_CAPACITY`. */
export const SUBNET_GUARANTEED_RESPONSE_MESSAGE_MEMORY_CAPACITY: NumBytes = numBytes(15n * GiB);
/** Memory for best-effort messages. Bytes. `SUBNET_BEST_EFFORT_MESSAGE_MEMORY_CAPACITY`. */
export const SUBNET_BEST_EFFORT_MESSAGE_MEMORY_CAPACITY: NumBytes = numBytes(5n * GiB);
/** Memory for the ingress history. Bytes. `INGRESS_HISTORY_MEMORY_CAPACITY`. */
export const INGRESS_HISTORY_MEMORY_CAPACITY: NumBytes = numBytes(4n * GiB);
/** Memory for Wasm custom sections subnet-wide. Bytes. `SUBNET_WASM_CUSTOM_SECTIONS_MEMORY_CAPACITY`. */
export const SUBNET_WASM_CUSTOM_SECTIONS_MEMORY_CAPACITY: NumBytes = numBytes(2n * GiB);
/** Heap delta all canisters may produce between checkpoints. Bytes. `SUBNET_HEAP_DELTA_CAPACITY`. */
export const SUBNET_HEAP_DELTA_CAPACITY: NumBytes = numBytes(140n * GiB);
/** Memory reserved for response callbacks: 2.5 GiB per execution thread × 4. Bytes. `SUBNET_MEMORY_RESERVATION`. */
export const SUBNET_MEMORY_RESERVATION: NumBytes = numBytes(2560n * MiB * 4n);
/** Canisters per subnet when the registry sets no limit. Count. `DEFAULT_MAX_NUMBER_OF_CANISTERS` (2026 excerpt). */
export const DEFAULT_MAX_NUMBER_OF_CANISTERS = 120_000;
/** Wasm compilation cache. Bytes. `MAX_COMPILATION_CACHE_SIZE`. */
export const MAX_COMPILATION_CACHE_SIZE: NumBytes = numBytes(10n * GiB);
/** Safety cap on DTS slices of one message. Count. `MAX_NUM_SLICES`, rs/canister_sandbox/src/dts.rs. */
export const MAX_NUM_SLICES = 400;

// ---- XNet streams (stream_builder.rs, ic_limits, xnet payload builder) ----

/** Messages are routed into a stream until its messages reach this size. Bytes (10 MiB). `TARGET_STREAM_SIZE_BYTES`. */
export const TARGET_STREAM_SIZE_BYTES = 10 * 1024 * 1024;
/** Messages a stream holds at most. Count. `MAX_STREAM_MESSAGES`. */
export const MAX_STREAM_MESSAGES = 10_000;
/**
 * Outgoing-stream message count of a system subnet above which it inducts
 * no more messages from that remote subnet; streams to system subnets hold
 * at most twice this. Count. `SYSTEM_SUBNET_STREAM_MSG_LIMIT`.
 */
export const SYSTEM_SUBNET_STREAM_MSG_LIMIT = 100;
/** XNet payload of one batch, all slices together (the first message of a slice always fits). Bytes (ic-exec's choice: the IC's 4 MiB block payload). */
export const MAX_XNET_PAYLOAD_BYTES = 4 * 1024 * 1024;
