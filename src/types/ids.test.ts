import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Principal } from '@dfinity/principal';
import {
  CanisterId,
  MANAGEMENT_CANISTER_ID,
  MAX_PRINCIPAL_BYTES,
  PrincipalId,
  SubnetId,
  compareIds,
} from './ids.ts';

describe('CanisterId.fromU64', () => {
  test('encodes 8 big-endian bytes followed by 0x01 0x01', () => {
    const id = CanisterId.fromU64(0x0102030405060708n);
    assert.deepEqual([...id.toUint8Array()], [1, 2, 3, 4, 5, 6, 7, 8, 1, 1]);
  });

  test('u64 0 is rwlgt-iiaaa-aaaaa-aaaaa-cai, as @dfinity/principal encodes it', () => {
    const id = CanisterId.fromU64(0n);
    assert.equal(id.toText(), 'rwlgt-iiaaa-aaaaa-aaaaa-cai');
    const viaLibrary = Principal.fromUint8Array(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1)).toText();
    assert.equal(id.toText(), viaLibrary);
    assert.equal(Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai').toHex(), '00000000000000000101');
  });

  test('well-known ids round-trip through toU64', () => {
    // The NNS registry and ledger canisters are indices 0 and 2.
    assert.equal(CanisterId.fromU64(2n).toText(), 'ryjl3-tyaaa-aaaaa-aaaba-cai');
    assert.equal(CanisterId.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai').toU64(), 2n);
    const max = (1n << 64n) - 1n;
    assert.equal(CanisterId.fromU64(max).toU64(), max);
    assert.equal(MANAGEMENT_CANISTER_ID.toU64(), undefined);
  });

  test('rejects values outside u64', () => {
    assert.throws(() => CanisterId.fromU64(-1n), RangeError);
    assert.throws(() => CanisterId.fromU64(1n << 64n), /needs a u64/);
  });
});

describe('parsing and encoding', () => {
  test('fromText/toText round-trip and agree with @dfinity/principal', () => {
    for (const text of ['aaaaa-aa', '2vxsx-fae', 'rrkah-fqaaa-aaaaa-aaaaq-cai', 'tdb26-jop6k-aogll-7ltgs-eruif-6kk7m-qpktf-gdiqx-mxtrf-vb5e6-eqe']) {
      const id = PrincipalId.fromText(text);
      assert.equal(id.toText(), text);
      assert.deepEqual(id.toUint8Array(), Principal.fromText(text).toUint8Array());
      assert.equal(String(id), text);
      assert.equal(JSON.stringify({ id }), `{"id":"${text}"}`);
    }
  });

  test('rejects bad checksums, non-canonical and non-textual input', () => {
    assert.throws(() => PrincipalId.fromText('aaaaa-ab'), SyntaxError);
    assert.throws(() => PrincipalId.fromText('AAAAA-AA'), { name: 'SyntaxError', message: /not a canonical principal/ });
    assert.throws(() => PrincipalId.fromText('aaaaaaa'), SyntaxError);
    assert.throws(() => PrincipalId.fromText(''), SyntaxError);
    assert.throws(() => PrincipalId.fromText('{"__principal__":"aaaaa-aa"}'), SyntaxError);
  });

  test('accepts 29 bytes and rejects 30 with a clear error', () => {
    assert.equal(PrincipalId.fromUint8Array(new Uint8Array(MAX_PRINCIPAL_BYTES).fill(7)).byteLength, 29);
    assert.throws(() => CanisterId.fromUint8Array(new Uint8Array(30)), {
      name: 'RangeError',
      message: 'CanisterId must be at most 29 bytes, got 30 bytes',
    });
    const long = Principal.fromUint8Array(new Uint8Array(30)).toText();
    assert.throws(() => SubnetId.fromText(long), /SubnetId must be at most 29 bytes/);
  });

  test('copies bytes in and out', () => {
    const raw = Uint8Array.of(1, 2, 3);
    const id = PrincipalId.fromUint8Array(raw);
    raw[0] = 9;
    const out = id.toUint8Array();
    out[1] = 9;
    assert.deepEqual([...id.toUint8Array()], [1, 2, 3]);
  });

  test('converts to and from @dfinity/principal', () => {
    const p = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
    const id = PrincipalId.fromPrincipal(p);
    assert.equal(id.toPrincipal().toText(), p.toText());
    assert.equal(CanisterId.fromPrincipalId(id).kind, 'CanisterId');
  });
});

describe('well-known ids', () => {
  test('the management canister is aaaaa-aa with empty bytes', () => {
    assert.equal(MANAGEMENT_CANISTER_ID.toText(), 'aaaaa-aa');
    assert.equal(MANAGEMENT_CANISTER_ID.byteLength, 0);
    assert.ok(MANAGEMENT_CANISTER_ID.isManagementCanister());
    assert.ok(MANAGEMENT_CANISTER_ID.equals(PrincipalId.fromText('aaaaa-aa')));
  });

  test('the anonymous principal', () => {
    assert.equal(PrincipalId.anonymous().toText(), '2vxsx-fae');
    assert.ok(PrincipalId.anonymous().isAnonymous());
    assert.ok(!MANAGEMENT_CANISTER_ID.isAnonymous());
  });
});

describe('compareIds', () => {
  test('orders by raw bytes, lexicographically, prefix first', () => {
    const ids = [
      PrincipalId.fromUint8Array(Uint8Array.of(2)),
      PrincipalId.fromUint8Array(Uint8Array.of(1, 0)),
      PrincipalId.fromUint8Array(Uint8Array.of()),
      PrincipalId.fromUint8Array(Uint8Array.of(1)),
      PrincipalId.fromUint8Array(Uint8Array.of(1, 255)),
    ];
    const sorted = [...ids].sort(compareIds).map((id) => [...id.toUint8Array()]);
    assert.deepEqual(sorted, [[], [1], [1, 0], [1, 255], [2]]);
  });

  test('canister ids from u64 sort numerically', () => {
    const ids = [300n, 2n, 256n, 1n << 40n, 0n].map((n) => CanisterId.fromU64(n));
    assert.deepEqual(ids.sort(compareIds).map((id) => id.toU64()), [0n, 2n, 256n, 300n, 1n << 40n]);
  });

  test('is not the text order', () => {
    const a = CanisterId.fromU64(0n); // rwlgt-…
    const b = CanisterId.fromU64(2n); // ryjl3-…
    const c = MANAGEMENT_CANISTER_ID; // aaaaa-aa
    assert.equal(compareIds(c, a), -1);
    assert.equal(compareIds(a, b), -1);
    assert.equal(compareIds(b, b), 0);
    assert.equal(compareIds(b, a), 1);
  });
});

describe('id classes', () => {
  test('carry a kind tag and compare by bytes across classes', () => {
    const bytes = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1);
    const c = CanisterId.fromUint8Array(bytes);
    const s = SubnetId.fromUint8Array(bytes);
    assert.equal(c.kind, 'CanisterId');
    assert.equal(s.kind, 'SubnetId');
    assert.equal(PrincipalId.fromUint8Array(bytes).kind, 'PrincipalId');
    assert.ok(c.equals(s));
    assert.ok(c instanceof PrincipalId);
    assert.notDeepStrictEqual(c, s);
  });

  test('deepStrictEqual sees the identity', () => {
    assert.deepStrictEqual(CanisterId.fromU64(5n), CanisterId.fromU64(5n));
    assert.notDeepStrictEqual(CanisterId.fromU64(5n), CanisterId.fromU64(6n));
  });
});
