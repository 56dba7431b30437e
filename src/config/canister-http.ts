// Limits of HTTPS outcalls (`http_request`), with units and sources
// (dfinity/ic, read through the search index; the newest versions found):
// - `rs/types/types/src/canister_http.rs`: request/response bytes, URL size,
//   header limits, the 60 s consensus timeout, responses per block;
// - `rs/types/management_canister_types/src/http.rs`: the bounds on the
//   decoded `headers` (`BoundedHttpHeaders`);
// - `rs/config/src/execution_environment.rs`: contexts in flight;
// - `rs/https_outcalls/adapter/src/config.rs`: the adapter's timeouts.

/** Max bytes of a request's header names + values + body. `MAX_CANISTER_HTTP_REQUEST_BYTES`. */
export const MAX_CANISTER_HTTP_REQUEST_BYTES = 2_000_000n;
// Max (and default) `max_response_bytes`: `MAX_CANISTER_HTTP_RESPONSE_BYTES`
// in src/cycles (the fee's default response size).
/** Max URL length. UTF-8 bytes. `MAX_CANISTER_HTTP_URL_SIZE`. */
export const MAX_CANISTER_HTTP_URL_SIZE = 8192;
/** Max headers (request or response). Count. `MAX_CANISTER_HTTP_HEADER_NUM`. */
export const MAX_CANISTER_HTTP_HEADER_NUM = 64;
/** Max bytes of one header name, or of one value. `MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH`. */
export const MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH = 8 * 1024;
/** Max bytes of all header names and values. `MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE`. */
export const MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE = 48 * 1024;
/** Decoding bound on one header (name + value). Bytes. `HTTP_HEADERS_ELEMENT_MAX_SIZE` (http.rs). */
export const HTTP_HEADERS_ELEMENT_MAX_SIZE = 16 * 1024;
/** A context with no response this long after it was made is answered "timed out". Nanoseconds. `CANISTER_HTTP_TIMEOUT_INTERVAL` (60 s). */
export const CANISTER_HTTP_TIMEOUT_INTERVAL_NANOS = 60n * 1_000_000_000n;
/** Outcall responses per block (timeouts do not count). `CANISTER_HTTP_MAX_RESPONSES_PER_BLOCK`. */
export const CANISTER_HTTP_MAX_RESPONSES_PER_BLOCK = 500;
/** Open `http_request` contexts per subnet. Count. `MAX_CANISTER_HTTP_REQUESTS_IN_FLIGHT`. */
export const MAX_CANISTER_HTTP_REQUESTS_IN_FLIGHT = 3000;
/** The adapter's whole-request timeout. Milliseconds. `DEFAULT_HTTP_REQUEST_TIMEOUT_SECS` (30 s). */
export const CANISTER_HTTP_REQUEST_TIMEOUT_MS = 30_000;
/** The adapter's connect timeout. Milliseconds. `DEFAULT_HTTP_CONNECT_TIMEOUT_SECS` (2 s). */
export const CANISTER_HTTP_CONNECT_TIMEOUT_MS = 2_000;
/** The `user-agent` the adapter sends when the canister gives none. `USER_AGENT_ADAPTER`. */
export const CANISTER_HTTP_USER_AGENT = 'ic/1.0';
