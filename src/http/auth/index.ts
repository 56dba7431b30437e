// Public face of src/http/auth: authenticating requests at the HTTP
// boundary — strict envelope decoding (call, query, read_state), the request
// id, sender authentication (Ed25519, ECDSA P-256 and secp256k1, WebAuthn,
// canister signatures), delegation chains and targets, the expiry window —
// with the replica's statuses and wording.
export { authenticate } from './authenticate.ts';
export type { AuthenticateOptions, AuthenticatedRequest } from './authenticate.ts';
export { decodeEnvelope, delegationHash } from './envelope.ts';
export type {
  Authentication, CanisterCallContent, DecodedEnvelope, Delegation, ReadStateContent, RequestContent, RequestType,
  SenderInfo, SignedDelegation,
} from './envelope.ts';
export type { HttpError, HttpErrorStatus, HttpResult } from './errors.ts';
export { validateRequest, targetsContain, ALL_TARGETS } from './validate.ts';
export type { DelegationTargets } from './validate.ts';
export { decodeCbor } from './cbor.ts';
export type { CborMap, CborValue } from './cbor.ts';
export { parsePublicKey, selfAuthenticatingPrincipal, canisterSigPublicKeyDer, coseKeyToDer } from './public-key.ts';
export type { UserPublicKey } from './public-key.ts';
