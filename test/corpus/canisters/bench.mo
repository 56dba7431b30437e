// Compute workloads for instrumentation tests and benchmarks. Every method is
// an update that takes its size as an argument and returns a checkable result.
import Map "mo:core/Map";
import Nat "mo:core/Nat";
import Nat8 "mo:core/Nat8";
import Text "mo:core/Text";
import Blob "mo:core/Blob";
import Array "mo:core/Array";
import VarArray "mo:core/VarArray";

persistent actor Bench {
  func fibRec(n : Nat64) : Nat64 {
    if (n < 2) n else fibRec(n - 1) + fibRec(n - 2);
  };

  /// Naive recursive Fibonacci.
  public func fib(n : Nat64) : async Nat64 {
    fibRec(n);
  };

  /// Number of primes below `n` (sieve of Eratosthenes over a `[var Bool]`).
  public func sieve(n : Nat) : async Nat {
    let marked : [var Bool] = VarArray.repeat<Bool>(false, n);
    var count = 0;
    var i = 2;
    while (i < n) {
      if (not marked[i]) {
        count += 1;
        var j = i * i;
        while (j < n) {
          marked[j] := true;
          j += i;
        };
      };
      i += 1;
    };
    count;
  };

  /// FNV-1a style mixing over `n` rounds with wrapping Nat64 arithmetic.
  public func hash(n : Nat64) : async Nat64 {
    var h : Nat64 = 0xcbf29ce484222325;
    var i : Nat64 = 0;
    while (i < n) {
      h := (h ^ i) *% 0x100000001b3;
      h := h +% (h >> 29);
      i += 1;
    };
    h;
  };

  /// Inserts keys 0..<n into a `mo:core/Map` and returns the sum of the values read back.
  public func mapInsert(n : Nat) : async Nat {
    let map = Map.empty<Nat, Nat>();
    var i = 0;
    while (i < n) {
      Map.add(map, Nat.compare, (i * 7919) % n, i);
      i += 1;
    };
    var sum = 0;
    i := 0;
    while (i < n) {
      switch (Map.get(map, Nat.compare, i)) {
        case (?v) sum += v;
        case null {};
      };
      i += 1;
    };
    sum;
  };

  /// Concatenates the decimal texts of 0..<n; returns the text's size in characters.
  public func textBuild(n : Nat) : async Nat {
    var t = "";
    var i = 0;
    while (i < n) {
      t #= Nat.toText(i);
      i += 1;
    };
    Text.size(t);
  };

  /// Builds a blob of `n` bytes (i mod 256) and returns the sum of its bytes.
  public func blobSum(n : Nat) : async Nat {
    let b = Blob.fromArray(Array.tabulate<Nat8>(n, func i = Nat8.fromIntWrap(i)));
    var sum = 0;
    for (byte in b.vals()) sum += Nat8.toNat(byte);
    sum;
  };
};
