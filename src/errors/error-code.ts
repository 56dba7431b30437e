// The IC's user-facing error codes and reject codes.
//
// Source: `dfinity/ic` `rs/types/error_types/src/lib.rs` (`ErrorCode`,
// `RejectCode`; the version with `CanisterSnapshotImmutable = 409` and the
// 6xx codes, 2025–26) and its mirror in `packages/pocket-ic/src/lib.rs`.
// The replica's `compatibility_for_error_code` test pins the same list.
//
// The first digit of an error code is its reject code (HTTP-like convention;
// `From<ErrorCode> for RejectCode` in the replica agrees for every code).
// Retired numbers are never reused: each keeps a tombstone comment below.

/** Reject codes, as `ic0.msg_reject_code` and reject responses carry them. */
export const RejectCode = {
  SysFatal: 1,
  SysTransient: 2,
  DestinationInvalid: 3,
  CanisterReject: 4,
  CanisterError: 5,
  /** Bounded-wait calls only: timed out or dropped, outcome unknown. */
  SysUnknown: 6,
} as const;
/** One of the six reject codes. */
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/** Error codes of the current replica, shown as `IC0503` etc. */
export const ErrorCode = {
  // 1xx — SysFatal
  SubnetOversubscribed: 101,
  MaxNumberOfCanistersReached: 102,
  // 2xx — SysTransient
  /** Was `CanisterOutputQueueFull` until 2022 (same number). */
  CanisterQueueFull: 201,
  IngressMessageTimeout: 202,
  CanisterQueueNotEmpty: 203,
  IngressHistoryFull: 204,
  CanisterIdAlreadyExists: 205,
  StopCanisterRequestTimeout: 206,
  CanisterOutOfCycles: 207,
  CertifiedStateUnavailable: 208,
  CanisterInstallCodeRateLimited: 209,
  CanisterHeapDeltaRateLimited: 210,
  // 3xx — DestinationInvalid
  CanisterNotFound: 301,
  // 302 retired: CanisterMethodNotFound, now 536.
  // 303 retired: CanisterAlreadyInstalled, now 538.
  // 304 retired: CanisterWasmModuleNotFound, now 537.
  /** 305 meant `CanisterEmpty` in 2021 replicas. */
  CanisterSnapshotNotFound: 305,
  // 4xx — CanisterReject
  // 401 retired: InsufficientTransferFunds (2021).
  InsufficientMemoryAllocation: 402,
  InsufficientCyclesForCreateCanister: 403,
  SubnetNotFound: 404,
  CanisterNotHostedBySubnet: 405,
  CanisterRejectedMessage: 406,
  UnknownManagementMessage: 407,
  InvalidManagementPayload: 408,
  CanisterSnapshotImmutable: 409,
  InvalidSubnetAdmin: 410,
  // 5xx — CanisterError
  // 501 retired: CanisterOutOfCycles, now 207.
  CanisterTrapped: 502,
  CanisterCalledTrap: 503,
  CanisterContractViolation: 504,
  CanisterInvalidWasm: 505,
  CanisterDidNotReply: 506,
  CanisterOutOfMemory: 507,
  CanisterStopped: 508,
  CanisterStopping: 509,
  CanisterNotStopped: 510,
  CanisterStoppingCancelled: 511,
  CanisterInvalidController: 512,
  CanisterFunctionNotFound: 513,
  CanisterNonEmpty: 514,
  // 515 retired: CertifiedStateUnavailable, now 208.
  // 516 retired: CanisterRejectedMessage, now 406.
  QueryCallGraphLoopDetected: 517,
  // 518 retired: UnknownManagementMessage, now 407.
  // 519 retired: InvalidManagementPayload, now 408.
  InsufficientCyclesInCall: 520,
  CanisterWasmEngineError: 521,
  CanisterInstructionLimitExceeded: 522,
  // 523 retired: CanisterInstallCodeRateLimited, now 209.
  CanisterMemoryAccessLimitExceeded: 524,
  QueryCallGraphTooDeep: 525,
  QueryCallGraphTotalInstructionLimitExceeded: 526,
  CompositeQueryCalledInReplicatedMode: 527,
  QueryTimeLimitExceeded: 528,
  QueryCallGraphInternal: 529,
  InsufficientCyclesInComputeAllocation: 530,
  InsufficientCyclesInMemoryAllocation: 531,
  InsufficientCyclesInMemoryGrow: 532,
  ReservedCyclesLimitExceededInMemoryAllocation: 533,
  ReservedCyclesLimitExceededInMemoryGrow: 534,
  InsufficientCyclesInMessageMemoryGrow: 535,
  CanisterMethodNotFound: 536,
  CanisterWasmModuleNotFound: 537,
  CanisterAlreadyInstalled: 538,
  CanisterWasmMemoryLimitExceeded: 539,
  ReservedCyclesLimitIsTooLow: 540,
  CanisterInvalidControllerOrSubnetAdmin: 541,
  /** `canister_status` denied by the canister's `status_visibility`. */
  CanisterStatusAccessDenied: 542,
  // 6xx — SysUnknown
  DeadlineExpired: 601,
  ResponseDropped: 602,
} as const;
/** One of the current error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
/** The replica's name of an error code, e.g. `'CanisterCalledTrap'`. */
export type ErrorCodeName = keyof typeof ErrorCode;

/** Every current error code, ascending (the replica's `ErrorCode::iter()` order). */
export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.freeze(
  (Object.values(ErrorCode) as ErrorCode[]).slice().sort((a, b) => a - b),
);

const NAME_OF_CODE: ReadonlyMap<number, ErrorCodeName> = new Map(
  (Object.keys(ErrorCode) as ErrorCodeName[]).map((name) => [ErrorCode[name], name]),
);

/** Whether `n` is a current error code (retired numbers are not). */
export function isErrorCode(n: unknown): n is ErrorCode {
  return typeof n === 'number' && NAME_OF_CODE.has(n);
}

/**
 * The reject code of an error code: its first digit.
 * @example rejectCodeOf(ErrorCode.CanisterCalledTrap) === RejectCode.CanisterError
 */
export function rejectCodeOf(code: ErrorCode): RejectCode {
  return Math.trunc(code / 100) as RejectCode;
}

/**
 * The display form `IC%04d`.
 * @example formatErrorCode(503) === 'IC0503'
 */
export function formatErrorCode(code: ErrorCode): string {
  return `IC${String(code).padStart(4, '0')}`;
}

/**
 * Parses `IC0503` (or `503`) back to an error code.
 * @returns the code, or `undefined` if it is not a current one.
 */
export function parseErrorCode(text: string): ErrorCode | undefined {
  const m = /^(?:IC)?(\d{3,4})$/.exec(text);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return isErrorCode(n) ? n : undefined;
}

/** The replica's variant name of an error code (as PocketIC's JSON spells it). */
export function errorCodeName(code: ErrorCode): ErrorCodeName {
  const name = NAME_OF_CODE.get(code);
  if (name === undefined) throw new RangeError(`not a current IC error code: ${String(code)}`);
  return name;
}

const REJECT_CODE_STR: Readonly<Record<RejectCode, string>> = {
  1: 'SYS_FATAL',
  2: 'SYS_TRANSIENT',
  3: 'DESTINATION_INVALID',
  4: 'CANISTER_REJECT',
  5: 'CANISTER_ERROR',
  6: 'SYS_UNKNOWN',
};

/** The spec name of a reject code, e.g. `'CANISTER_ERROR'` (the replica's `RejectCode::as_str`). */
export function rejectCodeName(code: RejectCode): string {
  return REJECT_CODE_STR[code];
}

/** Whether `n` is one of the six reject codes. */
export function isRejectCode(n: unknown): n is RejectCode {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 6;
}
