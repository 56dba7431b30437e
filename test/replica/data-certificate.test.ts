// Data certificates in queries: a canister sets its certified data in an
// update; a query reads `ic0.data_certificate_*` and replies with it; the
// certificate verifies under the replica's root key, carries the committed
// state's time and the canister's certified data — and an update sees none.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Principal } from '@dfinity/principal';
import { Replica } from '../../src/index.ts';
import { lookupPath, verifyCertificate } from '../../src/state-manager/index.ts';
import { watToWasm } from '../corpus/wat.ts';

const CERT_WAT = `(module
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "certified_data_set" (func $set (param i32 i32)))
  (import "ic0" "data_certificate_present" (func $present (result i32)))
  (import "ic0" "data_certificate_size" (func $size (result i32)))
  (import "ic0" "data_certificate_copy" (func $copy (param i32 i32 i32)))
  (memory 1)
  (func (export "canister_update set")
    (call $arg_copy (i32.const 0) (i32.const 0) (call $arg_size))
    (call $set (i32.const 0) (call $arg_size))
    (call $reply))
  (func $cert
    (if (call $present)
      (then
        (call $copy (i32.const 0) (i32.const 0) (call $size))
        (call $append (i32.const 0) (call $size)))
      (else (call $append (i32.const 0) (i32.const 0))))
    (call $reply))
  (func (export "canister_query cert") (call $cert))
  (func (export "canister_update cert_update") (call $cert)))`;

describe('data certificates', () => {
  it('a query gets a certificate of the committed state that verifies; an update gets none', async () => {
    const ic = await Replica.create();
    try {
      const id = await ic.createCanister();
      await ic.installCode(id, await watToWasm(CERT_WAT));
      const data = new Uint8Array(32).fill(7);
      await ic.updateCall(id, 'set', data);
      const cert = await ic.query(id, 'cert', new Uint8Array());
      assert.ok(cert.length > 0, 'a query sees a data certificate');
      const v = verifyCertificate(cert, ic.rootKey);
      assert.ok(v.ok, v.ok ? '' : v.error);
      assert.equal(v.value.time, ic.time);
      const certified = lookupPath(['canister', Principal.fromText(id.toText()).toUint8Array(), 'certified_data'], v.value.certificate.tree);
      assert.deepEqual(certified, { kind: 'found', value: data });
      const other = await Replica.create({ seed: 'another' });
      assert.equal(verifyCertificate(cert, other.rootKey).ok, false);
      await other.close();
      assert.equal((await ic.updateCall(id, 'cert_update', new Uint8Array())).length, 0);
    } finally {
      await ic.close();
    }
  });
});
