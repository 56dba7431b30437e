// `ic0.cost_*`: what operations would cost, written as u128 to `dst`
// (system_api.rs `ic0_cost_*`, fees from src/cycles):
// - `cost_call`: `xnet_call_total_fee` at the reference (13-node) size;
// - `cost_create_canister`, `cost_http_request(_v2)`: at this subnet's size;
// - `cost_sign_with_*`, `cost_vetkd_derive_key`: at the size of the largest
//   subnet holding the key; return 1 for an unknown curve/algorithm, 2 for
//   an unknown key name, 0 on success. A key name that is not UTF-8 traps.
import { decodeCostHttpRequestV2Params } from './candid-params.ts';
import {
  canisterCreationFee,
  httpRequestFee,
  httpRequestFeeV2,
  scaleCost,
  xnetCallTotalFee,
} from '../cycles/index.ts';
import { copyCyclesToHeap, lossyUtf8, strictUtf8, validSubslice } from './heap.ts';
import { toolchainViolation } from './host-trap.ts';
import type { ChainKey } from './system-state.ts';
import type { SystemApi } from './system-api.ts';

const U64_MAX = (1n << 64n) - 1n;

export function costCall(api: SystemApi, methodNameSize: bigint, payloadSize: bigint, dst: number): void {
  api.require('cost_call');
  const sum = methodNameSize + payloadSize;
  const bytes = sum > U64_MAX ? U64_MAX : sum;
  const s = api.systemState;
  copyCyclesToHeap(api, xnetCallTotalFee(s.fees, bytes, s.maxInstructionsPerMessage, api.wasm64), dst, 'ic0_cost_call');
}

export function costCreateCanister(api: SystemApi, dst: number): void {
  api.require('cost_create_canister');
  const s = api.systemState;
  copyCyclesToHeap(api, canisterCreationFee(s.fees, s.subnetSize), dst, 'ic0_cost_create_canister');
}

export function costHttpRequest(api: SystemApi, requestSize: bigint, maxResponseBytes: bigint, dst: number): void {
  api.require('cost_http_request');
  const s = api.systemState;
  copyCyclesToHeap(api, httpRequestFee(s.fees, requestSize, maxResponseBytes, s.subnetSize), dst, 'ic0_cost_http_request');
}

export function costHttpRequestV2(api: SystemApi, paramsSrc: number, paramsSize: number, dst: number): void {
  api.require('cost_http_request_v2');
  const heap = api.heap();
  const params = decodeCostHttpRequestV2Params(validSubslice('ic0.cost_http_request_v2 heap', paramsSrc, paramsSize, heap));
  if (typeof params === 'string') throw toolchainViolation(`Failed to decode HttpRequestV2CostParams from Candid: ${params}`);
  copyCyclesToHeap(api, httpRequestFeeV2(params, api.systemState.subnetSize), dst, 'ic0_cost_http_request_v2');
}

const KNOWN_CURVES: Readonly<Record<ChainKey['kind'], readonly number[]>> = {
  ecdsa: [0],
  schnorr: [0, 1],
  vetkd: [0],
};

const NAMES = {
  ecdsa: 'cost_sign_with_ecdsa',
  schnorr: 'cost_sign_with_schnorr',
  vetkd: 'cost_vetkd_derive_key',
} as const;

/** `cost_sign_with_ecdsa`, `cost_sign_with_schnorr`, `cost_vetkd_derive_key`. */
export function costThresholdKey(api: SystemApi, kind: ChainKey['kind'], src: number, size: number, curve: number, dst: number): number {
  const name = NAMES[kind];
  api.require(name);
  const heap = api.heap();
  const keyBytes = validSubslice(`ic0.${name} heap`, src, size, heap);
  const keyName = strictUtf8(keyBytes);
  if (keyName === undefined) throw toolchainViolation(`Failed to decode key name ${lossyUtf8(keyBytes)}`);
  const c = curve >>> 0;
  if (!KNOWN_CURVES[kind].includes(c)) return 1;
  let largest: bigint | undefined;
  for (const k of api.systemState.chainKeys) {
    if (k.kind === kind && k.curve === c && k.name === keyName && (largest === undefined || k.subnetSize > largest)) largest = k.subnetSize;
  }
  if (largest === undefined) return 2;
  const fees = api.systemState.fees;
  const fee = kind === 'ecdsa' ? fees.ecdsaSignatureFee : kind === 'schnorr' ? fees.schnorrSignatureFee : fees.vetkdFee;
  copyCyclesToHeap(api, scaleCost(fees, fee, largest), dst, `ic0_${name}`);
  return 0;
}
