import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrapCode, BAD_SIGNATURE_MESSAGE } from '../errors/index.ts';
import { HostTrap } from '../system-api/index.ts';
import { caughtTrap, engineTrapOfMessage } from './engine-trap.ts';

describe('engine traps', () => {
  it('maps V8 trap messages to the replica\'s trap codes', () => {
    const cases: Array<[string, string]> = [
      ['unreachable', TrapCode.Unreachable],
      ['memory access out of bounds', TrapCode.HeapOutOfBounds],
      ['divide by zero', TrapCode.IntegerDivByZero],
      ['remainder by zero', TrapCode.IntegerDivByZero],
      ['divide result unrepresentable', TrapCode.Other],
      ['float unrepresentable in integer range', TrapCode.Other],
      ['table index is out of bounds', TrapCode.TableOutOfBounds],
      ['null function or function signature mismatch', TrapCode.Other],
      ['something new', TrapCode.Other],
    ];
    for (const [message, code] of cases) {
      assert.deepEqual(caughtTrap(new WebAssembly.RuntimeError(message)), { error: { kind: 'Trapped', trapCode: code } }, message);
    }
    assert.equal(engineTrapOfMessage('unreachable'), 'UnreachableCodeReached');
    assert.notEqual(BAD_SIGNATURE_MESSAGE, '');
  });

  it('passes HostTrap errors through and flags what should never happen', () => {
    const err = { kind: 'CalledTrap', message: 'x' } as const;
    assert.deepEqual(caughtTrap(new HostTrap(err)), { error: err });
    const overflow = caughtTrap(new RangeError('Maximum call stack size exceeded'));
    assert.deepEqual(overflow.error, { kind: 'Trapped', trapCode: TrapCode.StackOverflow });
    assert.ok(overflow.hazard !== undefined);
    const bug = caughtTrap(new TypeError('boom'));
    assert.equal(bug.error.kind, 'WasmEngineError');
    assert.ok(bug.hazard !== undefined);
  });
});
