// Public face of src/errors: the IC's error model. Other folders import from here only.
export {
  ErrorCode,
  RejectCode,
  ALL_ERROR_CODES,
  rejectCodeOf,
  formatErrorCode,
  parseErrorCode,
  errorCodeName,
  rejectCodeName,
  isErrorCode,
  isRejectCode,
} from './error-code.ts';
export type { ErrorCodeName } from './error-code.ts';
export {
  userError,
  userErrorRejectCode,
  formatUserError,
  UserErrorException,
  MAX_USER_ERROR_DESCRIPTION_BYTES,
} from './user-error.ts';
export type { UserError } from './user-error.ts';
export { EXECUTION_ERRORS_DOC_URL, docRef, displayCycles } from './error-help.ts';
export type { ErrorHelp } from './error-help.ts';
export { TrapCode, BAD_SIGNATURE_MESSAGE, hypervisorErrorOfEngineTrap } from './trap-code.ts';
export type { EngineTrap } from './trap-code.ts';
export { toUserError, explainHypervisorError } from './hypervisor-error.ts';
export type { HypervisorError, MethodKind, BacktraceFrame, ErrorParts } from './hypervisor-error.ts';
export { invalidWasm, explainWasmValidationError, INVALID_WASM_PREFIX } from './wasm-validation-error.ts';
export type { WasmValidationError } from './wasm-validation-error.ts';
export { InternalBug, assertNever } from './bug.ts';
