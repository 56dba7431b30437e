// Public face of src/crypto: SHA-256 with the IC's domain separation, and the
// subnet's BLS12-381 key with the IC's certificate signature scheme.
export {
  SHA256_BYTES,
  IC_STATE_ROOT_DOMAIN,
  sha256,
  domainSeparator,
  withDomainSeparator,
  domainSeparated,
  concatBytes,
  bytesEqual,
} from './hash.ts';
export {
  BLS_SIGNATURE_DST,
  BLS_SECRET_KEY_BYTES,
  BLS_PUBLIC_KEY_BYTES,
  BLS_SIGNATURE_BYTES,
  BLS_MIN_SEED_BYTES,
  BLS_PUBLIC_KEY_DER_PREFIX,
  BLS_PUBLIC_KEY_DER_BYTES,
  BLS_KEY_PAIR_SERIALIZED_BYTES,
  BlsKeyPair,
  blsVerify,
  publicKeyToDer,
  publicKeyFromDer,
  stateRootMessage,
} from './bls.ts';
export type { PublicKeyCache } from './bls.ts';
