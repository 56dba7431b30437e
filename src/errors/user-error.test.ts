import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, RejectCode } from './error-code.ts';
import {
  MAX_USER_ERROR_DESCRIPTION_BYTES,
  UserErrorException,
  ellipsize,
  formatUserError,
  userError,
  userErrorRejectCode,
} from './user-error.ts';

describe('userError', () => {
  test('is plain frozen data that survives JSON', () => {
    const e = userError(ErrorCode.CanisterOutOfCycles, 'Canister 42 ran out of cycles');
    assert.deepEqual(e, { code: 207, description: 'Canister 42 ran out of cycles' });
    assert.ok(Object.isFrozen(e));
    assert.deepEqual(JSON.parse(JSON.stringify(e)), e);
  });

  test('derives the reject code and formats like the replica', () => {
    const e = userError(ErrorCode.CanisterOutOfCycles, 'Canister 42 ran out of cycles');
    assert.equal(userErrorRejectCode(e), RejectCode.SysTransient);
    assert.equal(formatUserError(e), 'IC0207: Canister 42 ran out of cycles');
  });

  test('rejects unknown and retired codes', () => {
    assert.throws(() => userError(501 as ErrorCode, 'x'), { name: 'RangeError', message: /501/ });
  });

  test('keeps descriptions up to 8 KiB and ellipsizes longer ones to exactly 8 KiB', () => {
    const exact = 'a'.repeat(MAX_USER_ERROR_DESCRIPTION_BYTES);
    assert.equal(userError(ErrorCode.CanisterTrapped, exact).description, exact);
    const long = `${'a'.repeat(5000)}${'b'.repeat(5000)}`;
    const d = userError(ErrorCode.CanisterTrapped, long).description;
    assert.equal(d, `${'a'.repeat(4096)}...${'b'.repeat(4093)}`);
    assert.equal(Buffer.byteLength(d), MAX_USER_ERROR_DESCRIPTION_BYTES);
  });
});

describe('ellipsize', () => {
  test('cuts only at UTF-8 character boundaries', () => {
    // '₿' is 3 bytes; 4 of them are 12 bytes. Budget 10 - 3 = 7: prefix 5 -> 3 bytes, suffix 2 -> 0 bytes.
    assert.equal(ellipsize('₿₿₿₿', 10, 50), '₿...');
    assert.equal(ellipsize('abcdefghij', 9, 50), 'abcd...ij');
    assert.equal(ellipsize('abc', 2, 50), '');
    assert.equal(ellipsize('short', 100, 50), 'short');
  });
});

describe('UserErrorException', () => {
  test('carries the error across a throwing boundary', () => {
    const e = userError(ErrorCode.CanisterNotFound, 'Canister aaaaa-aa not found.');
    const ex = new UserErrorException(e);
    assert.ok(ex instanceof Error);
    assert.equal(ex.name, 'UserErrorException');
    assert.equal(ex.message, 'IC0301: Canister aaaaa-aa not found.');
    assert.equal(ex.userError, e);
    assert.equal(ex.code, ErrorCode.CanisterNotFound);
    assert.equal(ex.rejectCode, RejectCode.DestinationInvalid);
  });
});
