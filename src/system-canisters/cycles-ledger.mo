// ic-exec's local cycles ledger (um5iw-rqaaa-aaaaq-qaaba-cai on a local
// replica). The Candid interface of dfinity/cycles-ledger for the methods it
// implements: ICRC-1 (balances, transfers, metadata), `deposit`, `withdraw`
// and `create_canister` (through the cycles minting canister, with the
// caller as controller unless the settings name others). The rest answer
// with a reject that says ic-exec does not support them.
//
// Semantics follow the real ledger: a fee of 100M cycles on transfers,
// withdrawals and creations (deposits mint the amount less the fee),
// deduplication by `created_at_time` (24 h window, 60 s drift), BadFee
// before InsufficientFunds, the management canister denied as a party, a
// failed creation or withdrawal refunded less a fee.
import Array "mo:core/Array";
import Blob "mo:core/Blob";
import Cycles "mo:core/Cycles";
import Error "mo:core/Error";
import Int "mo:core/Int";
import Map "mo:core/Map";
import Nat "mo:core/Nat";
import Nat64 "mo:core/Nat64";
import Nat8 "mo:core/Nat8";
import Order "mo:core/Order";
import Principal "mo:core/Principal";
import Runtime "mo:core/Runtime";
import Time "mo:core/Time";

persistent actor class CyclesLedger(ledger_args : {
  #Init : {
    max_blocks_per_request : Nat64;
    index_id : ?Principal;
    initial_balances : ?[({ owner : Principal; subaccount : ?Blob }, Nat)];
  };
  #Upgrade : ?{ max_blocks_per_request : ?Nat64; change_index_id : ?{ #Unset; #SetTo : Principal } };
}) {
  public type Account = { owner : Principal; subaccount : ?Blob };
  public type BlockIndex = Nat;
  type Value = { #Nat : Nat; #Int : Int; #Text : Text; #Blob : Blob };

  public type TransferArgs = {
    from_subaccount : ?Blob;
    to : Account;
    amount : Nat;
    fee : ?Nat;
    memo : ?Blob;
    created_at_time : ?Nat64;
  };
  public type TransferError = {
    #BadFee : { expected_fee : Nat };
    #BadBurn : { min_burn_amount : Nat };
    #InsufficientFunds : { balance : Nat };
    #TooOld;
    #CreatedInFuture : { ledger_time : Nat64 };
    #Duplicate : { duplicate_of : Nat };
    #TemporarilyUnavailable;
    #GenericError : { message : Text; error_code : Nat };
  };
  public type RejectionCode = { #NoError; #CanisterError; #SysTransient; #DestinationInvalid; #Unknown; #SysFatal; #CanisterReject };
  public type WithdrawArgs = { amount : Nat; from_subaccount : ?Blob; to : Principal; created_at_time : ?Nat64 };
  public type WithdrawError = {
    #GenericError : { message : Text; error_code : Nat };
    #TemporarilyUnavailable;
    #FailedToWithdraw : { fee_block : ?Nat; rejection_code : RejectionCode; rejection_reason : Text };
    #Duplicate : { duplicate_of : Nat };
    #BadFee : { expected_fee : Nat };
    #InvalidReceiver : { receiver : Principal };
    #CreatedInFuture : { ledger_time : Nat64 };
    #TooOld;
    #InsufficientFunds : { balance : Nat };
  };
  public type LogVisibility = { #controllers; #public_; #allowed_viewers : [Principal] };
  public type CanisterSettings = {
    controllers : ?[Principal];
    compute_allocation : ?Nat;
    memory_allocation : ?Nat;
    freezing_threshold : ?Nat;
    reserved_cycles_limit : ?Nat;
    wasm_memory_limit : ?Nat;
    wasm_memory_threshold : ?Nat;
    log_visibility : ?LogVisibility;
    environment_variables : ?[{ name : Text; value : Text }];
  };
  public type SubnetSelection = { #Subnet : { subnet : Principal }; #Filter : { subnet_type : ?Text } };
  public type CmcCreateCanisterArgs = { settings : ?CanisterSettings; subnet_selection : ?SubnetSelection };
  public type CreateCanisterArgs = {
    from_subaccount : ?Blob;
    created_at_time : ?Nat64;
    amount : Nat;
    creation_args : ?CmcCreateCanisterArgs;
  };
  public type CreateCanisterSuccess = { block_id : BlockIndex; canister_id : Principal };
  public type CreateCanisterError = {
    #InsufficientFunds : { balance : Nat };
    #TooOld;
    #CreatedInFuture : { ledger_time : Nat64 };
    #TemporarilyUnavailable;
    #Duplicate : { duplicate_of : Nat; canister_id : ?Principal };
    #FailedToCreate : { fee_block : ?BlockIndex; refund_block : ?BlockIndex; error : Text };
    #GenericError : { message : Text; error_code : Nat };
  };
  type CmcCreateCanisterError = { #Refunded : { refund_amount : Nat; create_error : Text } };
  type Cmc = actor {
    create_canister : ({ settings : ?CanisterSettings; subnet_type : ?Text; subnet_selection : ?SubnetSelection }) -> async {
      #Ok : Principal;
      #Err : CmcCreateCanisterError;
    };
  };
  type Ic = actor { deposit_cycles : ({ canister_id : Principal }) -> async () };

  transient let FEE = 100_000_000;
  transient let DECIMALS : Nat8 = 12;
  transient let MAX_MEMO_LENGTH = 32;
  transient let TRANSACTION_WINDOW : Nat = 24 * 60 * 60 * 1_000_000_000;
  transient let PERMITTED_DRIFT : Nat = 60 * 1_000_000_000;
  transient let DENIED_OWNER = 100_001;
  transient let CANNOT_TRANSFER_FROM_ZERO = 100_002;
  transient let CMC : Cmc = actor "rkp4c-7iaaa-aaaaa-aaaca-cai";
  transient let IC : Ic = actor "aaaaa-aa";
  transient let ZERO_SUBACCOUNT : Blob = Blob.fromArray(Array.repeat<Nat8>(0, 32));
  transient let CREATE_CANISTER_MEMO : Blob = Blob.fromArray(Array.repeat<Nat8>(254, 32));

  type Key = (Principal, Blob);
  func compareKey(a : Key, b : Key) : Order.Order {
    switch (Principal.compare(a.0, b.0)) { case (#equal) Blob.compare(a.1, b.1); case (o) o };
  };

  var maxBlocksPerRequest : Nat64 = 100;
  var indexId : ?Principal = null;
  let balances = Map.empty<Key, Nat>();
  var totalSupply = 0;
  var blocks = 0;
  /// Candid of a deduplicated transaction → its block (and the canister it created).
  let transactions = Map.empty<Blob, (Nat, ?Principal)>();

  func key(a : Account) : Key {
    switch (a.subaccount) {
      case null (a.owner, ZERO_SUBACCOUNT);
      case (?s) {
        if (s.size() != 32) Runtime.trap("Invalid subaccount: expected 32 bytes, got " # Nat.toText(s.size()));
        (a.owner, s);
      };
    };
  };
  func balanceOf(a : Account) : Nat = switch (Map.get(balances, compareKey, key(a))) { case (?b) b; case null 0 };
  func setBalance(a : Account, b : Nat) {
    if (b == 0) Map.remove(balances, compareKey, key(a)) else Map.add(balances, compareKey, key(a), b);
  };
  func credit(a : Account, n : Nat) { setBalance(a, balanceOf(a) + n); totalSupply += n };
  func debit(a : Account, n : Nat) { setBalance(a, balanceOf(a) - n); totalSupply -= n };
  func now() : Nat = Int.abs(Time.now());
  func nextBlock() : Nat { let b = blocks; blocks += 1; b };
  func accountText(a : Account) : Text = switch (a.subaccount) {
    case (?s) if (s != ZERO_SUBACCOUNT) Principal.toText(a.owner) # "." # debug_show (s) else Principal.toText(a.owner);
    case null Principal.toText(a.owner);
  };

  // Install takes `Init`, an upgrade `Upgrade` (as the real ledger's init and post_upgrade).
  var initialized = false;
  switch (ledger_args, initialized) {
    case (#Init(init), false) {
      maxBlocksPerRequest := init.max_blocks_per_request;
      indexId := init.index_id;
      switch (init.initial_balances) {
        case (?list) for ((account, amount) in list.vals()) { credit(account, amount); ignore nextBlock() };
        case null {};
      };
      initialized := true;
    };
    case (#Upgrade(_), false) Runtime.trap("Cannot initialize the canister with an Upgrade argument. Please provide an Init argument.");
    case (#Upgrade(upgrade), true) {
      switch (upgrade) {
        case (?{ max_blocks_per_request = ?n }) maxBlocksPerRequest := n;
        case _ {};
      };
      switch (upgrade) {
        case (?{ change_index_id = ?#SetTo(id) }) indexId := ?id;
        case (?{ change_index_id = ?#Unset }) indexId := null;
        case _ {};
      };
    };
    case (#Init(_), true) Runtime.trap("Cannot upgrade the canister with an Init argument. Please provide an Upgrade argument.");
  };

  // ----- deduplication (check_duplicate, validate_created_at_time)

  type Dedup = { #ok; #duplicate : (Nat, ?Principal); #tooOld; #inFuture : Nat64 };
  func txKey(tx : Blob, createdAt : ?Nat64) : ?Blob = switch (createdAt) { case null null; case (?_) ?tx };
  func duplicateOf(k : ?Blob) : ?(Nat, ?Principal) = switch (k) { case null null; case (?k) Map.get(transactions, Blob.compare, k) };
  func timeCheck(createdAt : ?Nat64) : Dedup {
    switch (createdAt) {
      case null #ok;
      case (?t) {
        let n = now();
        if (Nat64.toNat(t) + TRANSACTION_WINDOW + PERMITTED_DRIFT < n) #tooOld
        else if (Nat64.toNat(t) > n + PERMITTED_DRIFT) #inFuture(Nat64.fromNat(n))
        else #ok;
      };
    };
  };
  func remember(k : ?Blob, block : Nat, canister : ?Principal) {
    switch (k) { case (?k) Map.add(transactions, Blob.compare, k, (block, canister)); case null {} };
  };
  func checkMemo(memo : ?Blob) {
    switch (memo) {
      case (?m) if (m.size() > MAX_MEMO_LENGTH) Runtime.trap("memo length exceeds the maximum of " # Nat.toText(MAX_MEMO_LENGTH) # " bytes");
      case null {};
    };
  };
  func isDenied(p : Principal) : Bool = Principal.toBlob(p) == "";

  // ----- ICRC-1

  public query func icrc1_name() : async Text { "Trillion Cycles" };
  public query func icrc1_symbol() : async Text { "TCYCLES" };
  public query func icrc1_decimals() : async Nat8 { DECIMALS };
  public query func icrc1_fee() : async Nat { FEE };
  public query func icrc1_minting_account() : async ?Account { null };
  public query func icrc1_total_supply() : async Nat { totalSupply };
  public query func icrc1_balance_of(account : Account) : async Nat { balanceOf(account) };
  public query func icrc1_metadata() : async [(Text, Value)] {
    let base : [(Text, Value)] = [
      ("icrc1:decimals", #Nat(Nat8.toNat(DECIMALS))),
      ("icrc1:name", #Text("Trillion Cycles")),
      ("icrc1:symbol", #Text("TCYCLES")),
      ("icrc1:fee", #Nat(FEE)),
      ("icrc1:max_memo_length", #Nat(MAX_MEMO_LENGTH)),
      ("dfn:max_blocks_per_request", #Nat(Nat64.toNat(maxBlocksPerRequest))),
    ];
    switch (indexId) {
      case null base;
      case (?id) Array.concat(base, [("icrc106:index_principal", #Text(Principal.toText(id))), ("dfn:index_id", #Blob(Principal.toBlob(id)))]);
    };
  };
  type Standard = { name : Text; url : Text };
  func standards() : [Standard] = [
    { name = "ICRC-1"; url = "https://github.com/dfinity/ICRC-1/blob/main/standards/ICRC-1/README.md" },
    { name = "ICRC-2"; url = "https://github.com/dfinity/ICRC-1/blob/main/standards/ICRC-2/README.md" },
    { name = "ICRC-3"; url = "https://github.com/dfinity/ICRC-1/blob/main/standards/ICRC-3/README.md" },
    { name = "ICRC-10"; url = "https://github.com/dfinity/ICRC/blob/main/ICRCs/ICRC-10/ICRC-10.md" },
    { name = "ICRC-103"; url = "https://github.com/dfinity/ICRC/blob/main/ICRCs/ICRC-103/ICRC-103.md" },
    { name = "ICRC-106"; url = "https://github.com/dfinity/ICRC/blob/main/ICRCs/ICRC-106/ICRC-106.md" },
  ];
  public query func icrc1_supported_standards() : async [Standard] { standards() };
  public query func icrc10_supported_standards() : async [Standard] { standards() };

  public shared ({ caller }) func icrc1_transfer(args : TransferArgs) : async { #Ok : BlockIndex; #Err : TransferError } {
    let from = { owner = caller; subaccount = args.from_subaccount };
    let k = txKey(to_candid ("transfer", key(from), key(args.to), args.amount, args.fee, args.memo, args.created_at_time), args.created_at_time);
    switch (duplicateOf(k)) { case (?(b, _)) return #Err(#Duplicate { duplicate_of = b }); case null {} };
    if (isDenied(from.owner)) return #Err(#GenericError { error_code = DENIED_OWNER; message = "Owner of the account " # accountText(from) # " cannot be part of transactions" });
    if (isDenied(args.to.owner)) return #Err(#GenericError { error_code = DENIED_OWNER; message = "Owner of the account " # accountText(args.to) # " cannot be part of transactions" });
    switch (args.fee) { case (?f) if (f != FEE) return #Err(#BadFee { expected_fee = FEE }); case null {} };
    let balance = balanceOf(from);
    if (balance < args.amount + FEE) return #Err(#InsufficientFunds { balance });
    checkMemo(args.memo);
    switch (timeCheck(args.created_at_time)) {
      case (#tooOld) return #Err(#TooOld);
      case (#inFuture(t)) return #Err(#CreatedInFuture { ledger_time = t });
      case _ {};
    };
    debit(from, args.amount + FEE);
    credit(args.to, args.amount);
    let block = nextBlock();
    remember(k, block, null);
    #Ok(block);
  };

  // ----- deposit, withdraw, create_canister

  public shared func deposit(arg : { to : Account; memo : ?Blob }) : async { balance : Nat; block_index : BlockIndex } {
    let amount = Cycles.available();
    if (amount < FEE) Runtime.trap("The requested amount " # Nat.toText(amount) # " to be deposited is less than the cycles ledger fee: " # Nat.toText(FEE));
    if (amount == FEE) Runtime.trap("Cannot deposit 0 cycles (amount: " # Nat.toText(amount) # ", cycles ledger fee: " # Nat.toText(FEE) # ")");
    checkMemo(arg.memo);
    ignore Cycles.accept<system>(amount);
    credit(arg.to, amount - FEE);
    { balance = balanceOf(arg.to); block_index = nextBlock() };
  };

  func rejectionCode(e : Error.Error) : RejectionCode = switch (Error.code(e)) {
    case (#system_fatal) #SysFatal;
    case (#system_transient) #SysTransient;
    case (#destination_invalid) #DestinationInvalid;
    case (#canister_reject) #CanisterReject;
    case (#canister_error) #CanisterError;
    case _ #Unknown;
  };

  /// Mints back `amount` less the fee after a failed withdrawal or creation; the refund block, if any.
  func reimburse(to : Account, amount : Nat) : ?Nat {
    if (amount <= FEE) return null;
    credit(to, amount - FEE);
    ?nextBlock();
  };

  public shared ({ caller }) func withdraw(args : WithdrawArgs) : async { #Ok : BlockIndex; #Err : WithdrawError } {
    let from = { owner = caller; subaccount = args.from_subaccount };
    if (Principal.isSelfAuthenticating(args.to)) return #Err(#InvalidReceiver { receiver = args.to });
    if (args.amount == 0) return #Err(#GenericError { error_code = CANNOT_TRANSFER_FROM_ZERO; message = "The withdraw_from 0 cycles is not possible" });
    let k = txKey(to_candid ("withdraw", key(from), args.to, args.amount, args.created_at_time), args.created_at_time);
    switch (duplicateOf(k)) { case (?(b, _)) return #Err(#Duplicate { duplicate_of = b }); case null {} };
    let balance = balanceOf(from);
    if (balance < args.amount + FEE) return #Err(#InsufficientFunds { balance });
    switch (timeCheck(args.created_at_time)) {
      case (#tooOld) return #Err(#TooOld);
      case (#inFuture(t)) return #Err(#CreatedInFuture { ledger_time = t });
      case _ {};
    };
    let block = nextBlock();
    remember(k, block, null);
    debit(from, args.amount + FEE);
    try {
      await (with cycles = args.amount) IC.deposit_cycles({ canister_id = args.to });
      #Ok(block);
    } catch (e) {
      ignore reimburse(from, args.amount);
      #Err(#FailedToWithdraw { fee_block = ?block; rejection_code = rejectionCode(e); rejection_reason = Error.message(e) });
    };
  };

  public shared ({ caller }) func create_canister(args : CreateCanisterArgs) : async { #Ok : CreateCanisterSuccess; #Err : CreateCanisterError } {
    let from = { owner = caller; subaccount = args.from_subaccount };
    let k = txKey(to_candid ("create_canister", key(from), args.amount, args.created_at_time, CREATE_CANISTER_MEMO), args.created_at_time);
    switch (duplicateOf(k)) { case (?(b, c)) return #Err(#Duplicate { duplicate_of = b; canister_id = c }); case null {} };
    let balance = balanceOf(from);
    if (balance < args.amount + FEE) return #Err(#InsufficientFunds { balance });
    switch (timeCheck(args.created_at_time)) {
      case (#tooOld) return #Err(#TooOld);
      case (#inFuture(t)) return #Err(#CreatedInFuture { ledger_time = t });
      case _ {};
    };
    let block = nextBlock();
    remember(k, block, null);
    debit(from, args.amount + FEE);
    // The caller is the controller unless the settings name the controllers.
    let callerOnly : CanisterSettings = {
      controllers = ?[caller]; compute_allocation = null; memory_allocation = null; freezing_threshold = null;
      reserved_cycles_limit = null; wasm_memory_limit = null; wasm_memory_threshold = null; log_visibility = null;
      environment_variables = null;
    };
    let (settings, selection) = switch (args.creation_args) {
      case null (callerOnly, null);
      case (?a) {
        let s = switch (a.settings) {
          case null callerOnly;
          case (?s) { { s with controllers = switch (s.controllers) { case null ?[caller]; case c c } } };
        };
        (s, a.subnet_selection);
      };
    };
    let failed = func(returned : Nat, reason : Text) : { #Ok : CreateCanisterSuccess; #Err : CreateCanisterError } {
      #Err(#FailedToCreate { fee_block = ?block; refund_block = reimburse(from, returned); error = reason });
    };
    try {
      switch (await (with cycles = args.amount) CMC.create_canister({ settings = ?settings; subnet_type = null; subnet_selection = selection })) {
        case (#Ok(canister_id)) {
          remember(k, block, ?canister_id);
          #Ok({ block_id = block; canister_id });
        };
        case (#Err(#Refunded { refund_amount; create_error })) failed(refund_amount, create_error);
      };
    } catch (e) {
      failed(args.amount, Error.message(e));
    };
  };

  // ----- not supported here

  func unsupported(method : Text) : Error.Error = Error.reject(method # " is not supported by ic-exec's local cycles ledger");
  public shared func icrc2_approve() : async () { throw unsupported("icrc2_approve") };
  public shared func icrc2_transfer_from() : async () { throw unsupported("icrc2_transfer_from") };
  public query func icrc2_allowance() : async () { throw unsupported("icrc2_allowance") };
  public query func icrc3_get_blocks() : async () { throw unsupported("icrc3_get_blocks") };
  public query func icrc3_get_archives() : async () { throw unsupported("icrc3_get_archives") };
  public query func icrc3_get_tip_certificate() : async () { throw unsupported("icrc3_get_tip_certificate") };
  public query func icrc3_supported_block_types() : async () { throw unsupported("icrc3_supported_block_types") };
  public query func icrc103_get_allowances() : async () { throw unsupported("icrc103_get_allowances") };
  public query func icrc106_get_index_principal() : async () { throw unsupported("icrc106_get_index_principal") };
  public shared func withdraw_from() : async () { throw unsupported("withdraw_from") };
  public shared func create_canister_from() : async () { throw unsupported("create_canister_from") };
  public query func http_request() : async () { throw unsupported("http_request") };
};
