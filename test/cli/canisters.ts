// The canisters the command-line tests deploy: a Motoko actor class with
// init arguments (compiled by `ic-exec deploy` itself) and a WAT module
// that logs at init and answers a query, plain or padded past 2 MiB so it
// must go through the chunk store.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { watToWasm, withCustomSections } from '../corpus/wat.ts';

/** An actor class `(greeting : Text, start : Nat)`. */
export const GREETER_MO = `
import Error "mo:core/Error";
import Runtime "mo:core/Runtime";

persistent actor class Greeter(greeting : Text, start : Nat) {
  var count : Nat = start;
  public func inc() : async Nat { count += 1; count };
  public query func greet(name : Text) : async Text { greeting # ", " # name # "!" };
  public query func get() : async Nat { count };
  public shared (msg) func whoami() : async Principal { msg.caller };
  public func fail(t : Text) : async () { throw Error.reject(t) };
  public func boom() : async () { Runtime.trap("boom") };
  public query func pair(r : { a : Nat; b : Text }) : async (Nat, Text) { (r.a, r.b) };
};
`;

const HELLO_WAT = `(module
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "debug_print" (func $print (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "DIDL\\00\\01\\71\\02hi")
  (data (i32.const 100) "hello module installed")
  (func (export "canister_init") (call $print (i32.const 100) (i32.const 22)))
  (func (export "canister_query hi") (call $append (i32.const 0) (i32.const 10)) (call $reply)))`;

/** The hello module with its interface as public metadata, and `padding` bytes of an extra custom section. */
export async function helloModule(padding = 0, candid = 'service : { hi : () -> (text) query }'): Promise<Uint8Array> {
  const sections: Array<[string, Uint8Array]> = [['icp:public candid:service', new TextEncoder().encode(candid)]];
  if (padding > 0) sections.push(['padding', new Uint8Array(padding).fill(0x5a)]);
  return withCustomSections(await watToWasm(HELLO_WAT), sections);
}

/** Writes the test modules into `dir`: hello.wasm, hello.wasm.gz, big.wasm (> 2 MiB), garbled.wasm (candid:service that does not parse), Main.mo. */
export async function writeModules(dir: string): Promise<{ hello: string; helloGz: string; big: string; bigBytes: number; garbled: string; greeter: string }> {
  const hello = await helloModule();
  const big = await helloModule(2 * 1024 * 1024 + 300 * 1024);
  const paths = {
    hello: join(dir, 'hello.wasm'), helloGz: join(dir, 'hello.wasm.gz'), big: join(dir, 'big.wasm'), garbled: join(dir, 'garbled.wasm'), greeter: join(dir, 'Main.mo'),
  };
  writeFileSync(paths.garbled, await helloModule(0, 'service : { hi : () -> (text) quer'));
  writeFileSync(paths.hello, hello);
  writeFileSync(paths.helloGz, gzipSync(hello));
  writeFileSync(paths.big, big);
  writeFileSync(paths.greeter, GREETER_MO);
  return { ...paths, bigBytes: big.length };
}
