// Motoko test canisters shared by several suites, as source text
// (compile with `compileMotoko` from ./motoko.ts).

/** A counter that counts its upgrades and prints in `preupgrade`: `inc`, `get`, `getUpgrades`. */
export const UPGRADE_COUNTER_MO = `
import Debug "mo:core/Debug";
persistent actor Counter {
  var count : Nat = 0;
  var upgrades : Nat = 0;
  public func inc() : async Nat { count += 1; count };
  public query func get() : async Nat { count };
  public query func getUpgrades() : async Nat { upgrades };
  system func preupgrade() { Debug.print("pre " # debug_show count) };
  system func postupgrade() { upgrades += 1 };
};`;
