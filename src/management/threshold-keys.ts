/**
 * Threshold keys: `ecdsa_public_key`, `sign_with_ecdsa` (secp256k1),
 * `schnorr_public_key`, `sign_with_schnorr` (BIP-340 secp256k1 with the
 * optional BIP-341 tweak, and Ed25519), `vetkd_public_key`,
 * `vetkd_derive_key` (BLS12-381 G2) — canisters only.
 *
 * The subnet holds its master keys locally (`ManagementEnvironment.thresholdKeys`,
 * threshold/keys.ts: PocketIC's keys by default) and derives and signs as the
 * IC does (threshold/secp256k1.ts, ed25519.ts, vetkd.ts): the derivation path
 * is the caller's (or `canister_id`'s) principal bytes followed by the
 * call's `derivation_path`; vetKD derives from the canister then the
 * `context`. So public keys and chain codes are the ones the IC's offline
 * derivation (`ic-secp256k1`, `ic-ed25519`, `ic-vetkeys`) computes from the
 * master public keys, and with the default keys the ones PocketIC answers.
 *
 * Answers come at once, in the round that takes the call from the subnet
 * queue: locally there is no consensus round trip (on the IC a signing call
 * waits for the threshold protocol and is answered in a later round). The
 * answers are deterministic: ECDSA uses RFC 6979 nonces, BIP-340 auxiliary
 * randomness is derived from the key and the message, Ed25519 is
 * deterministic, and the vetKD encryption nonce is derived from its inputs.
 *
 * Order of checks, as the replica: routing (argument decodes within its
 * bounds, key held — threshold/args.ts, rejects with code 3 and all cycles
 * back), then Schnorr `aux` or the vetKD transport key, then the fee
 * (`*_signature_fee`/`vetkd_fee` at this subnet's size, IC0406 if the call
 * brings less; the rest of the attached cycles is refunded). Public-key calls
 * are free and refund everything. No state changes but the refund.
 */
import { InternalBug } from '../errors/index.ts';
import type { CyclesUseCase } from '../types/index.ts';
import type { ManagementCall, ManagementContext, ManagementOutcome, Handler } from './types.ts';
import { replyWith, unopt } from './candid.ts';
import {
  PublicKeyResult, ROUTES, SignatureResult, VetKdDeriveKeyResult, VetKdPublicKeyResult, bytes, route,
} from './threshold/args.ts';
import type { SignWithSchnorrValue } from './threshold/args.ts';
import {
  INVALID_TRANSPORT_KEY, auxNotSupported, bip341Failed, insufficientCycles, invalidAux, unexpectedIngress,
} from './threshold/errors.ts';
import type { KeyScheme, MasterKeyId } from './threshold/key-id.ts';
import { deriveEd25519PublicKey, deriveEd25519Secret, ed25519PublicKey, signEd25519 } from './threshold/ed25519.ts';
import {
  bip341TweakSecret, deriveSecp256k1PublicKey, deriveSecp256k1Secret, secp256k1PublicKey, signBip340, signEcdsaDigest,
} from './threshold/secp256k1.ts';
import { encryptedVetKey, parseTransportPublicKey, vetKdMasterPublicKey, vetKdPublicKey } from './threshold/vetkd.ts';

type Method = keyof typeof ROUTES;

/** The master secret of a routed (hence held) key. */
function secretOf(ctx: ManagementContext, id: MasterKeyId): bigint {
  const s = ctx.env.thresholdKeys?.secret(id);
  if (s === undefined) throw new InternalBug(`threshold key ${id.scheme}:${id.name} routed but not held`);
  return s;
}

/** The fee of a signing call at this subnet's size. */
function feeOf(ctx: ManagementContext, scheme: KeyScheme): bigint {
  const f = ctx.env.cycles.fees;
  const base = scheme === 'ecdsa_secp256k1' ? f.ecdsaSignatureFee : scheme === 'vetkd_bls12_381_g2' ? f.vetkdFee : f.schnorrSignatureFee;
  return ctx.env.cycles.scaleCost(base);
}

/** The principal bytes the derivation starts from: `canister_id` if given, else the caller. */
function derivationRoot(call: ManagementCall, canisterId: [] | [{ toUint8Array(): Uint8Array }]): Uint8Array {
  const given = unopt(canisterId);
  return given === undefined ? Uint8Array.from(call.sender.bytesView()) : given.toUint8Array();
}

const callerBytes = (call: ManagementCall): Uint8Array => Uint8Array.from(call.sender.bytesView());

/** Wraps a handler: canisters only (ingress never passes induction; if it did, IC0536 as the replica). */
function canistersOnly(method: Method, run: (call: ManagementCall, ctx: ManagementContext) => ManagementOutcome): Handler {
  return (call, ctx) => (call.message.kind === 'ingress' ? unexpectedIngress(method) : run(call, ctx));
}

/** The subnet's use case of a signing fee (`subnet_metrics`). */
const FEE_USE_CASE: Readonly<Record<KeyScheme, CyclesUseCase>> = {
  ecdsa_secp256k1: 'ecdsaOutcalls', schnorr_bip340secp256k1: 'schnorrOutcalls', schnorr_ed25519: 'schnorrOutcalls', vetkd_bls12_381_g2: 'vetKd',
};

/** `reply` with the fee of `scheme` kept (and counted by the subnet), or IC0406 if the call brought less than the fee. */
function charged(call: ManagementCall, ctx: ManagementContext, scheme: KeyScheme, sign: () => ManagementOutcome): ManagementOutcome {
  const fee = feeOf(ctx, scheme);
  if (call.payment < fee) return insufficientCycles(call.method, call.payment, fee);
  const outcome = sign();
  if (outcome.kind !== 'reply') return outcome;
  ctx.state.metadata.subnetMetrics.observeFee(FEE_USE_CASE[scheme], fee);
  return { ...outcome, cyclesUsed: fee };
}

const ecdsaPublicKey = canistersOnly('ecdsa_public_key', (call, ctx) => {
  const r = route(call, ctx, ROUTES.ecdsa_public_key);
  if (!r.ok) return r.outcome;
  const path = [derivationRoot(call, r.value.canister_id), ...r.value.derivation_path.map(bytes)];
  const k = deriveSecp256k1PublicKey(secp256k1PublicKey(secretOf(ctx, r.keyId)), path);
  return replyWith([PublicKeyResult], [{ public_key: k.publicKey, chain_code: k.chainCode }]);
});

const signWithEcdsa = canistersOnly('sign_with_ecdsa', (call, ctx) => {
  const r = route(call, ctx, ROUTES.sign_with_ecdsa);
  if (!r.ok) return r.outcome;
  return charged(call, ctx, r.keyId.scheme, () => {
    const secret = deriveSecp256k1Secret(secretOf(ctx, r.keyId), [callerBytes(call), ...r.value.derivation_path.map(bytes)]);
    return replyWith([SignatureResult], [{ signature: signEcdsaDigest(secret, bytes(r.value.message_hash)) }]);
  });
});

const schnorrPublicKey = canistersOnly('schnorr_public_key', (call, ctx) => {
  const r = route(call, ctx, ROUTES.schnorr_public_key);
  if (!r.ok) return r.outcome;
  const path = [derivationRoot(call, r.value.canister_id), ...r.value.derivation_path.map(bytes)];
  const master = secretOf(ctx, r.keyId);
  const k = r.keyId.scheme === 'schnorr_ed25519'
    ? deriveEd25519PublicKey(ed25519PublicKey(master), path)
    : deriveSecp256k1PublicKey(secp256k1PublicKey(master), path);
  return replyWith([PublicKeyResult], [{ public_key: k.publicKey, chain_code: k.chainCode }]);
});

/** The BIP-341 merkle root of `aux`, `undefined` without one, or the reject of a bad `aux`. */
function merkleRootOf(v: SignWithSchnorrValue, scheme: KeyScheme): { readonly root?: Uint8Array } | { readonly reject: ManagementOutcome } {
  const aux = unopt(v.aux);
  if (aux === undefined) return {};
  if (scheme === 'schnorr_ed25519') return { reject: auxNotSupported(scheme) };
  const root = bytes(aux.bip341.merkle_root_hash);
  return root.length === 0 || root.length === 32 ? { root } : { reject: invalidAux(scheme) };
}

const signWithSchnorr = canistersOnly('sign_with_schnorr', (call, ctx) => {
  const r = route(call, ctx, ROUTES.sign_with_schnorr);
  if (!r.ok) return r.outcome;
  const aux = merkleRootOf(r.value, r.keyId.scheme);
  if ('reject' in aux) return aux.reject;
  return charged(call, ctx, r.keyId.scheme, () => {
    const path = [callerBytes(call), ...r.value.derivation_path.map(bytes)];
    const message = bytes(r.value.message);
    const master = secretOf(ctx, r.keyId);
    if (r.keyId.scheme === 'schnorr_ed25519') {
      return replyWith([SignatureResult], [{ signature: signEd25519(deriveEd25519Secret(master, path), message) }]);
    }
    let secret: bigint | undefined = deriveSecp256k1Secret(master, path);
    if (aux.root !== undefined) secret = bip341TweakSecret(secret, aux.root);
    if (secret === undefined) return bip341Failed(r.keyId);
    return replyWith([SignatureResult], [{ signature: signBip340(secret, message) }]);
  });
});

const vetkdPublicKey = canistersOnly('vetkd_public_key', (call, ctx) => {
  const r = route(call, ctx, ROUTES.vetkd_public_key);
  if (!r.ok) return r.outcome;
  const mpk = vetKdMasterPublicKey(secretOf(ctx, r.keyId));
  return replyWith([VetKdPublicKeyResult], [{ public_key: vetKdPublicKey(mpk, derivationRoot(call, r.value.canister_id), bytes(r.value.context)) }]);
});

const vetkdDeriveKey = canistersOnly('vetkd_derive_key', (call, ctx) => {
  const r = route(call, ctx, ROUTES.vetkd_derive_key);
  if (!r.ok) return r.outcome;
  const transportPublicKey = parseTransportPublicKey(bytes(r.value.transport_public_key));
  if (transportPublicKey === undefined) return INVALID_TRANSPORT_KEY;
  return charged(call, ctx, r.keyId.scheme, () => {
    const encrypted = encryptedVetKey(secretOf(ctx, r.keyId), {
      canisterId: callerBytes(call), context: bytes(r.value.context), input: bytes(r.value.input), transportPublicKey,
    });
    return replyWith([VetKdDeriveKeyResult], [{ encrypted_key: encrypted }]);
  });
});

export const handlers: Readonly<Record<string, Handler>> = {
  ecdsa_public_key: ecdsaPublicKey,
  sign_with_ecdsa: signWithEcdsa,
  schnorr_public_key: schnorrPublicKey,
  sign_with_schnorr: signWithSchnorr,
  vetkd_public_key: vetkdPublicKey,
  vetkd_derive_key: vetkdDeriveKey,
};
