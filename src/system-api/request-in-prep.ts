// The call under construction between `ic0.call_new` and `ic0.call_perform`,
// after `rs/embedders/src/wasmtime_embedder/system_api/request_in_prep.rs`.
//
// Limits and wording (replica):
// - method name ≤ 20,000 bytes (`max_sum_exported_function_name_lengths`),
//   checked before the name's bounds: `Size of method_name N exceeds the
//   allowed limit of 20000.`; the name is decoded lossily as UTF-8;
// - callee ≤ 29 bytes, else `InvalidPrincipalId`;
// - method name + argument ≤ 10 MiB (2 MiB × 5, the same-subnet limit):
//   `Request to <callee>:<method> has a payload size of N, which exceeds the
//   allowed limit of 10485760.`;
// - `call_on_cleanup` at most once; `call_with_best_effort_response` at most
//   once, its timeout capped at 300 s.
import type { Cycles } from '../types/index.ts';
import { CanisterId, PrincipalId } from '../types/index.ts';
import {
  MAX_CALL_TIMEOUT_SECONDS,
  MAX_INTER_CANISTER_PAYLOAD_IN_BYTES,
  MAX_SUM_EXPORTED_FUNCTION_NAME_LENGTHS,
  MULTIPLIER_MAX_SIZE_LOCAL_SUBNET,
} from '../config/index.ts';
import { HostTrap, toolchainViolation, userViolation } from './host-trap.ts';
import { exactU64, lossyUtf8, validSubslice } from './heap.ts';
import type { WasmClosure } from './system-state.ts';

const MAX_LOCAL_PAYLOAD = Number(MAX_INTER_CANISTER_PAYLOAD_IN_BYTES * MULTIPLIER_MAX_SIZE_LOCAL_SUBNET);
// The replica's suggestion text really contains the braces (a format string it never fills).
const LARGE_NAME_SUGGESTION = 'Size of method_name {} exceeds the allowed limit of {}.';
const LARGE_NAME_ANCHOR = 'canister-made-a-call-with-too-large-method-name';
const PAYLOAD_SIZE_SUGGESTION = 'Check the canister for errors or redesign the target API to allow shorter messages';
const PAYLOAD_SIZE_ANCHOR = 'canister-made-a-call-with-too-large-payload';

/** An outgoing call being built. */
export class RequestInPrep {
  readonly callee: CanisterId;
  readonly methodName: string;
  readonly onReply: WasmClosure;
  readonly onReject: WasmClosure;
  #onCleanup: WasmClosure | undefined;
  #cycles = 0n;
  #payload: Uint8Array[] = [];
  #payloadSize = 0;
  readonly #nameBytes: number;
  #timeoutSeconds: number | undefined;

  private constructor(callee: CanisterId, methodName: string, nameBytes: number, onReply: WasmClosure, onReject: WasmClosure) {
    this.callee = callee;
    this.methodName = methodName;
    this.#nameBytes = nameBytes;
    this.onReply = onReply;
    this.onReject = onReject;
  }

  /**
   * Validates `call_new`'s arguments and starts a call (`RequestInPrep::new`).
   * @throws {HostTrap} for a too-long name, out-of-bounds ranges, or an invalid callee.
   */
  static create(
    heap: Uint8Array, calleeSrc: number, calleeSize: number, nameSrc: number, nameLen: number,
    onReply: WasmClosure, onReject: WasmClosure,
  ): RequestInPrep {
    if (nameLen > MAX_SUM_EXPORTED_FUNCTION_NAME_LENGTHS) {
      throw userViolation(
        `Size of method_name ${exactU64(nameLen)} exceeds the allowed limit of ${MAX_SUM_EXPORTED_FUNCTION_NAME_LENGTHS}.`,
        LARGE_NAME_SUGGESTION, LARGE_NAME_ANCHOR,
      );
    }
    if (nameLen > MAX_LOCAL_PAYLOAD) {
      throw userViolation(`Size of method_name ${exactU64(nameLen)} exceeds the allowed limit of ${MAX_LOCAL_PAYLOAD}.`, LARGE_NAME_SUGGESTION, LARGE_NAME_ANCHOR);
    }
    const name = validSubslice('ic0.call_new method_name', nameSrc, nameLen, heap);
    const calleeBytes = validSubslice('ic0.call_new callee_src', calleeSrc, calleeSize, heap);
    let callee: PrincipalId;
    try {
      callee = PrincipalId.fromUint8Array(calleeBytes);
    } catch (e) {
      throw new HostTrap({ kind: 'InvalidPrincipalId', message: (e as Error).message });
    }
    // The replica keeps the name as a lossily decoded `String` and counts that string's bytes.
    const methodName = lossyUtf8(name);
    return new RequestInPrep(CanisterId.fromPrincipalId(callee), methodName, Buffer.byteLength(methodName, 'utf8'), onReply, onReject);
  }

  /** Cycles attached so far. */
  get cycles(): bigint {
    return this.#cycles;
  }

  /** The cleanup closure, if set. */
  get onCleanup(): WasmClosure | undefined {
    return this.#onCleanup;
  }

  /** The bounded-wait timeout in seconds, if set. */
  get timeoutSeconds(): number | undefined {
    return this.#timeoutSeconds;
  }

  /** Method-name bytes plus argument bytes. */
  get payloadSize(): number {
    return this.#nameBytes + this.#payloadSize;
  }

  /** The argument assembled so far. */
  payload(): Uint8Array {
    return Buffer.concat(this.#payload);
  }

  /** Sets the cleanup closure. @throws {HostTrap} if it was already set. */
  setOnCleanup(closure: WasmClosure): void {
    if (this.#onCleanup !== undefined) {
      throw toolchainViolation('ic0.call_on_cleanup can be called at most once between `ic0.call_new` and `ic0.call_perform`');
    }
    this.#onCleanup = closure;
  }

  /** Makes the call bounded-wait. @throws {HostTrap} if a timeout is already set. */
  setTimeout(seconds: number): void {
    if (this.#timeoutSeconds !== undefined) {
      throw toolchainViolation('ic0_call_with_best_effort_response failed because a timeout is already set.');
    }
    this.#timeoutSeconds = Math.min(seconds, MAX_CALL_TIMEOUT_SECONDS);
  }

  /** Adds cycles already withdrawn from the balance. */
  addCycles(amount: Cycles | bigint): void {
    this.#cycles += amount;
  }

  /**
   * Appends `heap[src .. src + size]` to the argument (`extend_method_payload`).
   * @throws {HostTrap} past 10 MiB, or for an out-of-bounds range.
   */
  appendPayload(heap: Uint8Array, src: number, size: number): void {
    const current = this.payloadSize;
    if (size > MAX_LOCAL_PAYLOAD - current) {
      throw userViolation(
        `Request to ${this.callee.toText()}:${this.methodName} has a payload size of ${BigInt(current) + exactU64(size)}, which exceeds the allowed limit of ${MAX_LOCAL_PAYLOAD}.`,
        PAYLOAD_SIZE_SUGGESTION, PAYLOAD_SIZE_ANCHOR,
      );
    }
    const data = validSubslice('ic0.call_data_append', src, size, heap);
    if (data.length > 0) this.#payload.push(data.slice());
    this.#payloadSize += data.length;
  }
}
