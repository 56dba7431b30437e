// End-to-end support: a replica started as `npm start` starts it (the same
// entry point, `node src/cli/main.ts`, on a free port), the Motoko canister
// the clients drive, and the management canister's Candid for the calls
// the tests make (provisional create, install, status).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileMotokoWithCandid } from '../corpus/motoko.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** A replica process. */
export interface Served {
  readonly url: string;
  readonly rootKeyHex: string;
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node src/cli/main.ts --port 0 …` and waits for its URL and root key. */
export async function startServed(args: readonly string[] = ['--ephemeral']): Promise<Served> {
  const child = spawn(process.execPath, [MAIN, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<{ url: string; rootKeyHex: string }>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const key = /root key: ([0-9a-f]+)/.exec(out)?.[1];
      if (url !== undefined && key !== undefined) resolve({ url, rootKeyHex: key });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => { out += c.toString(); });
    void exited.then((code) => reject(new Error(`the replica exited (${code}) before it was ready:\n${out}`)));
  });
  const { url, rootKeyHex } = await ready;
  return {
    url, rootKeyHex, child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * The test canister:
 * - greet(name) query; inc() update (also sets certified data to the
 *   counter's text); get() query; whoami() update and whoamiQuery() query
 *   (the caller); fail(text) rejects (IC0406); boom() traps (IC0503);
 *   certificate() query: the data certificate.
 */
export const DEMO_MO = `
import CertifiedData "mo:core/CertifiedData";
import Error "mo:core/Error";
import Nat "mo:core/Nat";
import Runtime "mo:core/Runtime";
import Text "mo:core/Text";

persistent actor Demo {
  var counter : Nat = 0;
  public query func greet(name : Text) : async Text { "Hello, " # name # "!" };
  public func inc() : async Nat {
    counter += 1;
    CertifiedData.set(Text.encodeUtf8(Nat.toText(counter)));
    counter
  };
  public query func get() : async Nat { counter };
  public shared (msg) func whoami() : async Principal { msg.caller };
  public shared query (msg) func whoamiQuery() : async Principal { msg.caller };
  public func fail(t : Text) : async () { throw Error.reject(t) };
  public func boom() : async () { Runtime.trap("boom") };
  public query func certificate() : async ?Blob { CertifiedData.getCertificate() };
};
`;

let demo: Promise<{ wasm: Uint8Array<ArrayBuffer>; candid: string }> | undefined;
/** The demo canister, compiled once per process (cached by source across runs). */
export function demoCanister(): Promise<{ wasm: Uint8Array<ArrayBuffer>; candid: string }> {
  demo ??= compileMotokoWithCandid(DEMO_MO);
  return demo;
}

/** Anything with the `IDL` namespace of `@dfinity/candid` / `@icp-sdk/core/candid` (their shapes agree). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type IdlNamespace = any;

/** The demo canister's interface. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const demoIdl = ({ IDL }: { IDL: IdlNamespace }): any => IDL.Service({
  greet: IDL.Func([IDL.Text], [IDL.Text], ['query']),
  inc: IDL.Func([], [IDL.Nat], []),
  get: IDL.Func([], [IDL.Nat], ['query']),
  whoami: IDL.Func([], [IDL.Principal], []),
  whoamiQuery: IDL.Func([], [IDL.Principal], ['query']),
  fail: IDL.Func([IDL.Text], [], []),
  boom: IDL.Func([], [], []),
  certificate: IDL.Func([], [IDL.Opt(IDL.Vec(IDL.Nat8))], ['query']),
});

/** The management canister methods the tests call. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const managementIdl = ({ IDL }: { IDL: IdlNamespace }): any => {
  const settings = IDL.Record({ controllers: IDL.Opt(IDL.Vec(IDL.Principal)) });
  return IDL.Service({
    provisional_create_canister_with_cycles: IDL.Func(
      [IDL.Record({ amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(settings), specified_id: IDL.Opt(IDL.Principal), sender_canister_version: IDL.Opt(IDL.Nat64) })],
      [IDL.Record({ canister_id: IDL.Principal })], []),
    install_code: IDL.Func(
      [IDL.Record({
        mode: IDL.Variant({ install: IDL.Null, reinstall: IDL.Null }), canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8),
        arg: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64),
      })], [], []),
    canister_status: IDL.Func(
      [IDL.Record({ canister_id: IDL.Principal })],
      [IDL.Record({ status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }), module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)), cycles: IDL.Nat })],
      []),
  });
};
