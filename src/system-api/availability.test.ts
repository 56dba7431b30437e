// Table-driven: every `ic0` import in every context either works (with
// valid arguments) or traps with the replica's wrong-mode message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IC0_IMPORTS, type Ic0ImportName } from '../config/index.ts';
import { API_TYPE_KINDS } from './api-type.ts';
import { AVAILABILITY, CONTEXT_CODE, wrongModeError } from './availability.ts';
import { apiTypeOf, callValid, trapOf } from './test-support.ts';

describe('availability table', () => {
  test('covers every import, with codes the contexts use', () => {
    assert.deepEqual(Object.keys(AVAILABILITY).sort(), [...IC0_IMPORTS].sort());
    const codes = new Set(Object.values(CONTEXT_CODE));
    for (const set of Object.values(AVAILABILITY)) for (const c of set) assert.ok(codes.has(c), c);
  });

  test('matches system_api.md §1.3 where the replica agrees with the spec', () => {
    const codes = (name: Ic0ImportName) => [...AVAILABILITY[name]].sort().join(' ');
    assert.equal(codes('msg_arg_data_copy'), 'CQ CRy F I NRQ RQ Ry U');
    assert.equal(codes('call_cycles_add128'), 'Rt Ry T U');
    assert.equal(codes('certified_data_set'), 'G I Rt Ry T U');
    assert.equal(codes('accept_message'), 'F');
    assert.equal(codes('data_certificate_copy'), 'CQ NRQ');
    assert.ok(AVAILABILITY.stable64_read.has('s') && AVAILABILITY.trap.has('s'));
    assert.ok(!AVAILABILITY.time.has('s') && !AVAILABILITY.msg_caller_size.has('s'));
  });

  test('wrong-mode wording is the replica\'s', () => {
    assert.deepEqual(wrongModeError('msg_reply', apiTypeOf('start')), {
      kind: 'ContractViolation',
      message: '"ic0_msg_reply" cannot be executed in start mode',
      suggestion: 'Check the ICP documentation to make sure APIs are being called in the correct message types.',
      docAnchor: 'calling-a-system-api-from-the-wrong-mode',
    });
    assert.equal(wrongModeError('root_key_copy', apiTypeOf('compositeQuery')).kind, 'ContractViolation');
    assert.match((wrongModeError('root_key_copy', apiTypeOf('nonReplicatedQuery')) as { message: string }).message,
      /^"ic0\.root_key_copy" cannot be executed in non replicated query mode$/);
    const task = { kind: 'systemTask', time: 0n, task: 'onLowWasmMemory', callContextId: 1n } as const;
    assert.match((wrongModeError('msg_reply', task as never) as { message: string }).message, /in on low Wasm memory mode$/);
  });
});

const ALWAYS_TRAPS: Partial<Record<Ic0ImportName, string>> = { trap: 'CalledTrap' };

for (const name of IC0_IMPORTS) {
  describe(`ic0.${name}`, () => {
    for (const kind of API_TYPE_KINDS) {
      const code = CONTEXT_CODE[kind];
      if (AVAILABILITY[name].has(code)) {
        test(`works in ${code}`, () => {
          const call = callValid(name, kind);
          const expected = ALWAYS_TRAPS[name];
          if (expected === undefined) call();
          else assert.equal(trapOf(call).kind, expected);
        });
      } else {
        test(`traps in ${code}`, () => {
          assert.deepEqual(trapOf(callValid(name, kind)), wrongModeError(name, apiTypeOf(kind)));
        });
      }
    }
  });
}
