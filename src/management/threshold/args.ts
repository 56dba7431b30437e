// The Candid of the threshold-key methods, and the replica's routing step
// for them (`resolve_destination`): decode the argument with the bounds its
// Rust types impose (`derivation_path` ≤ 255 items, ECDSA `message_hash` of
// 32 bytes, vetKD `transport_public_key` of 48 bytes, checked in the
// argument's wire field order as the Rust decoder meets them), then find a
// subnet holding the key. Failures are routing rejects (errors.ts).
import { IDL, idlLabelToId } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { decodeCandid } from '../../messaging/index.ts';
import type { ManagementCall, ManagementContext, ManagementOutcome } from '../types.ts';
import type { Opt } from '../candid.ts';
import { undecodableReject, unknownKeyReject } from './errors.ts';
import { EcdsaKeyId, SchnorrKeyId, VetKdKeyId, ecdsaKeyId, schnorrKeyId, vetKdKeyId } from './key-id.ts';
import type { EcdsaKeyIdValue, MasterKeyId, SchnorrKeyIdValue, VetKdKeyIdValue } from './key-id.ts';

/** Most items of a derivation path (`MAXIMUM_DERIVATION_PATH_LENGTH`). */
export const MAXIMUM_DERIVATION_PATH_LENGTH = 255;

const Blob = IDL.Vec(IDL.Nat8);
const DerivationPath = IDL.Vec(Blob);

export const EcdsaPublicKeyArgs = IDL.Record({ canister_id: IDL.Opt(IDL.Principal), derivation_path: DerivationPath, key_id: EcdsaKeyId });
export const SignWithEcdsaArgs = IDL.Record({ message_hash: Blob, derivation_path: DerivationPath, key_id: EcdsaKeyId });
export const SchnorrPublicKeyArgs = IDL.Record({ canister_id: IDL.Opt(IDL.Principal), derivation_path: DerivationPath, key_id: SchnorrKeyId });
export const SchnorrAux = IDL.Variant({ bip341: IDL.Record({ merkle_root_hash: Blob }) });
export const SignWithSchnorrArgs = IDL.Record({ message: Blob, derivation_path: DerivationPath, key_id: SchnorrKeyId, aux: IDL.Opt(SchnorrAux) });
export const VetKdPublicKeyArgs = IDL.Record({ canister_id: IDL.Opt(IDL.Principal), context: Blob, key_id: VetKdKeyId });
export const VetKdDeriveKeyArgs = IDL.Record({ input: Blob, context: Blob, transport_public_key: Blob, key_id: VetKdKeyId });

export const PublicKeyResult = IDL.Record({ public_key: Blob, chain_code: Blob });
export const SignatureResult = IDL.Record({ signature: Blob });
export const VetKdPublicKeyResult = IDL.Record({ public_key: Blob });
export const VetKdDeriveKeyResult = IDL.Record({ encrypted_key: Blob });

type Bytes = Uint8Array | number[];
export interface EcdsaPublicKeyValue { canister_id: Opt<Principal>; derivation_path: Bytes[]; key_id: EcdsaKeyIdValue }
export interface SignWithEcdsaValue { message_hash: Bytes; derivation_path: Bytes[]; key_id: EcdsaKeyIdValue }
export interface SchnorrPublicKeyValue { canister_id: Opt<Principal>; derivation_path: Bytes[]; key_id: SchnorrKeyIdValue }
export interface SignWithSchnorrValue { message: Bytes; derivation_path: Bytes[]; key_id: SchnorrKeyIdValue; aux: Opt<{ bip341: { merkle_root_hash: Bytes } }> }
export interface VetKdPublicKeyValue { canister_id: Opt<Principal>; context: Bytes; key_id: VetKdKeyIdValue }
export interface VetKdDeriveKeyValue { input: Bytes; context: Bytes; transport_public_key: Bytes; key_id: VetKdKeyIdValue }

/** Bytes of a decoded `blob`. */
export const bytes = (b: Bytes): Uint8Array => Uint8Array.from(b);

/** A bound of the replica's Rust argument type on one field: the `Deserialize error: …` if it is broken. */
type Bound<T> = readonly [field: string, check: (value: T) => string | undefined];

const pathBound = <T extends { derivation_path: Bytes[] }>(): Bound<T> => ['derivation_path', (v) =>
  v.derivation_path.length > MAXIMUM_DERIVATION_PATH_LENGTH
    ? `The number of elements exceeds maximum allowed ${MAXIMUM_DERIVATION_PATH_LENGTH}` : undefined];

const lengthBound = <T>(field: string, get: (v: T) => Bytes, n: number, what: string): Bound<T> => [field, (v) => {
  const len = get(v).length;
  return len === n ? undefined : `invalid length ${len}, expected ${what} of length ${n}`;
}];

/** How each method is routed: its argument type, bounds and key. */
interface Route<T> {
  readonly type: IDL.Type;
  readonly bounds: readonly Bound<T>[];
  readonly key: (v: T) => MasterKeyId;
  /** Signing methods need the key enabled; public-key methods only held. */
  readonly signing: boolean;
}

export const ROUTES = {
  ecdsa_public_key: { type: EcdsaPublicKeyArgs, bounds: [pathBound()], key: (v) => ecdsaKeyId(v.key_id), signing: false } satisfies Route<EcdsaPublicKeyValue>,
  sign_with_ecdsa: {
    type: SignWithEcdsaArgs, key: (v) => ecdsaKeyId(v.key_id), signing: true,
    bounds: [pathBound(), lengthBound('message_hash', (v) => v.message_hash, 32, 'an array')],
  } satisfies Route<SignWithEcdsaValue>,
  schnorr_public_key: { type: SchnorrPublicKeyArgs, bounds: [pathBound()], key: (v) => schnorrKeyId(v.key_id), signing: false } satisfies Route<SchnorrPublicKeyValue>,
  sign_with_schnorr: { type: SignWithSchnorrArgs, bounds: [pathBound()], key: (v) => schnorrKeyId(v.key_id), signing: true } satisfies Route<SignWithSchnorrValue>,
  vetkd_public_key: { type: VetKdPublicKeyArgs, bounds: [], key: (v) => vetKdKeyId(v.key_id), signing: false } satisfies Route<VetKdPublicKeyValue>,
  vetkd_derive_key: {
    type: VetKdDeriveKeyArgs, key: (v) => vetKdKeyId(v.key_id), signing: true,
    bounds: [lengthBound('transport_public_key', (v) => v.transport_public_key, 48, 'a byte array')],
  } satisfies Route<VetKdDeriveKeyValue>,
} as const;

/** A routed call: its decoded argument and the key it names. */
export type Routed<T> = { readonly ok: true; readonly value: T; readonly keyId: MasterKeyId } | { readonly ok: false; readonly outcome: ManagementOutcome };

/** The replica's routing of `call` (see the module header). */
export function route<T>(call: ManagementCall, ctx: ManagementContext, r: Route<T>): Routed<T> {
  let value: T;
  try {
    [value] = decodeCandid([r.type], call.arg) as [T];
  } catch (e) {
    return { ok: false, outcome: undecodableReject(call.method, e instanceof Error ? e.message : String(e)) };
  }
  const bounds = [...r.bounds].sort((a, b) => idlLabelToId(a[0]) - idlLabelToId(b[0]));
  for (const [, check] of bounds) {
    const broken = check(value);
    if (broken !== undefined) return { ok: false, outcome: undecodableReject(call.method, `Deserialize error: ${broken}`) };
  }
  const keyId = r.key(value);
  const held = ctx.env.thresholdKeys?.keyIds ?? [];
  if (!held.some((k) => k.scheme === keyId.scheme && k.name === keyId.name)) {
    return { ok: false, outcome: unknownKeyReject(call.method, keyId, held, r.signing) };
  }
  return { ok: true, value, keyId };
}
