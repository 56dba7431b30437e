// Message data and the reply/reject rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CALLER, REPLY, apiTypeOf, session, trapOf, violation } from './test-support.ts';

const MiB = 1 << 20;

describe('reply and reject', () => {
  test('the reply is the appended bytes, in order; replying twice traps', () => {
    const s = session('update');
    s.heap.set([1, 2, 3], 0);
    s.ic0.msg_reply_data_append(0, 2);
    s.ic0.msg_reply_data_append(2, 1);
    s.ic0.msg_reply();
    assert.equal(violation(() => s.ic0.msg_reply()), 'ic0.msg_reply: the call is already replied');
    assert.equal(violation(() => s.ic0.msg_reject(0, 1)), 'ic0.msg_reject: the call is already replied');
    assert.equal(violation(() => s.ic0.msg_reply_data_append(0, 1)), 'ic0.msg_reply_data_append: the call is already replied.');
    assert.deepEqual(s.api.takeResult().response, { kind: 'reply', payload: Uint8Array.from([1, 2, 3]) });
  });

  test('a callback of an already answered call context cannot answer', () => {
    const s = session({ ...apiTypeOf('replyCallback'), replied: true } as never);
    assert.equal(violation(() => s.ic0.msg_reply()), 'ic0.msg_reply: the call is already replied');
    assert.equal(violation(() => s.ic0.msg_reject(0, 0)), 'ic0.msg_reject: the call is already replied');
  });

  test('reject: code 4 message, UTF-8 checked, once', () => {
    const s = session('update');
    s.heap.set(new TextEncoder().encode('bad'), 0);
    s.heap.set([0xff, 0xfe], 10);
    assert.equal(violation(() => s.ic0.msg_reject(10, 2)), 'ic0.msg_reject: invalid UTF-8 string provided');
    s.ic0.msg_reject(0, 3);
    assert.equal(violation(() => s.ic0.msg_reply()), 'ic0.msg_reply: the call is already replied');
    assert.deepEqual(s.api.takeResult().response, { kind: 'reject', message: 'bad' });
  });

  test('replies are limited to 2 MiB in updates and callbacks', () => {
    for (const kind of ['update', 'replyCallback', 'compositeRejectCallback'] as const) {
      const s = session(kind);
      s.memory.grow(40);
      s.ic0.msg_reply_data_append(0, MiB);
      s.ic0.msg_reply_data_append(0, MiB);
      assert.deepEqual(trapOf(() => s.ic0.msg_reply_data_append(0, 1)), {
        kind: 'ContractViolation',
        message: 'ic0.msg_reply_data_append: application payload size (2097153) cannot be larger than 2097152.',
        suggestion: 'Consider checking the response size and returning an error if it is too long.',
        docAnchor: 'msg_reply_data_append-payload-too-large',
      });
    }
  });

  test('query calls may reply 3 MiB', () => {
    for (const kind of ['nonReplicatedQuery', 'compositeQuery'] as const) {
      const s = session(kind);
      s.memory.grow(60);
      s.ic0.msg_reply_data_append(0, 3 * MiB);
      assert.equal(violation(() => s.ic0.msg_reply_data_append(0, 1)),
        'ic0.msg_reply_data_append: application payload size (3145729) cannot be larger than 3145728.');
      assert.equal(violation(() => s.ic0.msg_reject(0, 3 * MiB + 1)),
        'ic0.msg_reject: application payload size (3145729) cannot be larger than 3145728.');
    }
  });

  test('a too-long reject is refused before its bytes are read', () => {
    const s = session('update');
    assert.deepEqual(trapOf(() => s.ic0.msg_reject(60_000, 2 * MiB + 1)), {
      kind: 'ContractViolation',
      message: 'ic0.msg_reject: application payload size (2097153) cannot be larger than 2097152.',
      suggestion: 'Try truncating the error messages that are too long.',
      docAnchor: 'msg_reject-payload-too-large',
    });
  });
});

describe('message data', () => {
  test('a reply callback reads the reply as its argument; a reject callback has code and message', () => {
    const ry = session('replyCallback');
    assert.equal(ry.ic0.msg_arg_data_size(), REPLY.length);
    ry.ic0.msg_arg_data_copy(0, 1, 3);
    assert.deepEqual([...ry.heap.subarray(0, 3)], [5, 6, 7]);
    assert.equal(ry.ic0.msg_reject_code(), 0);
    const rt = session('rejectCallback');
    assert.equal(rt.ic0.msg_reject_code(), 4);
    assert.equal(rt.ic0.msg_reject_msg_size(), 4);
    rt.ic0.msg_reject_msg_copy(0, 0, 4);
    assert.equal(new TextDecoder().decode(rt.heap.subarray(0, 4)), 'nope');
  });

  test('the caller: the original caller in callbacks, the management canister in system tasks', () => {
    const cb = session('rejectCallback');
    assert.equal(cb.ic0.msg_caller_size(), CALLER.byteLength);
    cb.ic0.msg_caller_copy(0, 0, CALLER.byteLength);
    assert.deepEqual(cb.heap.subarray(0, CALLER.byteLength), CALLER.bytesView());
    assert.equal(session('systemTask').ic0.msg_caller_size(), 0);
  });

  test('msg_caller_info_* are empty', () => {
    const s = session('update');
    assert.equal(s.ic0.msg_caller_info_data_size(), 0);
    assert.equal(s.ic0.msg_caller_info_signer_size(), 0);
  });

  test('msg_deadline: the call context deadline, 0 for guaranteed-response calls', () => {
    assert.equal(session('update').ic0.msg_deadline(), 0n);
    const s = session({ ...apiTypeOf('update'), deadline: 1_700_000_300_000_000_000n } as never);
    assert.equal(s.ic0.msg_deadline(), 1_700_000_300_000_000_000n);
  });

  test('inspect message: method name; accept_message once; not accepting rejects the message', () => {
    const s = session('inspectMessage');
    assert.equal(s.ic0.msg_method_name_size(), 5);
    s.ic0.msg_method_name_copy(0, 0, 5);
    assert.equal(new TextDecoder().decode(s.heap.subarray(0, 5)), 'do_it');
    assert.deepEqual(session('inspectMessage').api.takeResult().error, { kind: 'MessageRejected' });
    s.ic0.accept_message();
    assert.equal(violation(() => s.ic0.accept_message()), 'ic0.accept_message: the function was already called.');
    assert.equal(s.api.takeResult().error, undefined);
  });
});
