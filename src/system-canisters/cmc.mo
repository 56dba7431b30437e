// ic-exec's local cycles minting canister (rkp4c-7iaaa-aaaaa-aaaca-cai on
// a local replica): the part the cycles ledger and icp-cli use, with the
// Candid interface of the real CMC (dfinity/ic, rs/nns/cmc/cmc.did) for
// those methods. `create_canister` creates a canister with the cycles
// attached to the call, through the management canister, on this subnet;
// a failure sends the cycles back to the caller (`deposit_cycles`) and
// answers `Refunded`. `get_default_subnets` names the local subnet. There is
// no ICP ledger here, so the ICP paths (`notify_*`, the conversion rate)
// answer with a reject that says so.
//
// Init argument: the real `opt CyclesCanisterInitPayload`, plus
// `default_subnets` (the subnets `get_default_subnets` names; on the IC the
// registry and NNS proposals set them).
import Cycles "mo:core/Cycles";
import Error "mo:core/Error";
import Principal "mo:core/Principal";

persistent actor class CyclesMintingCanister(init : ?{
  ledger_canister_id : ?Principal;
  governance_canister_id : ?Principal;
  minting_account_id : ?Text;
  last_purged_notification : ?Nat64;
  exchange_rate_canister : ?{ #Set : Principal; #Unset };
  cycles_ledger_canister_id : ?Principal;
  default_subnets : ?[Principal];
}) {
  public type LogVisibility = { #controllers; #public_; #allowed_viewers : [Principal] };
  public type CanisterSettings = {
    controllers : ?[Principal];
    compute_allocation : ?Nat;
    memory_allocation : ?Nat;
    freezing_threshold : ?Nat;
    reserved_cycles_limit : ?Nat;
    log_visibility : ?LogVisibility;
    wasm_memory_limit : ?Nat;
    wasm_memory_threshold : ?Nat;
    environment_variables : ?[{ name : Text; value : Text }];
  };
  public type SubnetSelection = { #Subnet : { subnet : Principal }; #Filter : { subnet_type : ?Text } };
  public type CreateCanisterArg = { settings : ?CanisterSettings; subnet_type : ?Text; subnet_selection : ?SubnetSelection };
  public type CreateCanisterError = { #Refunded : { refund_amount : Nat; create_error : Text } };
  public type CreateCanisterResult = { #Ok : Principal; #Err : CreateCanisterError };
  type Ic = actor {
    create_canister : ({ settings : ?CanisterSettings; sender_canister_version : ?Nat64 }) -> async { canister_id : Principal };
    deposit_cycles : ({ canister_id : Principal }) -> async ();
  };
  transient let IC : Ic = actor "aaaaa-aa";

  let defaultSubnets : [Principal] = switch (init) {
    case (?i) switch (i.default_subnets) { case (?s) s; case null [] };
    case null [];
  };

  public query func get_default_subnets() : async [Principal] { defaultSubnets };
  public query func get_subnet_types_to_subnets() : async { data : [(Text, [Principal])] } { { data = [] } };
  public query func get_principals_authorized_to_create_canisters_to_subnets() : async { data : [(Principal, [Principal])] } { { data = [] } };
  public query func get_build_metadata() : async Text { "ic-exec local cycles minting canister" };

  func isDefault(subnet : Principal) : Bool {
    for (s in defaultSubnets.vals()) if (s == subnet) return true;
    false;
  };

  /// Sends `amount` back to `caller` and answers `Refunded`.
  func refund(caller : Principal, amount : Nat, reason : Text) : async CreateCanisterResult {
    if (amount > 0) await (with cycles = amount) IC.deposit_cycles({ canister_id = caller });
    #Err(#Refunded { refund_amount = amount; create_error = reason });
  };

  public shared ({ caller }) func create_canister(arg : CreateCanisterArg) : async CreateCanisterResult {
    let amount = Cycles.accept<system>(Cycles.available());
    switch (arg.subnet_selection) {
      case (?#Subnet { subnet }) if (not isDefault(subnet)) {
        return await refund(caller, amount, "Subnet " # Principal.toText(subnet) # " does not exist or " # Principal.toText(caller) # " is not authorized to deploy to that subnet.");
      };
      case (?#Filter { subnet_type = ?t }) if (t != "application") {
        return await refund(caller, amount, "Provided subnet type " # t # " does not exist");
      };
      case _ {};
    };
    switch (arg.subnet_type, arg.subnet_selection) {
      case (?_, ?_) return await refund(caller, amount, "Only one of subnet_type and subnet_selection may be specified.");
      case (?t, null) if (t != "application") return await refund(caller, amount, "Provided subnet type " # t # " does not exist");
      case _ {};
    };
    let settings = switch (arg.settings) {
      case (?s) { { s with controllers = switch (s.controllers) { case null ?[caller]; case c c } } };
      case null {
        {
          controllers = ?[caller]; compute_allocation = null; memory_allocation = null; freezing_threshold = null;
          reserved_cycles_limit = null; log_visibility = null; wasm_memory_limit = null; wasm_memory_threshold = null;
          environment_variables = null;
        };
      };
    };
    try {
      let { canister_id } = await (with cycles = amount) IC.create_canister({ settings = ?settings; sender_canister_version = null });
      #Ok(canister_id);
    } catch (e) {
      let subnet = if (defaultSubnets.size() > 0) Principal.toText(defaultSubnets[0]) else "?";
      await refund(caller, amount, "Creating canister in subnet " # subnet # " failed: " # Error.message(e));
    };
  };

  func unsupported(method : Text) : Error.Error = Error.reject(method # " is not supported by ic-exec's local cycles minting canister (there is no ICP ledger on this replica); get cycles from the cycles ledger instead");
  public shared func notify_top_up() : async () { throw unsupported("notify_top_up") };
  public shared func notify_create_canister() : async () { throw unsupported("notify_create_canister") };
  public shared func notify_mint_cycles() : async () { throw unsupported("notify_mint_cycles") };
  public query func get_icp_xdr_conversion_rate() : async () { throw unsupported("get_icp_xdr_conversion_rate") };
};
