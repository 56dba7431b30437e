import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId } from '../types/index.ts';
import { ErrorCode, RejectCode, rejectCodeOf } from './error-code.ts';
import { explainWasmValidationError, invalidWasm } from './wasm-validation-error.ts';
import type { WasmValidationError } from './wasm-validation-error.ts';

const DOCS = 'https://docs.internetcomputer.org/references/execution-errors#';

describe('invalidWasm', () => {
  test('builds IC0505 with the bare message', () => {
    const e = invalidWasm('Wasm module has an invalid data section.');
    assert.deepEqual(e, { code: 505, description: "Canister's Wasm module is not valid: Wasm module has an invalid data section." });
    assert.equal(e.code, ErrorCode.CanisterInvalidWasm);
    assert.equal(rejectCodeOf(e.code), RejectCode.CanisterError);
  });

  test('frames the message with the canister id when given', () => {
    const e = invalidWasm('bad magic', CanisterId.fromU64(0n));
    assert.equal(e.description, "Error from Canister rwlgt-iiaaa-aaaaa-aaaaa-cai: Canister's Wasm module is not valid: bad magic");
  });

  test('uses the replica wording and help for structured errors', () => {
    const e = invalidWasm({ kind: 'ModuleTooLarge', size: 104_857_601n, allowed: 104_857_600n }, CanisterId.fromU64(0n));
    assert.equal(
      e.description,
      "Error from Canister rwlgt-iiaaa-aaaaa-aaaaa-cai: Canister's Wasm module is not valid: "
        + 'Wasm module size of 104857601 exceeds the maximum allowed size of 104857600..\n'
        + 'Try shrinking the module using tools like `ic-wasm` or splitting the logic across multiple canisters. '
        + `See documentation: ${DOCS}wasm-module-too-large`,
    );
  });
});

describe('explainWasmValidationError', () => {
  const cases: [WasmValidationError, string, 'toolchain' | 'user'][] = [
    [{ kind: 'DecodingError', message: 'unexpected end' }, 'Failed to decode wasm module: unexpected end', 'toolchain'],
    [{ kind: 'WasmtimeValidation', message: 'type mismatch' }, 'Wasmtime failed to validate wasm module type mismatch', 'toolchain'],
    [{ kind: 'InvalidExportSection', message: 'x' }, 'Wasm module has an invalid export section. x', 'toolchain'],
    [{ kind: 'TooManyFunctions', defined: 50_001, allowed: 50_000 }, 'Wasm module defined 50001 functions which exceeds the maximum number allowed 50000.', 'user'],
    [{ kind: 'TooManyGlobals', defined: 1_001, allowed: 1_000 }, 'Wasm module defined 1001 globals which exceeds the maximum number allowed 1000.', 'user'],
    [{ kind: 'TooManyCustomSections', defined: 17, allowed: 16 }, 'Wasm module defined 17 custom sections which exceeds the maximum number allowed 16.', 'toolchain'],
    [
      { kind: 'FunctionComplexityTooHigh', index: 4, complexity: 1_000_001, allowed: 1_000_000 },
      'Wasm module contains a function at index 4 with complexity 1000001 which exceeds the maximum complexity allowed 1000000.',
      'user',
    ],
    [
      { kind: 'FunctionTooLarge', index: 4, size: 1_000_001, allowed: 1_000_000 },
      'Wasm module contains a function at index 4 of size 1000001 that exceeds the maximum allowed size of 1000000.',
      'user',
    ],
    [{ kind: 'UnsupportedWasmInstruction', index: 2, instruction: 'table.grow' }, 'Wasm module contains a function at index 2 with unsupported instruction table.grow.', 'toolchain'],
    [
      { kind: 'CodeSectionTooLarge', size: 10_485_761, allowed: 10_485_760 },
      'Wasm module code section size of 10485761 exceeds the maximum allowed size of 10485760.',
      'user',
    ],
    [
      { kind: 'TooManyExports', defined: 1_001, allowed: 1_000 },
      'The number of exported functions called `canister_update <name>`, `canister_query <name>`, or `canister_composite_query <name>` is 1001 which exceeds 1000.',
      'user',
    ],
    [
      { kind: 'ExportedNamesTooLong', totalLength: 20_001, allowed: 20_000 },
      'The sum of `<name>` lengths in exported functions called `canister_update <name>`, `canister_query <name>`, or `canister_composite_query <name>` is 20001 which exceeds the allowed limit of 20000.',
      'user',
    ],
    [
      { kind: 'DuplicateExport', name: 'go' },
      "Duplicate function 'go' exported multiple times with different call types: update, query, or composite_query.",
      'user',
    ],
  ];
  for (const [err, message, help] of cases) {
    test(`${err.kind}`, () => {
      const x = explainWasmValidationError(err);
      assert.equal(x.message, message);
      assert.equal(x.help.kind, help === 'toolchain' ? 'ToolchainError' : 'UserError');
    });
  }
});
