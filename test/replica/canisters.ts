// Motoko canisters of the replica scenario tests (mo:core, persistent
// actors), compiled in the tests with `compileMotoko` (cached by source).
import { compileMotoko } from '../corpus/motoko.ts';

/**
 * `Node`: one actor for every inter-canister scenario.
 * - inc / get / set: a counter.
 * - ping(peer, n): calls peer.pong(n); pong calls its caller back with n − 1
 *   until 0 (two canisters calling each other, each awaiting).
 * - hop(path, x): forwards to path[0] with the rest, x·10 + 1 on the way
 *   back (a chain).
 * - sendMany(peer, n): n calls peer.append(i) made before awaiting any
 *   (ordering A → B); appended() lists what arrived.
 * - trapAfterCall(peer): counter += 100, awaits peer.inc(), counter += 1000,
 *   traps (only the callback is rolled back).
 * - callRaw(peer, method): calls rejectMe, trapMe, nope or (any other name)
 *   x and reports "reply" or the reject code and message it got.
 * - rejectMe / trapMe: a canister reject, a trap.
 * - setTimer(secs): counter += 10 when a one-shot timer fires.
 * - spin(n): counter := 1_000_000, then a loop of n steps, then counter := n
 *   (a long update under DTS); spinTrap(n) the same, ending in a trap.
 */
export const NODE_MO = `
import Principal "mo:core/Principal";
import Runtime "mo:core/Runtime";
import Error "mo:core/Error";
import List "mo:core/List";
import Array "mo:core/Array";
import Nat32 "mo:core/Nat32";
import Timer "mo:core/Timer";

persistent actor Node {
  type NodeActor = actor {
    inc : () -> async Nat;
    pong : (Nat) -> async Nat;
    hop : ([Principal], Nat) -> async Nat;
    append : (Nat) -> async ();
  };

  var counter : Nat = 0;
  var pongs : Nat = 0;
  let arrived = List.empty<Nat>();

  func node(p : Principal) : NodeActor = actor (Principal.toText(p));

  public func inc() : async Nat { counter += 1; counter };
  public query func get() : async Nat { counter };
  public func set(n : Nat) : async () { counter := n };

  public func ping(peer : Principal, n : Nat) : async Nat { await node(peer).pong(n) };
  public shared (msg) func pong(n : Nat) : async Nat {
    pongs += 1;
    if (n == 0) { return 0 };
    1 + (await node(msg.caller).pong(n - 1 : Nat))
  };
  public query func pongCount() : async Nat { pongs };

  public func hop(path : [Principal], x : Nat) : async Nat {
    counter += 1;
    if (path.size() == 0) { return x + 1 };
    let rest = Array.sliceToArray(path, 1, path.size());
    (await node(path[0]).hop(rest, x)) * 10 + 1
  };

  public func sendMany(peer : Principal, n : Nat) : async () {
    let pending = List.empty<async ()>();
    var i = 0;
    while (i < n) { List.add(pending, node(peer).append(i)); i += 1 };
    for (f in List.values(pending)) { await f };
  };
  public func append(i : Nat) : async () { List.add(arrived, i) };
  public query func appended() : async [Nat] { List.toArray(arrived) };

  public func trapAfterCall(peer : Principal) : async () {
    counter += 100;
    ignore await node(peer).inc();
    counter += 1000;
    Runtime.trap("callback trap");
  };

  func codeOf(e : Error.Error) : Nat {
    switch (Error.code(e)) {
      case (#system_fatal) 1;
      case (#system_transient) 2;
      case (#destination_invalid) 3;
      case (#canister_reject) 4;
      case (#canister_error) 5;
      case (#future n) Nat32.toNat(n);
      case (#call_error { err_code }) 1000 + Nat32.toNat(err_code);
      case (_) 999;
    }
  };

  type Target = actor { rejectMe : () -> async (); trapMe : () -> async (); nope : () -> async (); x : () -> async () };

  // A direct call (IC.call goes through a local async wrapper, whose own
  // reject would replace the code with 4).
  public func callRaw(peer : Principal, method : Text) : async Text {
    let t : Target = actor (Principal.toText(peer));
    try {
      switch (method) {
        case "rejectMe" await t.rejectMe();
        case "trapMe" await t.trapMe();
        case "nope" await t.nope();
        case _ await t.x();
      };
      "reply"
    } catch (e) {
      debug_show (codeOf(e)) # " " # Error.message(e)
    }
  };

  public func setTimer(secs : Nat) : async () {
    ignore Timer.setTimer<system>(#seconds secs, func() : async () { counter += 10 });
  };

  public func rejectMe() : async () { throw Error.reject("rejected by request") };
  public func trapMe() : async () { Runtime.trap("trapped by request") };

  public func spin(n : Nat) : async Nat {
    counter := 1_000_000;
    var i = 0;
    var acc = 0;
    while (i < n) { acc := (acc + i * 7) % 1_000_003; i += 1 };
    counter := n;
    acc
  };

  public func spinTrap(n : Nat) : async () {
    counter := 1_000_000;
    var i = 0;
    var acc = 0;
    while (i < n) { acc := (acc + i * 7) % 1_000_003; i += 1 };
    List.add(arrived, acc);
    Runtime.trap("trap in the last slice");
  };
};
`;

/** The compiled `Node` actor. */
export function nodeWasm(): Promise<Uint8Array> {
  return compileMotoko(NODE_MO);
}
