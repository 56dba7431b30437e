import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_ERROR_CODES,
  ErrorCode,
  RejectCode,
  errorCodeName,
  formatErrorCode,
  isErrorCode,
  isRejectCode,
  parseErrorCode,
  rejectCodeName,
  rejectCodeOf,
} from './error-code.ts';
import type { ErrorCodeName } from './error-code.ts';

// The replica's `From<ErrorCode> for RejectCode`, written out by hand
// (rs/types/error_types/src/lib.rs), so a wrong first digit cannot hide.
const REJECT_OF: Record<keyof typeof RejectCode, ErrorCodeName[]> = {
  SysFatal: ['SubnetOversubscribed', 'MaxNumberOfCanistersReached'],
  SysTransient: [
    'CanisterQueueFull', 'IngressMessageTimeout', 'CanisterQueueNotEmpty', 'IngressHistoryFull',
    'CanisterIdAlreadyExists', 'StopCanisterRequestTimeout', 'CanisterOutOfCycles',
    'CertifiedStateUnavailable', 'CanisterInstallCodeRateLimited', 'CanisterHeapDeltaRateLimited',
  ],
  DestinationInvalid: ['CanisterNotFound', 'CanisterSnapshotNotFound'],
  CanisterReject: [
    'InsufficientCyclesForCreateCanister', 'InsufficientMemoryAllocation', 'SubnetNotFound',
    'CanisterRejectedMessage', 'UnknownManagementMessage', 'InvalidManagementPayload',
    'CanisterNotHostedBySubnet', 'CanisterSnapshotImmutable', 'InvalidSubnetAdmin',
  ],
  CanisterError: [
    'CanisterInvalidController', 'CanisterFunctionNotFound', 'CanisterNonEmpty', 'CanisterTrapped',
    'CanisterCalledTrap', 'CanisterContractViolation', 'CanisterInvalidWasm', 'CanisterDidNotReply',
    'CanisterOutOfMemory', 'CanisterStopped', 'CanisterStopping', 'CanisterNotStopped',
    'CanisterStoppingCancelled', 'QueryCallGraphLoopDetected', 'InsufficientCyclesInCall',
    'CanisterWasmEngineError', 'CanisterInstructionLimitExceeded', 'CanisterMemoryAccessLimitExceeded',
    'QueryCallGraphTooDeep', 'QueryCallGraphTotalInstructionLimitExceeded',
    'CompositeQueryCalledInReplicatedMode', 'QueryTimeLimitExceeded', 'QueryCallGraphInternal',
    'InsufficientCyclesInComputeAllocation', 'InsufficientCyclesInMemoryAllocation',
    'InsufficientCyclesInMemoryGrow', 'ReservedCyclesLimitExceededInMemoryAllocation',
    'ReservedCyclesLimitExceededInMemoryGrow', 'ReservedCyclesLimitIsTooLow',
    'InsufficientCyclesInMessageMemoryGrow', 'CanisterMethodNotFound', 'CanisterWasmModuleNotFound',
    'CanisterAlreadyInstalled', 'CanisterWasmMemoryLimitExceeded', 'CanisterInvalidControllerOrSubnetAdmin',
    'CanisterStatusAccessDenied',
  ],
  SysUnknown: ['DeadlineExpired', 'ResponseDropped'],
};

describe('ErrorCode', () => {
  test('is the current replica list (compatibility_for_error_code)', () => {
    assert.deepEqual([...ALL_ERROR_CODES], [
      101, 102,
      201, 202, 203, 204, 205, 206, 207, 208, 209, 210,
      301, 305,
      402, 403, 404, 405, 406, 407, 408, 409, 410,
      502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514,
      517, 520, 521, 522, 524, 525, 526, 527, 528, 529, 530, 531, 532,
      533, 534, 535, 536, 537, 538, 539, 540, 541, 542,
      601, 602,
    ]);
  });

  test('every code maps to the reject code the replica assigns', () => {
    let seen = 0;
    for (const [reject, names] of Object.entries(REJECT_OF) as [keyof typeof RejectCode, ErrorCodeName[]][]) {
      for (const name of names) {
        assert.equal(rejectCodeOf(ErrorCode[name]), RejectCode[reject], `${name} should be ${reject}`);
        seen++;
      }
    }
    assert.equal(seen, ALL_ERROR_CODES.length, 'the table above covers every code');
  });

  test('retired numbers are not codes', () => {
    for (const n of [302, 303, 304, 401, 501, 515, 516, 518, 519, 523]) {
      assert.equal(isErrorCode(n), false, `${n} is retired`);
    }
    assert.equal(isErrorCode(503), true);
    assert.equal(isErrorCode('503'), false);
  });
});

describe('formatting', () => {
  test('formatErrorCode pads to IC%04d', () => {
    assert.equal(formatErrorCode(ErrorCode.CanisterCalledTrap), 'IC0503');
    assert.equal(formatErrorCode(ErrorCode.SubnetOversubscribed), 'IC0101');
    assert.equal(formatErrorCode(ErrorCode.ResponseDropped), 'IC0602');
  });

  test('parseErrorCode reads IC0503 and 503, and refuses retired codes', () => {
    assert.equal(parseErrorCode('IC0503'), 503);
    assert.equal(parseErrorCode('406'), 406);
    assert.equal(parseErrorCode('IC0501'), undefined);
    assert.equal(parseErrorCode('IC05O3'), undefined);
  });

  test('names round-trip and match the replica variant names', () => {
    for (const code of ALL_ERROR_CODES) assert.equal(ErrorCode[errorCodeName(code)], code);
    assert.equal(errorCodeName(ErrorCode.CanisterSnapshotImmutable), 'CanisterSnapshotImmutable');
    assert.throws(() => errorCodeName(501 as ErrorCode), RangeError);
  });

  test('reject codes have their spec names', () => {
    assert.deepEqual(
      Object.values(RejectCode).map(rejectCodeName),
      ['SYS_FATAL', 'SYS_TRANSIENT', 'DESTINATION_INVALID', 'CANISTER_REJECT', 'CANISTER_ERROR', 'SYS_UNKNOWN'],
    );
    assert.ok(isRejectCode(6));
    assert.ok(!isRejectCode(0));
    assert.ok(!isRejectCode(7));
  });
});
