// Counter: stable state in a persistent actor (the simplest Motoko canister).
persistent actor Counter {
  var counter : Nat = 0;

  public func inc() : async Nat {
    counter += 1;
    counter;
  };

  public query func get() : async Nat {
    counter;
  };

  public func set(n : Nat) : async () {
    counter := n;
  };
};
