/**
 * Canister signatures (interface spec, "Canister signatures"; the replica's
 * `ic_crypto_iccsa`).
 *
 * The public key names a signing canister and a seed; the signature is CBOR
 * `{ certificate: blob, tree: hash-tree }`. It is valid for `message` iff
 * 1. the certificate verifies under this replica's root key (BLS over
 *    `ds("ic-state-root") ‖ digest(certificate.tree)`),
 * 2. the certificate's `/canister/<signing canister>/certified_data` is
 *    the digest of `tree`, and
 * 3. `tree` holds `/sig/<SHA-256(seed)>/<SHA-256(message)>` as an empty leaf.
 *
 * Certificates are read by src/state-manager's `decodeCertificate`, which
 * refuses those with a subnet delegation (issued on mainnet by non-root
 * subnets): this replica is the root subnet and signs its certificates with
 * the root key directly.
 *
 * Errors are the replica's `CryptoError` texts (`MalformedSignature`,
 * `SignatureVerification` of algorithm `IcCanisterSignature`).
 */
import { blsVerify, sha256, stateRootMessage } from '../../crypto/index.ts';
import { decodeCertificate, digest, hashTreeFromCbor, lookupPath, MAX_HASH_TREE_DEPTH } from '../../state-manager/index.ts';
import type { HashTree } from '../../state-manager/index.ts';
import { cborTypeName, decodeCbor, isCborMap } from './cbor.ts';
import type { CborValue } from './cbor.ts';
import { malformedSignature, signatureVerification } from './errors.ts';
import type { UserPublicKey } from './public-key.ts';

type CanisterSigKey = Extract<UserPublicKey, { kind: 'IcCanisterSignature' }>;

function readTree(value: CborValue | undefined, what: string): HashTree | string {
  if (value === undefined) return `missing field \`${what}\``;
  const t = hashTreeFromCbor(value);
  return t.ok ? t.tree : `${what}: ${t.error}`;
}

/** `{ certificate, tree }` of a canister signature, or why not. */
function parseSignature(bytes: Uint8Array): { certificate: Uint8Array; tree: HashTree } | string {
  const d = decodeCbor(bytes, MAX_HASH_TREE_DEPTH);
  if (!d.ok) return d.error;
  if (!isCborMap(d.value)) return `invalid type: ${cborTypeName(d.value)}, expected a map`;
  const certificate = d.value.get('certificate');
  if (!(certificate instanceof Uint8Array)) return 'missing field `certificate` or not a byte string';
  const tree = readTree(d.value.get('tree'), 'tree');
  return typeof tree === 'string' ? tree : { certificate, tree };
}

/**
 * Verifies a canister signature of `message` (domain separator included).
 * @param rootKey the replica's 96-byte BLS root key.
 * @returns `undefined` if valid, else the `CryptoError` text.
 */
export function verifyCanisterSignature(key: CanisterSigKey, signature: Uint8Array, message: Uint8Array, rootKey: Uint8Array): string | undefined {
  const malformed = (why: string) => malformedSignature('IcCanisterSignature', signature, why);
  const failed = (why: string) => signatureVerification('IcCanisterSignature', key.der, signature, why);
  const sig = parseSignature(signature);
  if (typeof sig === 'string') return malformed(`failed to parse canister signature: ${sig}`);
  const decoded = decodeCertificate(sig.certificate);
  if (!decoded.ok) return malformed(`malformed certificate: ${decoded.error}`);
  const cert = decoded.value;
  if (!blsVerify(rootKey, cert.signature, stateRootMessage(digest(cert.tree)))) {
    return failed('certificate verification failed: invalid BLS signature under the root key');
  }
  const certified = lookupPath(['canister', key.signingCanister.bytesView(), 'certified_data'], cert.tree);
  if (certified.kind !== 'found' || Buffer.compare(certified.value, digest(sig.tree)) !== 0) {
    return failed(`certificate verification failed: certified data of canister ${key.signingCanister.toText()} does not match the signature tree`);
  }
  const entry = lookupPath(['sig', sha256(key.seed), sha256(message)], sig.tree);
  if (entry.kind !== 'found' || entry.value.length !== 0) {
    return failed('the signature tree does not contain /sig/<SHA-256(seed)>/<SHA-256(message)>');
  }
  return undefined;
}
