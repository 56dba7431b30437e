// Threshold key ids (`MasterPublicKeyId`): which master key a call names, as
// the Candid of the management canister spells it and as the replica
// displays it in its errors (`ecdsa:Secp256k1:key_1`,
// `schnorr:Bip340Secp256k1:key_1`, `schnorr:Ed25519:key_1`,
// `vetkd:Bls12_381_G2:key_1`), and the key names a local network serves.
import { IDL } from '@dfinity/candid';

/** The signature scheme of a master key. */
export type KeyScheme = 'ecdsa_secp256k1' | 'schnorr_bip340secp256k1' | 'schnorr_ed25519' | 'vetkd_bls12_381_g2';

/** One master key: its scheme and name. */
export interface MasterKeyId {
  readonly scheme: KeyScheme;
  readonly name: string;
}

/** Every scheme, in the order the IC lists them. */
export const KEY_SCHEMES: readonly KeyScheme[] = ['ecdsa_secp256k1', 'schnorr_bip340secp256k1', 'schnorr_ed25519', 'vetkd_bls12_381_g2'];

/**
 * The key names PocketIC and dfx's local network hold for every scheme
 * (PocketIC: `key_1` on its II/fiduciary subnet, `test_key_1` and
 * `dfx_test_key` on its test-keys subnet).
 */
export const LOCAL_KEY_NAMES: readonly string[] = ['dfx_test_key', 'key_1', 'test_key_1'];

const SCHEME_DISPLAY: Readonly<Record<KeyScheme, string>> = {
  ecdsa_secp256k1: 'ecdsa:Secp256k1',
  schnorr_bip340secp256k1: 'schnorr:Bip340Secp256k1',
  schnorr_ed25519: 'schnorr:Ed25519',
  vetkd_bls12_381_g2: 'vetkd:Bls12_381_G2',
};

/** The replica's `Display` of a key id: `ecdsa:Secp256k1:<name>` etc. */
export function displayKeyId(id: MasterKeyId): string {
  return `${SCHEME_DISPLAY[id.scheme]}:${id.name}`;
}

/** The replica's `Display` of a Schnorr algorithm (`SchnorrAlgorithm`), as in its aux errors. */
export function schnorrAlgorithmDisplay(scheme: KeyScheme): string {
  return scheme === 'schnorr_ed25519' ? 'Ed25519' : 'Bip340Secp256k1';
}

/** The replica's `format_keys`: `[a, b, …]`, sorted by their display. */
export function formatKeyIds(ids: readonly MasterKeyId[]): string {
  const shown = ids.map(displayKeyId);
  shown.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return `[${shown.join(', ')}]`;
}

/** The canonical string of a key id, for maps. */
export function keyIdKey(id: MasterKeyId): string {
  return `${id.scheme}/${id.name}`;
}

// ---- Candid -----------------------------------------------------------------

export const EcdsaKeyId = IDL.Record({ curve: IDL.Variant({ secp256k1: IDL.Null }), name: IDL.Text });
export const SchnorrKeyId = IDL.Record({ algorithm: IDL.Variant({ bip340secp256k1: IDL.Null, ed25519: IDL.Null }), name: IDL.Text });
export const VetKdKeyId = IDL.Record({ curve: IDL.Variant({ bls12_381_g2: IDL.Null }), name: IDL.Text });

export interface EcdsaKeyIdValue { curve: { secp256k1: null }; name: string }
export interface SchnorrKeyIdValue { algorithm: { bip340secp256k1: null } | { ed25519: null }; name: string }
export interface VetKdKeyIdValue { curve: { bls12_381_g2: null }; name: string }

export function ecdsaKeyId(v: EcdsaKeyIdValue): MasterKeyId {
  return { scheme: 'ecdsa_secp256k1', name: v.name };
}

export function schnorrKeyId(v: SchnorrKeyIdValue): MasterKeyId {
  return { scheme: 'ed25519' in v.algorithm ? 'schnorr_ed25519' : 'schnorr_bip340secp256k1', name: v.name };
}

export function vetKdKeyId(v: VetKdKeyIdValue): MasterKeyId {
  return { scheme: 'vetkd_bls12_381_g2', name: v.name };
}
