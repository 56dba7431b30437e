// Calls, timers and traps: self-calls and calls to another canister (the
// test host records them), a one-shot timer from mo:core/Timer, the caller's
// principal, a method that traps via Runtime.trap, and Debug.print.
import Debug "mo:core/Debug";
import Runtime "mo:core/Runtime";
import Timer "mo:core/Timer";

persistent actor Calls {
  var ticks : Nat = 0;

  public func ping(n : Nat) : async Nat {
    n + 1;
  };

  /// Calls its own `ping` (an inter-canister self-call).
  public func selfCall(n : Nat) : async Nat {
    await ping(n);
  };

  /// Calls `ping` on the canister whose textual id is `id`.
  public func callOther(id : Text, n : Nat) : async Nat {
    let other = actor (id) : actor { ping : Nat -> async Nat };
    await other.ping(n);
  };

  /// Sets a one-shot timer that increments `ticks`; returns the timer id.
  public func startTimer(seconds : Nat) : async Nat {
    Timer.setTimer<system>(#seconds seconds, func() : async () { ticks += 1 });
  };

  public query func getTicks() : async Nat {
    ticks;
  };

  public shared ({ caller }) func whoami() : async Principal {
    caller;
  };

  public func fail(message : Text) : async () {
    Debug.print("about to trap");
    Runtime.trap(message);
  };
};
