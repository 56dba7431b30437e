import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RejectCode } from '../errors/index.ts';
import {
  MAX_RESPONSE_COUNT_BYTES, coarseFloor, countBytes, ingressCountBytes, memoryRequiredToPushRequest, payloadSizeBytes,
  rejectContext, timeoutResponse,
} from './messages.ts';
import { A, B, ingress, reply, request } from './test-support.ts';

describe('messages', () => {
  it('count bytes as the replica: struct sizes plus user bytes', () => {
    const req = request(A, B, 1n, { methodName: 'hello', methodPayload: new Uint8Array(10) });
    assert.equal(payloadSizeBytes(req), 15);
    assert.equal(countBytes(req), 16 + 160 + 15);
    assert.equal(countBytes(reply(req, new Uint8Array(100))), 16 + 128 + 100);
    const rej = { ...reply(req), payload: { kind: 'reject' as const, reject: rejectContext(RejectCode.CanisterReject, 'no') } };
    assert.equal(payloadSizeBytes(rej), 1 + 2);
    assert.equal(ingressCountBytes(ingress(A, 1, { methodName: 'abc', methodPayload: new Uint8Array(5) })), 184 + 8);
    assert.equal(MAX_RESPONSE_COUNT_BYTES, 2 * 1024 * 1024 + 144);
  });

  it('reserve a full response for a guaranteed request and nothing for a best-effort one', () => {
    assert.equal(memoryRequiredToPushRequest(request(A, B)), MAX_RESPONSE_COUNT_BYTES);
    const big = request(A, B, 1n, { methodPayload: new Uint8Array(3 * 1024 * 1024) });
    assert.equal(memoryRequiredToPushRequest(big), countBytes(big));
    assert.equal(memoryRequiredToPushRequest(request(A, B, 1n, { deadline: 5_000_000_000n })), 0);
  });

  it('shorten reject messages with 75% kept from the start, within [10, 8 KiB]', () => {
    const r = rejectContext(RejectCode.SysTransient, 'x'.repeat(100) + 'END', 20);
    assert.equal(Buffer.byteLength(r.message), 20);
    assert.ok(r.message.startsWith('x'.repeat(15) + '...') && r.message.endsWith('ND'));
    assert.equal(rejectContext(RejectCode.SysTransient, 'a'.repeat(50), 1).message.length, 10);
  });

  it('make the timeout reject of a request: SYS_TRANSIENT, refund of the payment, same deadline', () => {
    const req = request(A, B, 9n, { payment: 77n, deadline: 10_000_000_000n });
    const r = timeoutResponse(req);
    assert.deepEqual([r.originator, r.respondent, r.originatorReplyCallback, r.refund, r.deadline], [A, B, 9n, 77n, req.deadline]);
    assert.deepEqual(r.payload, { kind: 'reject', reject: { code: RejectCode.SysTransient, message: 'Request timed out.' } });
    assert.equal(coarseFloor(1_234_567_890_123n), 1_234_000_000_000n);
  });
});
