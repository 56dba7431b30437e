// Motoko canisters of the PocketIC suite (mo:core, persistent actors),
// compiled in the tests with test/corpus `compileMotoko` (cached by
// source), and their Candid interfaces written here as pic-js IDL
// factories.
import type { IDL as IdlNamespace } from '@icp-sdk/core/candid';
import { compileMotoko } from '../corpus/motoko.ts';
import type { PicIdlFactory, PicPrincipal } from './support.ts';

type Idl = typeof IdlNamespace;

/**
 * `Demo(start)`: a counter that starts at `start`, the caller, `Time.now()`,
 * a recurring timer that counts its runs and records when it last ran,
 * bytes in a stable-memory `Region`, a trap on request, a version text
 * (`VERSION` is replaced to build an upgrade), and a call to `inc` on
 * another Demo (`incOther`, for calls across subnets).
 */
const DEMO_MO = `
import Time "mo:core/Time";
import Timer "mo:core/Timer";
import Runtime "mo:core/Runtime";
import Region "mo:core/Region";
import Nat64 "mo:core/Nat64";
import Principal "mo:core/Principal";

persistent actor class Demo(start : Nat) {
  var counter : Nat = start;
  var timerRuns : Nat = 0;
  var lastTimerRun : Int = 0;
  let region = Region.new();

  public func inc() : async Nat { counter += 1; counter };
  public query func get() : async Nat { counter };
  public query func now() : async Int { Time.now() };
  public shared query (msg) func whoami() : async Principal { msg.caller };
  public func fail(message : Text) : async () { Runtime.trap(message) };
  public query func version() : async Text { "VERSION" };

  public func startTimer(seconds : Nat) : async () {
    ignore Timer.recurringTimer<system>(#seconds seconds, func() : async () {
      timerRuns += 1;
      lastTimerRun := Time.now();
    });
  };
  public query func timer() : async (Nat, Int) { (timerRuns, lastTimerRun) };

  public func stableWrite(offset : Nat64, data : Blob) : async () {
    let needed = (offset + Nat64.fromNat(data.size())) / 65536 + 1;
    let have = Region.size(region);
    if (needed > have) ignore Region.grow(region, needed - have);
    Region.storeBlob(region, offset, data);
  };
  public query func stableRead(offset : Nat64, size : Nat) : async Blob {
    if (Region.size(region) == 0) return "";
    Region.loadBlob(region, offset, size)
  };

  public func incOther(other : Principal) : async Nat {
    let peer = actor (Principal.toText(other)) : actor { inc : () -> async Nat };
    await peer.inc()
  };
};
`;

export const demoIdl = (({ IDL }: { IDL: Idl }) => IDL.Service({
  inc: IDL.Func([], [IDL.Nat], []),
  get: IDL.Func([], [IDL.Nat], ['query']),
  now: IDL.Func([], [IDL.Int], ['query']),
  whoami: IDL.Func([], [IDL.Principal], ['query']),
  fail: IDL.Func([IDL.Text], [], []),
  version: IDL.Func([], [IDL.Text], ['query']),
  startTimer: IDL.Func([IDL.Nat], [], []),
  timer: IDL.Func([], [IDL.Nat, IDL.Int], ['query']),
  stableWrite: IDL.Func([IDL.Nat64, IDL.Vec(IDL.Nat8)], [], []),
  stableRead: IDL.Func([IDL.Nat64, IDL.Nat], [IDL.Vec(IDL.Nat8)], ['query']),
  incOther: IDL.Func([IDL.Principal], [IDL.Nat], []),
})) as unknown as PicIdlFactory;

export interface DemoService {
  inc(): Promise<bigint>;
  get(): Promise<bigint>;
  now(): Promise<bigint>;
  whoami(): Promise<PicPrincipal>;
  fail(message: string): Promise<void>;
  version(): Promise<string>;
  startTimer(seconds: bigint): Promise<void>;
  timer(): Promise<[bigint, bigint]>;
  stableWrite(offset: bigint, data: Uint8Array | number[]): Promise<void>;
  stableRead(offset: bigint, size: bigint): Promise<Uint8Array | number[]>;
  incOther(other: PicPrincipal): Promise<bigint>;
}

/** The Demo module with `version()` answering `version`. */
export function compileDemo(version = 'v1'): Promise<Uint8Array<ArrayBuffer>> {
  return compileMotoko(DEMO_MO.replace('"VERSION"', JSON.stringify(version)));
}

/**
 * `Fetcher`: `fetch(url)` makes a GET outcall with a transform that keeps
 * the status and body and drops the headers; it answers
 * "<status> <body as text>" or "reject <code> <message>".
 */
const FETCHER_MO = `
import Text "mo:core/Text";
import Error "mo:core/Error";
import Nat "mo:core/Nat";

persistent actor Fetcher {
  public type Header = { name : Text; value : Text };
  public type Response = { status : Nat; headers : [Header]; body : Blob };
  public type TransformArgs = { response : Response; context : Blob };
  type Request = {
    url : Text; max_response_bytes : ?Nat64; method : { #get; #head; #post }; headers : [Header]; body : ?Blob;
    transform : ?{ function : shared query TransformArgs -> async Response; context : Blob };
  };
  transient let ic = actor "aaaaa-aa" : actor { http_request : Request -> async Response };

  public query func keepBody(args : TransformArgs) : async Response {
    { status = args.response.status; headers = []; body = args.response.body }
  };

  public func fetch(url : Text) : async Text {
    try {
      let r = await (with cycles = 1_000_000_000) ic.http_request({
        url; max_response_bytes = ?10_000; method = #get; headers = [{ name = "accept"; value = "text/plain" }];
        body = null; transform = ?{ function = keepBody; context = "" };
      });
      Nat.toText(r.status) # " " # (switch (Text.decodeUtf8(r.body)) { case (?t) t; case null "<binary>" })
    } catch (e) {
      "reject " # debug_show (Error.code(e)) # " " # Error.message(e)
    }
  };
};
`;

export const fetcherIdl = (({ IDL }: { IDL: Idl }) => IDL.Service({ fetch: IDL.Func([IDL.Text], [IDL.Text], []) })) as unknown as PicIdlFactory;
export interface FetcherService { fetch(url: string): Promise<string> }

export function compileFetcher(): Promise<Uint8Array<ArrayBuffer>> {
  return compileMotoko(FETCHER_MO);
}

/** `wasm` with a custom section `name` of `size` zero bytes appended (a module over 2 MiB that installs in chunks). */
export function padWasm(wasm: Uint8Array, size: number, name = 'padding'): Uint8Array<ArrayBuffer> {
  const leb = (n: number): number[] => {
    const out: number[] = [];
    do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; out.push(b); } while (n !== 0);
    return out;
  };
  const nameBytes = [...Buffer.from(name)];
  const content = [...leb(nameBytes.length), ...nameBytes];
  const header = [0, ...leb(content.length + size), ...content];
  const out = new Uint8Array(wasm.length + header.length + size);
  out.set(wasm);
  out.set(header, wasm.length);
  return out;
}
