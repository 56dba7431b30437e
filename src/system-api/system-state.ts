// `SandboxSafeSystemState`: the part of a canister's system state one
// execution may read, and the `SystemStateModifications` it produces, after
// `rs/embedders/src/wasmtime_embedder/system_api/sandbox_safe_system_state.rs`
// (2026 version). The execution never touches the canister state itself;
// the modifications are applied afterwards, and only if it did not trap.
//
// Cycles are `bigint`. The balance is the initial balance plus the changes of
// this execution (accepted, refunded, withdrawn for calls, burned). The
// liquid balance is `balance − freeze threshold` (saturating), the freeze
// threshold computed as in `src/cycles/fees.ts` (the replica's
// `CyclesAccountManager::freeze_threshold_cycles`) from the canister's
// freezing-threshold setting, memory and compute allocation, memory usage and
// reserved balance.
import type { CyclesFees, SubnetType } from '../config/index.ts';
import {
  APPLICATION_SUBNET_FEES,
  APPLICATION_SUBNET_SCHEDULER_CONFIG,
  DEFAULT_FREEZE_THRESHOLD_SECONDS,
  DEFAULT_QUEUE_CAPACITY,
} from '../config/index.ts';
import type { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import { CanisterId as CanisterIdClass, compareIds, cycles } from '../types/index.ts';
import { CanisterLogDelta, type CanisterLogRecord } from './canister-log.ts';
import {
  type FreezingInputs,
  freezeThresholdCycles,
  prepaymentForResponseExecution,
  prepaymentForResponseTransmission,
  xnetTotalTransmissionFee,
} from '../cycles/index.ts';
import { HostTrap } from './host-trap.ts';

/** What a canister sees of its status (`ic0.canister_status`: 1, 2, 3). */
export type CanisterStatus = 'running' | 'stopping' | 'stopped';

/** `ic0.canister_status` codes. */
export const CANISTER_STATUS_CODE: Readonly<Record<CanisterStatus, number>> = { running: 1, stopping: 2, stopped: 3 };

/** The IC mainnet root key (DER, 133 bytes), returned by `root_key_copy` when no other is configured. */
export const IC_MAINNET_ROOT_KEY: Uint8Array = Uint8Array.from(Buffer.from(
  '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100814c0e6ec71fab583b08bd81373c255c'
  + '3c371b2e84863c98a4f1e08b74235d14fb5d9c0cd546d9685f913a0c0b2cc5341583bf4b4392e467db96d65b9bb4cb717112f8472e'
  + '0d5a4d14505ffd7484b01291091c5f87b98883463f98091a0baaae', 'hex'));

/** The cycles minting canister `rkp4c-7iaaa-aaaaa-aaaca-cai`, the only one allowed to mint. */
export const CYCLES_MINTING_CANISTER_ID: CanisterId = CanisterIdClass.fromU64(4n);

/** A threshold key the subnet topology knows, for `cost_sign_with_*` / `cost_vetkd_derive_key`. */
export interface ChainKey {
  readonly kind: 'ecdsa' | 'schnorr' | 'vetkd';
  /** Curve (ECDSA: 0 = secp256k1; vetKD: 0 = bls12_381_g2) or algorithm (Schnorr: 0 = bip340, 1 = ed25519). */
  readonly curve: number;
  readonly name: string;
  /** Nodes of the largest subnet holding the key (fees scale with it). */
  readonly subnetSize: bigint;
}

/** How a Wasm closure (callback) is named: table index and environment. */
export interface WasmClosure {
  readonly fun: number;
  readonly env: bigint;
}

/** A request `call_perform` queued. It is sent only if the execution does not trap. */
export interface OutgoingRequest {
  readonly callbackId: bigint;
  readonly callContextId: bigint;
  readonly receiver: CanisterId;
  readonly methodName: string;
  readonly payload: Uint8Array;
  /** Cycles attached (`call_cycles_add*`). */
  readonly cycles: bigint;
  readonly onReply: WasmClosure;
  readonly onReject: WasmClosure;
  readonly onCleanup?: WasmClosure;
  /** Bounded-wait deadline, nanoseconds, a whole number of seconds; 0 for guaranteed-response calls. */
  readonly deadline: bigint;
  readonly prepaymentForResponseExecution: bigint;
  readonly prepaymentForResponseTransmission: bigint;
}

/** What the execution sees of its canister and subnet. */
export interface SystemStateInit {
  readonly canisterId: CanisterId;
  readonly controllers?: readonly PrincipalId[];
  readonly status?: CanisterStatus;
  readonly balance: bigint;
  readonly reservedBalance?: bigint;
  /** Seconds; defaults to 30 days. */
  readonly freezeThresholdSeconds?: bigint;
  /** Reserved memory, bytes; 0 = best effort. */
  readonly memoryAllocation?: bigint;
  /** Percent. */
  readonly computeAllocation?: bigint;
  /** Bytes of Wasm + stable memory and other canister memory at the start. */
  readonly memoryUsage?: bigint;
  /** Bytes of queued messages. */
  readonly messageMemoryUsage?: bigint;
  readonly canisterVersion?: bigint;
  readonly certifiedData?: Uint8Array;
  /** Nanoseconds; 0 = not set. */
  readonly globalTimer?: bigint;
  readonly environmentVariables?: ReadonlyMap<string, string>;
  readonly subnetId: SubnetId;
  /** Nodes; defaults to 13. */
  readonly subnetSize?: bigint;
  readonly subnetType?: SubnetType;
  readonly rootKey?: Uint8Array;
  readonly fees?: CyclesFees;
  /** Instructions a response callback may use (priced into `call_perform`). */
  readonly maxInstructionsPerMessage?: bigint;
  /** Callbacks this canister may still register. */
  readonly availableCallbacks?: number;
  /** The id the last registered callback got (new ones count up from it). */
  readonly lastCallbackId?: bigint;
  /** Free output-queue slots per receiver (canister id text); absent = 500. */
  readonly requestSlots?: ReadonlyMap<string, number>;
  readonly chainKeys?: readonly ChainKey[];
  /** The canister log's `next_idx`. */
  readonly nextLogIndex?: bigint;
  /** Canister log buffer, bytes; defaults to 4 KiB. */
  readonly logCapacity?: number;
  /** Memory the subnet can still hand out, bytes; absent = unlimited. */
  readonly subnetAvailableMemory?: bigint;
}

/** The changes one execution asks for. */
export interface SystemStateModifications {
  /** New balance − initial balance (may be negative). */
  readonly balanceChange: bigint;
  /** Cycles taken from the call context (`msg_cycles_accept*`). */
  readonly cyclesAccepted: bigint;
  /** Cycles burned by `cycles_burn128`. */
  readonly cyclesBurned: bigint;
  /** Cycles minted by `mint_cycles*` (cycles minting canister only). */
  readonly cyclesMinted: bigint;
  /** Fees withdrawn for requests (transmission and response-execution prepayment). */
  readonly requestFees: bigint;
  readonly requests: readonly OutgoingRequest[];
  readonly newCertifiedData?: Uint8Array;
  /** Nanoseconds; 0 = cancel. */
  readonly newGlobalTimer?: bigint;
  readonly canisterLog: readonly CanisterLogRecord[];
}

/** The recorded changes, mutable while the execution runs. */
type Fixed = Omit<SystemStateModifications, 'canisterLog' | 'requests'>;
type Changes = { -readonly [K in keyof Fixed]: Fixed[K] } & {
  requests: OutgoingRequest[];
};

const ZERO_CHANGES = { balanceChange: 0n, cyclesAccepted: 0n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, requests: [] };

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The system state one execution reads and the changes it records. */
export class SandboxSafeSystemState {
  readonly canisterId: CanisterId;
  readonly controllers: readonly PrincipalId[];
  readonly status: CanisterStatus;
  readonly initialBalance: bigint;
  /** Canister memory usage at the start, bytes. */
  readonly initialMemoryUsage: bigint;
  readonly reservedBalance: bigint;
  readonly canisterVersion: bigint;
  readonly certifiedData: Uint8Array;
  readonly subnetId: SubnetId;
  readonly subnetSize: bigint;
  readonly subnetType: SubnetType;
  readonly rootKey: Uint8Array;
  readonly fees: CyclesFees;
  readonly maxInstructionsPerMessage: bigint;
  readonly chainKeys: readonly ChainKey[];
  /** Environment variables sorted by the UTF-8 bytes of their names (the replica's `BTreeMap` order). */
  readonly environmentVariables: readonly (readonly [string, string])[];
  readonly log: CanisterLogDelta;
  readonly #init: SystemStateInit;
  #balance: bigint;
  #globalTimer: bigint;
  #availableCallbacks: number;
  #lastCallbackId: bigint;
  #availableMemory: bigint | undefined;
  readonly #slotsUsed = new Map<string, number>();
  #changes: Changes = { ...ZERO_CHANGES, requests: [] };

  /** @param init the canister's and subnet's state at the start of the execution. */
  constructor(init: SystemStateInit) {
    this.#init = init;
    this.canisterId = init.canisterId;
    this.controllers = init.controllers ?? [];
    this.status = init.status ?? 'running';
    this.initialBalance = init.balance;
    this.initialMemoryUsage = init.memoryUsage ?? 0n;
    this.reservedBalance = init.reservedBalance ?? 0n;
    this.canisterVersion = init.canisterVersion ?? 0n;
    this.certifiedData = init.certifiedData ?? new Uint8Array(0);
    this.subnetId = init.subnetId;
    this.subnetSize = init.subnetSize ?? 13n;
    this.subnetType = init.subnetType ?? 'application';
    this.rootKey = init.rootKey ?? IC_MAINNET_ROOT_KEY;
    this.fees = init.fees ?? APPLICATION_SUBNET_FEES;
    this.maxInstructionsPerMessage = init.maxInstructionsPerMessage ?? APPLICATION_SUBNET_SCHEDULER_CONFIG.maxInstructionsPerMessage;
    this.chainKeys = init.chainKeys ?? [];
    this.environmentVariables = [...(init.environmentVariables ?? new Map<string, string>())].sort((a, b) => utf8Compare(a[0], b[0]));
    this.log = new CanisterLogDelta(init.nextLogIndex ?? 0n, init.logCapacity);
    this.#balance = init.balance;
    this.#globalTimer = init.globalTimer ?? 0n;
    this.#availableCallbacks = init.availableCallbacks ?? Number.MAX_SAFE_INTEGER;
    this.#lastCallbackId = init.lastCallbackId ?? 0n;
    this.#availableMemory = init.subnetAvailableMemory;
  }

  /** Reserved memory in bytes (0 = best effort). */
  get memoryAllocation(): bigint {
    return this.#init.memoryAllocation ?? 0n;
  }

  /** Current balance: the initial balance plus this execution's changes. */
  get balance(): bigint {
    return this.#balance;
  }

  /** The global timer as this execution last set it (0 = inactive). */
  get globalTimer(): bigint {
    return this.#globalTimer;
  }

  /** Freezing-threshold inputs at the given memory usage. */
  freezingInputs(memoryUsage: bigint): FreezingInputs {
    return {
      fees: this.fees,
      subnetSize: this.subnetSize,
      freezeThresholdSeconds: this.#init.freezeThresholdSeconds ?? DEFAULT_FREEZE_THRESHOLD_SECONDS,
      memoryAllocation: this.memoryAllocation,
      memoryUsage,
      messageMemoryUsage: this.#init.messageMemoryUsage ?? 0n,
      computeAllocation: this.#init.computeAllocation ?? 0n,
      reservedBalance: this.reservedBalance,
    };
  }

  /** Cycles that must stay so the canister is not frozen, at `memoryUsage` bytes. */
  freezeThreshold(memoryUsage: bigint): bigint {
    return freezeThresholdCycles(this.freezingInputs(memoryUsage));
  }

  /** `balance − freeze threshold`, at least 0 (`liquid_cycles_balance`). */
  liquidBalance(memoryUsage: bigint): bigint {
    const t = this.freezeThreshold(memoryUsage);
    return this.#balance > t ? this.#balance - t : 0n;
  }

  /** Credits cycles taken from the call context. */
  acceptCycles(amount: bigint): void {
    this.#balance += amount;
    this.#changes.cyclesAccepted += amount;
  }

  /** Gives back cycles withdrawn earlier in this execution (a discarded call's attached cycles). */
  refundCycles(amount: bigint): void {
    this.#balance += amount;
  }

  /** Burns min(amount, liquid balance) and returns what was burned (`cycles_burn`). */
  burnCycles(amount: bigint, memoryUsage: bigint): bigint {
    const liquid = this.liquidBalance(memoryUsage);
    const burned = amount < liquid ? amount : liquid;
    this.#balance -= burned;
    this.#changes.cyclesBurned += burned;
    return burned;
  }

  /** Adds minted cycles (the caller checked the canister is the CMC). */
  mintCycles(amount: bigint): bigint {
    this.#balance += amount;
    this.#changes.cyclesMinted += amount;
    return amount;
  }

  /**
   * Withdraws `amount` to attach to a call, keeping the balance above the
   * freeze threshold (`withdraw_cycles_for_transfer`).
   * @throws {HostTrap} `InsufficientCyclesBalance` if it would freeze the canister.
   */
  withdrawForTransfer(amount: bigint, memoryUsage: bigint): void {
    const threshold = this.freezeThreshold(memoryUsage);
    const available = this.#balance > threshold ? this.#balance - threshold : 0n;
    if (amount > available) {
      throw new HostTrap({
        kind: 'InsufficientCyclesBalance',
        canisterId: this.canisterId,
        available: cycles(this.#balance),
        requested: cycles(amount),
        threshold: cycles(threshold),
        revealTopUp: false,
      });
    }
    this.#balance -= amount;
  }

  /** Registers a callback id for a request being performed (`register_callback`). */
  nextCallbackId(): bigint {
    this.#lastCallbackId += 1n;
    return this.#lastCallbackId;
  }

  /** Prepayments `call_perform` reserves per request. */
  prepayments(wasm64: boolean): { execution: bigint; transmission: bigint } {
    return {
      execution: prepaymentForResponseExecution(this.fees, this.maxInstructionsPerMessage, this.subnetSize, wasm64),
      transmission: prepaymentForResponseTransmission(this.fees, this.subnetSize),
    };
  }

  /**
   * Queues a request (`push_output_request`): takes a callback slot, withdraws
   * the transmission fee and response prepayments above the freeze threshold,
   * and takes a queue slot. Returns `false` — and changes nothing but the
   * callback quota, as the replica — if any of these fails.
   */
  pushRequest(request: OutgoingRequest, memoryUsage: bigint): boolean {
    if (this.#availableCallbacks === 0) return false;
    this.#availableCallbacks -= 1;
    const bytes = BigInt(Buffer.byteLength(request.methodName, 'utf8') + request.payload.length);
    const fee = xnetTotalTransmissionFee(this.fees, bytes, this.subnetSize) + request.prepaymentForResponseExecution;
    const threshold = this.freezeThreshold(memoryUsage);
    const available = this.#balance > threshold ? this.#balance - threshold : 0n;
    if (fee > available) return false;
    const key = request.receiver.toText();
    const used = this.#slotsUsed.get(key) ?? 0;
    if (used >= (this.#init.requestSlots?.get(key) ?? DEFAULT_QUEUE_CAPACITY)) return false;
    this.#slotsUsed.set(key, used + 1);
    this.#balance -= fee;
    this.#changes.requestFees += fee;
    this.#changes.requests.push(request);
    return true;
  }

  /** Sets the global timer (0 = cancel); returns the previous value. */
  setGlobalTimer(time: bigint): bigint {
    const previous = this.#globalTimer;
    this.#globalTimer = time;
    this.#changes.newGlobalTimer = time;
    return previous;
  }

  /** Records new certified data. */
  setCertifiedData(data: Uint8Array): void {
    this.#changes.newCertifiedData = data.slice();
  }

  /** Whether `principal` is one of the canister's controllers. */
  isController(principal: PrincipalId): boolean {
    return this.controllers.some((c) => compareIds(c, principal) === 0);
  }

  /**
   * Takes `bytes` of new memory (stable-memory growth) from the subnet;
   * `false` if the subnet has not that much left.
   */
  allocateSubnetMemory(bytes: bigint): boolean {
    if (this.#availableMemory === undefined) return true;
    if (bytes > this.#availableMemory) return false;
    this.#availableMemory -= bytes;
    return true;
  }

  /** The changes recorded so far (the log records included). */
  modifications(): SystemStateModifications {
    return { ...this.#changes, balanceChange: this.#balance - this.initialBalance, requests: [...this.#changes.requests], canisterLog: [...this.log.records] };
  }
}
