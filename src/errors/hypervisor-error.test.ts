import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, cycles, numBytes, numInstructions } from '../types/index.ts';
import { InternalBug } from './bug.ts';
import { ErrorCode, formatErrorCode } from './error-code.ts';
import { type HypervisorError, toUserError } from './hypervisor-error.ts';
import { TrapCode, hypervisorErrorOfEngineTrap } from './trap-code.ts';

const ID = CanisterId.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const PRE = 'Error from Canister rwlgt-iiaaa-aaaaa-aaaaa-cai: ';
const DOCS = 'https://docs.internetcomputer.org/references/execution-errors#';
const TOOLCHAIN = 'This is likely an error with the compiler/CDK toolchain being used to build the canister. '
  + 'Please report the error to IC devs on the forum: https://forum.dfinity.org and include which language/CDK was used to create the canister.';
const TRAP_HELP = 'Consider gracefully handling failures from this canister or altering the canister to handle exceptions. See documentation: ';

type Golden = { err: HypervisorError; code: ErrorCode; text: string };

// One golden case per kind; the Record type makes the compiler check that every kind is listed.
const GOLDEN: Record<Exclude<HypervisorError['kind'], 'Aborted'>, Golden> = {
  FunctionNotFound: {
    err: { kind: 'FunctionNotFound', tableIndex: 0, functionIndex: 7 },
    code: ErrorCode.CanisterFunctionNotFound,
    text: `${PRE}Canister requested to invoke a non-existent Wasm function 7 from table 0.\n${TOOLCHAIN}`,
  },
  MethodNotFound: {
    err: { kind: 'MethodNotFound', methodKind: 'update', name: 'foo' },
    code: ErrorCode.CanisterMethodNotFound,
    text: `${PRE}Canister has no update method 'foo'..\nCheck that the method being called is exported by the target canister. See documentation: ${DOCS}method-not-found`,
  },
  ToolchainContractViolation: {
    err: { kind: 'ToolchainContractViolation', message: 'function invocation does not match its signature' },
    code: ErrorCode.CanisterContractViolation,
    text: `${PRE}Canister violated contract: function invocation does not match its signature.\n${TOOLCHAIN}`,
  },
  ContractViolation: {
    err: {
      kind: 'ContractViolation',
      message: 'ic0.msg_reply_data_append: application payload size (3589297) cannot be larger than 2097152.',
      suggestion: 'Consider checking the response size and returning an error if it is too long.',
      docAnchor: 'msg_reply_data_append-payload-too-large',
    },
    code: ErrorCode.CanisterContractViolation,
    text: `${PRE}Canister violated contract: ic0.msg_reply_data_append: application payload size (3589297) cannot be larger than 2097152..\n`
      + `Consider checking the response size and returning an error if it is too long. See documentation: ${DOCS}msg_reply_data_append-payload-too-large`,
  },
  InstructionLimitExceeded: {
    err: { kind: 'InstructionLimitExceeded', limit: numInstructions(40_000_000_000n) },
    code: ErrorCode.CanisterInstructionLimitExceeded,
    text: `${PRE}Canister exceeded the limit of 40000000000 instructions for single message execution..\n`
      + `Try optimizing this method to consume fewer instructions or split the work across multiple messages. See documentation: ${DOCS}instruction-limit-exceeded`,
  },
  OutOfInstructions: {
    err: { kind: 'OutOfInstructions', limit: numInstructions(5_000_000_000n) },
    code: ErrorCode.CanisterInstructionLimitExceeded,
    text: `${PRE}Canister exceeded the limit of 5000000000 instructions for single message execution..\n`
      + `Try optimizing this method to consume fewer instructions or split the work across multiple messages. See documentation: ${DOCS}instruction-limit-exceeded`,
  },
  InvalidWasm: {
    err: { kind: 'InvalidWasm', error: { kind: 'InvalidImportSection', message: "Module imports function 'foo' from 'ic0' that is not exported by the runtime." } },
    code: ErrorCode.CanisterInvalidWasm,
    text: `${PRE}Canister's Wasm module is not valid: Wasm module has an invalid import section. Module imports function 'foo' from 'ic0' that is not exported by the runtime..\n${TOOLCHAIN}`,
  },
  InstrumentationFailed: {
    err: { kind: 'InstrumentationFailed', message: 'Wasm module has invalid data segment of 8 bytes at 65536', internal: false },
    code: ErrorCode.CanisterInvalidWasm,
    text: `${PRE}Could not instrument wasm module of canister: Wasm module has invalid data segment of 8 bytes at 65536.\n${TOOLCHAIN}`,
  },
  Trapped: {
    err: { kind: 'Trapped', trapCode: TrapCode.HeapOutOfBounds },
    code: ErrorCode.CanisterTrapped,
    text: `${PRE}Canister trapped: heap out of bounds.\n${TRAP_HELP}${DOCS}trapped`,
  },
  CalledTrap: {
    err: { kind: 'CalledTrap', message: 'boom' },
    code: ErrorCode.CanisterCalledTrap,
    text: `${PRE}Canister called \`ic0.trap\` with message: 'boom'.\n${TRAP_HELP}${DOCS}trapped-explicitly`,
  },
  WasmModuleNotFound: {
    err: { kind: 'WasmModuleNotFound' },
    code: ErrorCode.CanisterWasmModuleNotFound,
    text: `${PRE}Attempted to execute a message, but the canister contains no Wasm module..\n`
      + `Please install code to this canister before calling it. See documentation: ${DOCS}wasm-module-not-found`,
  },
  OutOfMemory: {
    err: { kind: 'OutOfMemory' },
    code: ErrorCode.CanisterOutOfMemory,
    text: `${PRE}Canister cannot grow its memory usage..\n`
      + "Check the canister's memory usage against its allocation and the system wide limits to determine why more memory cannot be allocated. "
      + `See documentation: ${DOCS}out-of-memory`,
  },
  InvalidPrincipalId: {
    err: { kind: 'InvalidPrincipalId', message: 'too long' },
    code: ErrorCode.CanisterContractViolation,
    text: `${PRE}Canister provided invalid principal id.\n${TOOLCHAIN}`,
  },
  MessageRejected: {
    err: { kind: 'MessageRejected' },
    code: ErrorCode.CanisterRejectedMessage,
    text: `${PRE}Canister rejected the message`,
  },
  InsufficientCyclesBalance: {
    err: {
      kind: 'InsufficientCyclesBalance',
      canisterId: CanisterId.fromU64(2n),
      available: cycles(1_000n),
      requested: cycles(2_000_000n),
      threshold: cycles(5_000_000n),
      revealTopUp: true,
    },
    code: ErrorCode.CanisterContractViolation,
    text: `${PRE}Canister ryjl3-tyaaa-aaaaa-aaaba-cai is out of cycles: please top up the canister with at least 6_999_000 additional cycles`,
  },
  Cleanup: {
    err: {
      kind: 'Cleanup',
      callbackErr: { kind: 'CalledTrap', message: 'a' },
      cleanupErr: { kind: 'Trapped', trapCode: TrapCode.Unreachable },
    },
    code: ErrorCode.CanisterCalledTrap,
    text: `${PRE}Canister called \`ic0.trap\` with message: 'a'\n\ncall_on_cleanup also failed:\n\nCanister trapped: unreachable`,
  },
  WasmEngineError: {
    err: { kind: 'WasmEngineError', message: 'Failed to instantiate module: missing import' },
    code: ErrorCode.CanisterWasmEngineError,
    text: `${PRE}Canister encountered a Wasm engine error: Failed to instantiate module: missing import`,
  },
  ReservedPagesForOldMotoko: {
    err: { kind: 'ReservedPagesForOldMotoko' },
    code: ErrorCode.CanisterOutOfMemory,
    text: `${PRE}Canister tried to allocate pages reserved for upgrading older versions of Motoko..\n`
      + `Upgrade the canister to the latest version of Motoko. See documentation: ${DOCS}reserved-pages-for-old-motoko`,
  },
  SliceOverrun: {
    err: { kind: 'SliceOverrun', instructions: numInstructions(2_100_000_000n), limit: numInstructions(2_000_000_000n) },
    code: ErrorCode.CanisterInstructionLimitExceeded,
    text: `${PRE}Canister attempted to perform a large memory operation that used 2100000000 instructions and exceeded the slice limit 2000000000..\n`
      + `Try breaking up large copies within the canister code into smaller chunks. See documentation: ${DOCS}slice-overrun`,
  },
  MemoryAccessLimitExceeded: {
    err: {
      kind: 'MemoryAccessLimitExceeded',
      message: 'Exceeded the limit for the number of modified pages in the stable memory in a single execution: '
        + 'limit 2097152 KB for regular messages, 8388608 KB for upgrade messages and 1048576 KB for queries.',
    },
    code: ErrorCode.CanisterMemoryAccessLimitExceeded,
    text: `${PRE}Canister exceeded memory access limits: Exceeded the limit for the number of modified pages in the stable memory in a single execution: `
      + 'limit 2097152 KB for regular messages, 8388608 KB for upgrade messages and 1048576 KB for queries..\n'
      + "Try optimizing the use of stable memory so that individual messages don't need to access as much stable memory. "
      + `See documentation: ${DOCS}memory-access-limit-exceeded`,
  },
  InsufficientCyclesInMemoryGrow: {
    // Mirrors a real replica reject: "...by 8388608 bytes ... At least 1_596_133_048 additional cycles are required.."
    err: {
      kind: 'InsufficientCyclesInMemoryGrow',
      bytes: numBytes(8_388_608n),
      available: cycles(1_000_000_000n),
      threshold: cycles(2_596_133_048n),
      revealTopUp: true,
    },
    code: ErrorCode.InsufficientCyclesInMemoryGrow,
    text: `${PRE}Canister cannot grow memory by 8388608 bytes due to insufficient cycles. At least 1_596_133_048 additional cycles are required..\n`
      + `Try topping up the canister. See documentation: ${DOCS}insufficient-cycles-in-memory-grow`,
  },
  ReservedCyclesLimitExceededInMemoryGrow: {
    err: {
      kind: 'ReservedCyclesLimitExceededInMemoryGrow',
      bytes: numBytes(65_536n),
      requested: cycles(5_000_000_001_000n),
      limit: cycles(5_000_000_000_000n),
    },
    code: ErrorCode.ReservedCyclesLimitExceededInMemoryGrow,
    text: `${PRE}Canister cannot grow memory by 65536 bytes due to its reserved cycles limit. The current limit (5_000_000_000_000) would be exceeded by 1_000..\n`
      + `Try increasing the canister's reserved cycles limit. See documentation: ${DOCS}reserved-cycles-limit-exceeded-in-memory-grow`,
  },
  InsufficientCyclesInMessageMemoryGrow: {
    err: {
      kind: 'InsufficientCyclesInMessageMemoryGrow',
      bytes: numBytes(2_097_152n),
      available: cycles(10n),
      threshold: cycles(5n),
      revealTopUp: false,
    },
    code: ErrorCode.InsufficientCyclesInMessageMemoryGrow,
    text: `${PRE}Canister cannot grow message memory by 2097152 bytes due to insufficient cycles..\n`
      + `Try topping up the canister. See documentation: ${DOCS}insufficient-cycles-in-message-memory-grow`,
  },
  WasmMemoryLimitExceeded: {
    err: { kind: 'WasmMemoryLimitExceeded', bytes: numBytes(3_221_291_008n), limit: numBytes(3_221_225_472n) },
    code: ErrorCode.CanisterWasmMemoryLimitExceeded,
    text: `${PRE}Canister exceeded its current Wasm memory limit of 3221225472 bytes. The peak Wasm memory usage was 3221291008 bytes. `
      + 'If the canister reaches 4GiB, then it may stop functioning and may become unrecoverable. '
      + 'Please reach out to the canister owner to investigate the reason for the increased memory usage. '
      + 'It might be necessary to move data from the Wasm memory to the stable memory. '
      + 'If such high Wasm memory usage is expected and safe, then the developer can increase the Wasm memory limit in the canister settings..\n'
      + `Try checking the canister for a possible memory leak or modifying it to use more stable memory instead of Wasm memory. See documentation: ${DOCS}wasm-memory-limit-exceeded`,
  },
  EnvironmentVariableIndexOutOfBounds: {
    err: { kind: 'EnvironmentVariableIndexOutOfBounds', index: 3, length: 2 },
    code: ErrorCode.CanisterContractViolation,
    text: `${PRE}Environment variable index 3 is out of bounds. The number of environment variables is 2.`,
  },
  EnvironmentVariableNotFound: {
    err: { kind: 'EnvironmentVariableNotFound', name: 'FOO' },
    code: ErrorCode.CanisterContractViolation,
    text: `${PRE}Environment variable FOO not found.`,
  },
};

describe('toUserError', () => {
  for (const [kind, g] of Object.entries(GOLDEN)) {
    test(`${kind} → ${formatErrorCode(g.code)} with the replica's wording`, () => {
      const e = toUserError(g.err, ID);
      assert.equal(e.description, g.text);
      assert.equal(e.code, g.code);
    });
  }

  test('matches a reject message recorded from a 2026 replica', () => {
    const id = CanisterId.fromText('4qggx-l3777-77775-aaaca-cai');
    const e = toUserError({ kind: 'MethodNotFound', methodKind: 'update', name: 'get_review_assignment' }, id);
    assert.equal(
      e.description,
      "Error from Canister 4qggx-l3777-77775-aaaca-cai: Canister has no update method 'get_review_assignment'..\n"
        + 'Check that the method being called is exported by the target canister. '
        + 'See documentation: https://docs.internetcomputer.org/references/execution-errors#method-not-found',
    );
  });

  test('appends a backtrace after the trap text', () => {
    const e = toUserError({ kind: 'Trapped', trapCode: TrapCode.Unreachable, backtrace: [{ index: 3, name: 'main::f' }, { index: 9 }] }, ID);
    assert.equal(
      e.description,
      `${PRE}Canister trapped: unreachable\nCanister Backtrace:\nmain::f\nunknown function at index 9\n.\n${TRAP_HELP}${DOCS}trapped`,
    );
  });

  test('hides the top-up amount unless it may be revealed', () => {
    const e = toUserError({
      kind: 'InsufficientCyclesBalance', canisterId: ID, available: cycles(0n), requested: cycles(1n), threshold: cycles(1n), revealTopUp: false,
    }, ID);
    assert.equal(e.description, `${PRE}Canister rwlgt-iiaaa-aaaaa-aaaaa-cai is out of cycles`);
  });

  test('a user contract violation without a suggestion has no help', () => {
    const e = toUserError({ kind: 'ContractViolation', message: '"ic0_msg_reply" cannot be executed in init mode' }, ID);
    assert.equal(e.description, `${PRE}Canister violated contract: "ic0_msg_reply" cannot be executed in init mode`);
  });

  test('Aborted never reaches users', () => {
    assert.throws(() => toUserError({ kind: 'Aborted' }, ID), InternalBug);
  });
});

describe('engine traps', () => {
  test('map onto the replica trap codes', () => {
    const cases: [Parameters<typeof hypervisorErrorOfEngineTrap>[0], string][] = [
      ['UnreachableCodeReached', 'unreachable'],
      ['MemoryOutOfBounds', 'heap out of bounds'],
      ['IntegerDivisionByZero', 'integer division by 0'],
      ['StackOverflow', 'stack overflow'],
      ['TableOutOfBounds', 'table out of bounds'],
      ['IntegerOverflow', 'unknown'],
      ['BadConversionToInteger', 'unknown'],
      ['IndirectCallToNull', 'unknown'],
    ];
    for (const [trap, text] of cases) {
      assert.deepEqual(hypervisorErrorOfEngineTrap(trap), { kind: 'Trapped', trapCode: text });
    }
  });

  test('a signature mismatch is a toolchain contract violation', () => {
    const e = toUserError(hypervisorErrorOfEngineTrap('BadSignature'), ID);
    assert.equal(e.code, ErrorCode.CanisterContractViolation);
    assert.ok(e.description.startsWith(`${PRE}Canister violated contract: function invocation does not match its signature.\n`));
  });

  test('trap code texts are the replica Display strings', () => {
    assert.deepEqual(Object.values(TrapCode), [
      'stack overflow',
      'heap out of bounds',
      'stable memory out of bounds',
      '32 bit stable memory api used on a memory larger than 4GB',
      'integer division by 0',
      'unreachable',
      'table out of bounds',
      'cycles amount exceeds 64-bit representation',
      'unknown',
    ]);
  });
});
