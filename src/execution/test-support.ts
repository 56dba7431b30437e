// Builders for the execution tests: an environment, canisters, rounds,
// message delivery between canisters through their queues, and a WAT test
// canister with every message kind.
import { APPLICATION_SUBNET_SCHEDULER_CONFIG } from '../config/index.ts';
import type { SchedulerConfig } from '../config/index.ts';
import { CyclesAccountManager } from '../cycles/index.ts';
import { Hypervisor } from '../hypervisor/index.ts';
import {
  CanisterState, IngressHistoryState, SystemState, inductMessagesToSelf, newIngress, newSchedulerState, popInput, pushInput,
} from '../state/index.ts';
import type { Ingress, IngressStatus, Response } from '../state/index.ts';
import { CanisterId, PrincipalId, SubnetId, numInstructions, time } from '../types/index.ts';
import type { Time } from '../types/index.ts';
import { watToWasm } from '../../test/corpus/wat.ts';
import { ExecutionEnvironment } from './index.ts';
import type { CanisterInput, ExecuteMessageOutcome, InstallCodeMode, RoundContext } from './index.ts';

export const USER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x02));
export const SUBNET = SubnetId.fromUint8Array(Uint8Array.of(0x53, 0x55, 0x42, 2));
export const T0: Time = time(1_700_000_000_000_000_000n);
export const T = 1_000_000_000_000n;

let sharedHypervisor: Hypervisor | undefined;
/** One in-process hypervisor per test file. */
export function hypervisor(): Hypervisor {
  return (sharedHypervisor ??= new Hypervisor());
}

/** An environment on a 13-node application subnet (limits overridable). */
export function newEnv(overrides: { readonly sliceLimit?: bigint } = {}, subnetSize = 13): ExecutionEnvironment {
  const config: SchedulerConfig = overrides.sliceLimit === undefined ? APPLICATION_SUBNET_SCHEDULER_CONFIG
    : { ...APPLICATION_SUBNET_SCHEDULER_CONFIG, maxInstructionsPerSlice: numInstructions(overrides.sliceLimit) };
  return new ExecutionEnvironment({
    hypervisor: hypervisor(), cycles: new CyclesAccountManager({ subnetSize }), subnetType: 'application', ownSubnetId: SUBNET, subnetSize,
    schedulerConfig: config, rateLimitInstallCode: false,
  });
}

/** An empty canister `id` controlled by USER. */
export function newCanister(id: bigint, balance = 100n * T): CanisterState {
  return new CanisterState(new SystemState({ canisterId: CanisterId.fromU64(id), controllers: [USER], cycles: balance }), undefined, newSchedulerState(T0));
}

/** A round at `t` writing into `history`. */
export function newRound(history = new IngressHistoryState(), t: Time = T0): RoundContext {
  return { time: t, randomness: new Uint8Array(32), ingressHistory: history, roundInstructionsLeft: { value: 4_000_000_000n } };
}

let nextMessage = 1;
/** An ingress message from USER to `canister`. */
export function ingressTo(canister: CanisterState, method: string, arg: Uint8Array = new Uint8Array(0), source: PrincipalId = USER): Ingress {
  const id = new Uint8Array(32);
  new DataView(id.buffer).setUint32(0, nextMessage++);
  return newIngress({ source, receiver: canister.canisterId, methodName: method, methodPayload: arg, messageId: id, expiryTime: time(T0 + 300n * 1_000_000_000n) });
}

/** The ingress status of `msg`. */
export function statusOf(round: RoundContext, msg: Ingress): IngressStatus['state'] | undefined {
  return round.ingressHistory.get(msg.messageId)?.state;
}

/** Installs a module; throws with the error if it fails. */
export async function install(env: ExecutionEnvironment, canister: CanisterState, wasm: Uint8Array, mode: InstallCodeMode = 'install', arg: Uint8Array = new Uint8Array(0)): Promise<void> {
  const r = await env.installCode(canister, { mode, wasmModule: wasm, arg, sender: USER }, newRound());
  if (!r.ok) throw new Error(`install failed: ${r.error.description}`);
}

/** Runs an outcome's paused execution to the end. */
export async function toEnd(env: ExecutionEnvironment, out: ExecuteMessageOutcome, round: RoundContext): Promise<ExecuteMessageOutcome & { kind: 'finished' }> {
  let o = out;
  while (o.kind === 'paused') o = await env.resumePausedExecution(o.canister, round);
  return o;
}

/** Executes an ingress message to the end. */
export async function runIngress(env: ExecutionEnvironment, canister: CanisterState, msg: Ingress, round: RoundContext): Promise<ExecuteMessageOutcome & { kind: 'finished' }> {
  return toEnd(env, await env.executeCanisterInput(canister, { kind: 'ingress', ingress: msg }, round), round);
}

const MEMORY = { value: 1n << 40n };
/** Moves `from`'s output to `to` into `to`'s input queue (messages to itself are inducted locally). */
export function deliver(from: CanisterState, to: CanisterState): number {
  if (from === to) {
    const before = from.systemState.queues.hasInput();
    inductMessagesToSelf(from.systemState, MEMORY, 'application');
    return before ? 0 : Number(from.systemState.queues.hasInput());
  }
  let n = 0;
  for (let msg = from.systemState.queues.popOutput(to.canisterId); msg !== undefined; msg = from.systemState.queues.popOutput(to.canisterId)) {
    const r = pushInput(to.systemState, msg, { subnetMemory: MEMORY, subnetType: 'application', inputQueueType: 'localSubnet' });
    if (!r.ok) throw new Error(`delivery failed: ${r.error.kind}`);
    n++;
  }
  return n;
}

/** The next input of `canister`, as an execution input. */
export function nextInput(canister: CanisterState): CanisterInput | undefined {
  const m = popInput(canister.systemState);
  if (m === undefined) return undefined;
  return m.kind === 'ingress' ? { kind: 'ingress', ingress: m } : m.kind === 'request' ? { kind: 'request', request: m } : { kind: 'response', response: m as Response };
}

/** Executes every input (and the calls to itself they make) until none is left; returns the instructions used. */
export async function drain(env: ExecutionEnvironment, canister: CanisterState, round: RoundContext): Promise<bigint> {
  let used = 0n;
  for (;;) {
    deliver(canister, canister);
    const input = nextInput(canister);
    if (input === undefined) return used;
    used += (await toEnd(env, await env.executeCanisterInput(canister, input, round), round)).instructionsUsed;
  }
}

/** A u64 little-endian. */
export function u64(bytes: Uint8Array, at = 0): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, true);
}

/** A u32 argument, little-endian. */
export function u32Arg(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

/**
 * The test canister (counter at 0x1000, u64):
 * - `inc` +1, replies the counter; `reject` rejects "nope"; `trap` +1 then traps "boom";
 *   `noreply` +1 and returns; `spin` loops arg (u32) times, +1, replies the counter;
 *   `burn` +1, burns arg (u64) cycles, replies;
 * - `call_self` calls its own method named by arg; the reply callback replies "R" + reply,
 *   the reject callback "J" + code byte + message; `call_then_trap` does the same, +1, traps;
 * - `call_trap_cb`: calls `inc`, the reply callback adds 1000 and traps "cb", cleanup
 *   (env 9) writes 0xc1ea at 0x2000; `call_trap_both`: the cleanup traps "cl" too;
 *   `call_spin_cb`: calls `inc`, the reply callback loops 300,000 times before replying;
 * - `pay` calls `accept_half` on the canister whose id is arg, attaching 1,000,000 cycles;
 *   `accept_half` accepts half of what is available, +1, replies the counter;
 * - `get`, `peek` (queries): reply the counter; `peek` first adds 100 (discarded); `cleaned` replies 0x2000;
 * - `set_timer` sets the global timer to arg (u64); heartbeat +1 at 0x1008; global timer +1 at 0x1010;
 *   `tasks` (query) replies 0x1008..0x1018;
 * - inspect_message accepts every method but `forbidden`; `canister_init` stores arg[0] at 0x1018.
 */
export const TEST_WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reject" (func $reject (param i32 i32)))
  (import "ic0" "msg_reject_code" (func $reject_code (result i32)))
  (import "ic0" "msg_reject_msg_size" (func $reject_msg_size (result i32)))
  (import "ic0" "msg_reject_msg_copy" (func $reject_msg_copy (param i32 i32 i32)))
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_method_name_size" (func $name_size (result i32)))
  (import "ic0" "accept_message" (func $accept))
  (import "ic0" "canister_self_size" (func $self_size (result i32)))
  (import "ic0" "canister_self_copy" (func $self_copy (param i32 i32 i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_on_cleanup" (func $on_cleanup (param i32 i32)))
  (import "ic0" "call_perform" (func $perform (result i32)))
  (import "ic0" "cycles_burn128" (func $burn (param i64 i64 i32)))
  (import "ic0" "global_timer_set" (func $timer_set (param i64) (result i64)))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (import "ic0" "msg_cycles_available128" (func $available (param i32)))
  (import "ic0" "msg_cycles_accept128" (func $accept_cycles (param i64 i64 i32)))
  (import "ic0" "call_cycles_add128" (func $cycles_add (param i64 i64)))
  (memory 1)
  (data (i32.const 0x40) "boomnopecbclincaccept_half")
  (table 8 funcref)
  (elem (i32.const 0) $on_reply $on_reject $trapping_reply $cleanup $trapping_cleanup $spin_reply)
  (func $bump (param $n i64) (i64.store (i32.const 0x1000) (i64.add (i64.load (i32.const 0x1000)) (local.get $n))))
  (func $reply_counter (call $append (i32.const 0x1000) (i32.const 8)) (call $reply))
  (func (export "canister_init") (if (call $arg_size) (then (call $arg_copy (i32.const 0x1018) (i32.const 0) (i32.const 1)))))
  (func (export "canister_update inc") (call $bump (i64.const 1)) (call $reply_counter))
  (func (export "canister_update reject") (call $reject (i32.const 0x44) (i32.const 4)))
  (func (export "canister_update trap") (call $bump (i64.const 1)) (call $trap (i32.const 0x40) (i32.const 4)))
  (func (export "canister_update noreply") (call $bump (i64.const 1)))
  (func (export "canister_update spin") (local $i i32) (local $n i32)
    (call $arg_copy (i32.const 0x100) (i32.const 0) (i32.const 4))
    (local.set $n (i32.load (i32.const 0x100)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i64.store (i32.add (i32.const 0x3000) (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 0x7ff8))) (i64.extend_i32_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (call $bump (i64.const 1)) (call $reply_counter))
  (func (export "canister_update burn")
    (call $arg_copy (i32.const 0x100) (i32.const 0) (i32.const 8))
    (call $burn (i64.const 0) (i64.load (i32.const 0x100)) (i32.const 0x110))
    (call $bump (i64.const 1)) (call $reply_counter))
  (func $call (param $name i32) (param $len i32) (param $reply_fun i32) (param $cleanup i32)
    (call $self_copy (i32.const 0x20) (i32.const 0) (call $self_size))
    (call $call_new (i32.const 0x20) (call $self_size) (local.get $name) (local.get $len) (local.get $reply_fun) (i32.const 7) (i32.const 1) (i32.const 8))
    (if (i32.ge_s (local.get $cleanup) (i32.const 0)) (then (call $on_cleanup (local.get $cleanup) (i32.const 9))))
    (drop (call $perform)))
  (func (export "canister_update call_self")
    (call $arg_copy (i32.const 0x200) (i32.const 0) (call $arg_size))
    (call $call (i32.const 0x200) (call $arg_size) (i32.const 0) (i32.const -1)))
  (func (export "canister_update call_then_trap")
    (call $arg_copy (i32.const 0x200) (i32.const 0) (call $arg_size))
    (call $call (i32.const 0x200) (call $arg_size) (i32.const 0) (i32.const -1))
    (call $bump (i64.const 1)) (call $trap (i32.const 0x40) (i32.const 4)))
  (func (export "canister_update call_trap_cb") (call $call (i32.const 0x4c) (i32.const 3) (i32.const 2) (i32.const 3)))
  (func (export "canister_update call_trap_both") (call $call (i32.const 0x4c) (i32.const 3) (i32.const 2) (i32.const 4)))
  (func (export "canister_update call_spin_cb") (call $call (i32.const 0x4c) (i32.const 3) (i32.const 5) (i32.const -1)))
  (func (export "canister_update pay")
    (call $arg_copy (i32.const 0x20) (i32.const 0) (call $arg_size))
    (call $call_new (i32.const 0x20) (call $arg_size) (i32.const 0x4f) (i32.const 11) (i32.const 0) (i32.const 7) (i32.const 1) (i32.const 8))
    (call $cycles_add (i64.const 0) (i64.const 1000000))
    (drop (call $perform)))
  (func (export "canister_update accept_half")
    (call $available (i32.const 0x100))
    (call $accept_cycles (i64.const 0) (i64.div_u (i64.load (i32.const 0x100)) (i64.const 2)) (i32.const 0x110))
    (call $bump (i64.const 1)) (call $reply_counter))
  (func $on_reply (param $env i32)
    (i32.store8 (i32.const 0x300) (i32.const 82)) (call $append (i32.const 0x300) (i32.const 1))
    (call $arg_copy (i32.const 0x400) (i32.const 0) (call $arg_size)) (call $append (i32.const 0x400) (call $arg_size)) (call $reply))
  (func $on_reject (param $env i32)
    (i32.store8 (i32.const 0x300) (i32.const 74)) (i32.store8 (i32.const 0x301) (call $reject_code)) (call $append (i32.const 0x300) (i32.const 2))
    (call $reject_msg_copy (i32.const 0x400) (i32.const 0) (call $reject_msg_size)) (call $append (i32.const 0x400) (call $reject_msg_size)) (call $reply))
  (func $trapping_reply (param $env i32) (call $bump (i64.const 1000)) (call $trap (i32.const 0x48) (i32.const 2)))
  (func $spin_reply (param $env i32) (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 300000))))
    (call $on_reply (local.get $env)))
  (func $cleanup (param $env i32) (i32.store (i32.const 0x2000) (i32.const 0xc1ea)) (i32.store (i32.const 0x2004) (local.get $env)))
  (func $trapping_cleanup (param $env i32) (i32.store (i32.const 0x2000) (i32.const 0xbad)) (call $trap (i32.const 0x4a) (i32.const 2)))
  (func (export "canister_update set_timer")
    (call $arg_copy (i32.const 0x100) (i32.const 0) (i32.const 8)) (drop (call $timer_set (i64.load (i32.const 0x100)))) (call $reply))
  (func (export "canister_query get") (call $reply_counter))
  (func (export "canister_query peek") (call $bump (i64.const 100)) (call $reply_counter))
  (func (export "canister_query cleaned") (call $append (i32.const 0x2000) (i32.const 8)) (call $reply))
  (func (export "canister_query tasks") (call $append (i32.const 0x1008) (i32.const 17)) (call $reply))
  (func (export "canister_heartbeat") (i64.store (i32.const 0x1008) (i64.add (i64.load (i32.const 0x1008)) (i64.const 1))))
  (func (export "canister_global_timer") (i64.store (i32.const 0x1010) (i64.add (i64.load (i32.const 0x1010)) (i64.const 1))))
  (func (export "canister_inspect_message") (if (i32.ne (call $name_size) (i32.const 9)) (then (call $accept)))))`;

let compiled: Promise<Uint8Array> | undefined;
/** The test canister's module. */
export function testWasm(): Promise<Uint8Array> {
  return (compiled ??= watToWasm(TEST_WAT));
}

/** A canister with the test canister installed. */
export async function testCanister(env: ExecutionEnvironment, id = 1n, balance = 100n * T): Promise<CanisterState> {
  const c = newCanister(id, balance);
  await install(env, c, await testWasm());
  return c;
}
