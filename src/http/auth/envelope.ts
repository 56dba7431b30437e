/**
 * The request envelope of the HTTP interface (interface spec,
 * "Authentication"), decoded strictly:
 *
 *     55799?({ content, sender_pubkey?: blob, sender_sig?: blob,
 *              sender_delegation?: [{ delegation: { pubkey: blob, expiration: nat,
 *                                                   targets?: [blob], permissions?: text },
 *                                     signature: blob }] })
 *
 *     call, query   content = { request_type, canister_id, method_name, arg, sender,
 *                               ingress_expiry, nonce?, sender_info?: { info, signer, sig } }
 *     read_state    content = { request_type, sender, ingress_expiry, paths: [[blob]], nonce? }
 *
 * Unknown or ill-typed fields are refused (400), so the request id — the
 * representation-independent hash of the content (`requestIdOf` of
 * src/messaging) — covers every field received, as the clients' own hash
 * does (agent-js hashes whatever it sends, `sender_info` included).
 *
 * Wording: a body that is not such CBOR gets the replica's `"Failed to
 * deserialize cbor request: …"` (serde's words inside); a well-formed body
 * whose principals or authentication fields do not convert gets `"Could not
 * parse body as call message: …"` (call) or `"Malformed request: …"` (query,
 * read_state), as `call.rs`/`query.rs` answer.
 */
import { representationIndependentHash } from '../../messaging/index.ts';
import type { Time } from '../../types/index.ts';
import { CanisterId, MAX_PRINCIPAL_BYTES, PrincipalId, time } from '../../types/index.ts';
import type { CborMap, CborValue } from './cbor.ts';
import { decodeCbor } from './cbor.ts';
import type { HttpResult } from './errors.ts';
import { badRequest } from './errors.ts';
import type { StructSpec } from './fields.ts';
import { asMap, readStruct } from './fields.ts';

/** The request types, one per endpoint family. */
export type RequestType = 'call' | 'query' | 'read_state';

/** `sender_info` of a call or query: `info` signed by canister `signer` (canister signature). */
export interface SenderInfo {
  readonly info: Uint8Array;
  readonly signer: Uint8Array;
  readonly sig: Uint8Array;
}

interface CommonContent {
  readonly sender: PrincipalId;
  /** Nanoseconds since the epoch. */
  readonly ingressExpiry: Time;
  readonly nonce?: Uint8Array;
}

/** The content of a `call` or `query` (for a call, an `HttpCallContent` of src/messaging). */
export interface CanisterCallContent extends CommonContent {
  readonly requestType: 'call' | 'query';
  readonly canisterId: CanisterId;
  readonly methodName: string;
  readonly arg: Uint8Array;
  readonly senderInfo?: SenderInfo;
}

/** The content of a `read_state`. */
export interface ReadStateContent extends CommonContent {
  readonly requestType: 'read_state';
  readonly paths: readonly (readonly Uint8Array[])[];
}

export type RequestContent = CanisterCallContent | ReadStateContent;

/** A delegation as received (`targets` are raw blobs, checked when validated). */
export interface Delegation {
  readonly pubkey: Uint8Array;
  /** Nanoseconds since the epoch. */
  readonly expiration: bigint;
  readonly targets?: readonly Uint8Array[];
  readonly permissions?: string;
}

export interface SignedDelegation {
  readonly delegation: Delegation;
  readonly signature: Uint8Array;
}

/** Who sent the request: nobody in particular, or a key with its signature and delegations. */
export type Authentication =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'signed'; readonly senderPubkey: Uint8Array; readonly senderSig: Uint8Array; readonly senderDelegation?: readonly SignedDelegation[] };

/** A decoded envelope. */
export interface DecodedEnvelope {
  readonly content: RequestContent;
  /** The representation-independent hash of the content (32 bytes). */
  readonly requestId: Uint8Array;
  readonly authentication: Authentication;
}

const ENVELOPE: StructSpec = {
  content: { type: 'map', required: true },
  sender_pubkey: { type: 'blob', required: false },
  sender_sig: { type: 'blob', required: false },
  sender_delegation: { type: 'array', required: false },
};
const COMMON = {
  request_type: { type: 'text', required: true },
  sender: { type: 'blob', required: true },
  ingress_expiry: { type: 'u64', required: true },
  nonce: { type: 'blob', required: false },
} as const;
const CALL: StructSpec = {
  ...COMMON,
  canister_id: { type: 'blob', required: true },
  method_name: { type: 'text', required: true },
  arg: { type: 'blob', required: true },
  sender_info: { type: 'map', required: false },
};
const READ_STATE: StructSpec = { ...COMMON, paths: { type: 'paths', required: true } };
const SENDER_INFO: StructSpec = {
  info: { type: 'blob', required: true }, signer: { type: 'blob', required: true }, sig: { type: 'blob', required: true },
};
const SIGNED_DELEGATION: StructSpec = { delegation: { type: 'map', required: true }, signature: { type: 'blob', required: true } };
const DELEGATION: StructSpec = {
  pubkey: { type: 'blob', required: true },
  expiration: { type: 'u64', required: true },
  targets: { type: 'blobs', required: false },
  permissions: { type: 'text', required: false },
};

type HashInput = Parameters<typeof representationIndependentHash>[0];

/** A validated struct as the input of the representation-independent hash (maps become records). */
function hashInput(fields: ReadonlyMap<string, CborValue>): HashInput {
  const record: Record<string, HashInput> = {};
  for (const [k, v] of fields) record[k] = (v instanceof Map ? hashInput(v as ReadonlyMap<string, CborValue>) : v) as HashInput;
  return record;
}

/** `hash_of_map` of a delegation: what its signature covers (after `ds("ic-request-auth-delegation")`). */
export function delegationHash(d: Delegation): Uint8Array {
  const fields = new Map<string, CborValue>([['pubkey', d.pubkey], ['expiration', d.expiration]]);
  if (d.targets !== undefined) fields.set('targets', d.targets);
  if (d.permissions !== undefined) fields.set('permissions', d.permissions);
  return representationIndependentHash(hashInput(fields));
}

const deserializeError = (why: string) => badRequest(`Failed to deserialize cbor request: ${why}`);

function conversionError(requestType: RequestType, variant: 'InvalidPrincipalId' | 'MissingPubkeyOrSignature', why: string) {
  const display = variant === 'InvalidPrincipalId' ? `invalid princial id: ${why}` : `missing pubkey or signature: ${why}`;
  return badRequest(requestType === 'call'
    ? `Could not parse body as call message: ${display}`
    : `Malformed request: ${variant}(${JSON.stringify(why)})`);
}

function readDelegations(items: readonly CborValue[]): SignedDelegation[] | string {
  const out: SignedDelegation[] = [];
  for (const [i, item] of items.entries()) {
    const where = `sender_delegation[${i}]`;
    const sd = asMap(item, `a map in ${where}`);
    if (typeof sd === 'string') return sd;
    const outer = readStruct(sd, SIGNED_DELEGATION, where);
    if (typeof outer === 'string') return outer;
    const d = readStruct(outer.get('delegation') as CborMap, DELEGATION, `${where}.delegation`);
    if (typeof d === 'string') return d;
    out.push({
      delegation: {
        pubkey: d.get('pubkey') as Uint8Array,
        expiration: d.get('expiration') as bigint,
        ...(d.has('targets') ? { targets: d.get('targets') as Uint8Array[] } : {}),
        ...(d.has('permissions') ? { permissions: d.get('permissions') as string } : {}),
      },
      signature: outer.get('signature') as Uint8Array,
    });
  }
  return out;
}

const presence = (v: unknown): string => (v === undefined ? 'absent' : 'present');

/**
 * Decodes the envelope of a `requestType` request (see the module header).
 * @returns the content, its request id and the authentication, or the 400 to answer.
 */
export function decodeEnvelope(bytes: Uint8Array, requestType: RequestType): HttpResult<DecodedEnvelope> {
  const decoded = decodeCbor(bytes);
  if (!decoded.ok) return deserializeError(decoded.error);
  const top = asMap(decoded.value, 'struct HttpRequestEnvelope');
  if (typeof top === 'string') return deserializeError(top);
  const envelope = readStruct(top, ENVELOPE, 'the envelope');
  if (typeof envelope === 'string') return deserializeError(envelope);
  const contentMap = envelope.get('content') as CborMap;
  const rt = contentMap.get('request_type');
  if (typeof rt === 'string' && rt !== requestType) return deserializeError(`unknown variant \`${rt}\`, expected \`${requestType}\``);
  const content = readStruct(contentMap, requestType === 'read_state' ? READ_STATE : CALL, 'content');
  if (typeof content === 'string') return deserializeError(content);
  const senderInfoMap = content.get('sender_info') as CborMap | undefined;
  const senderInfo = senderInfoMap === undefined ? undefined : readStruct(senderInfoMap, SENDER_INFO, 'content.sender_info');
  if (typeof senderInfo === 'string') return deserializeError(senderInfo);
  const delegations = envelope.has('sender_delegation') ? readDelegations(envelope.get('sender_delegation') as CborValue[]) : undefined;
  if (typeof delegations === 'string') return deserializeError(delegations);

  const pubkey = envelope.get('sender_pubkey') as Uint8Array | undefined;
  const sig = envelope.get('sender_sig') as Uint8Array | undefined;
  let authentication: Authentication;
  if (pubkey !== undefined && sig !== undefined) {
    authentication = { kind: 'signed', senderPubkey: pubkey, senderSig: sig, ...(delegations === undefined ? {} : { senderDelegation: delegations }) };
  } else if (pubkey === undefined && sig === undefined && delegations === undefined) {
    authentication = { kind: 'anonymous' };
  } else {
    return conversionError(requestType, 'MissingPubkeyOrSignature',
      `Got (sender_pubkey: ${presence(pubkey)}, sender_sig: ${presence(sig)}, sender_delegation: ${presence(delegations)})`);
  }

  const senderBytes = content.get('sender') as Uint8Array;
  if (senderBytes.length > MAX_PRINCIPAL_BYTES) {
    return conversionError(requestType, 'InvalidPrincipalId', `the sender has ${senderBytes.length} bytes, at most ${MAX_PRINCIPAL_BYTES} are allowed`);
  }
  const common = {
    sender: PrincipalId.fromUint8Array(senderBytes),
    ingressExpiry: time(content.get('ingress_expiry') as bigint),
    ...(content.has('nonce') ? { nonce: content.get('nonce') as Uint8Array } : {}),
  };
  let typed: RequestContent;
  if (requestType === 'read_state') {
    typed = { requestType, ...common, paths: content.get('paths') as Uint8Array[][] };
  } else {
    const canisterBytes = content.get('canister_id') as Uint8Array;
    if (canisterBytes.length > MAX_PRINCIPAL_BYTES) {
      return conversionError(requestType, 'InvalidPrincipalId',
        `Converting to canister id failed with the canister id has ${canisterBytes.length} bytes, at most ${MAX_PRINCIPAL_BYTES} are allowed`);
    }
    typed = {
      requestType,
      ...common,
      canisterId: CanisterId.fromUint8Array(canisterBytes),
      methodName: content.get('method_name') as string,
      arg: content.get('arg') as Uint8Array,
      ...(senderInfo === undefined ? {} : {
        senderInfo: { info: senderInfo.get('info') as Uint8Array, signer: senderInfo.get('signer') as Uint8Array, sig: senderInfo.get('sig') as Uint8Array },
      }),
    };
  }
  return { ok: true, value: { content: typed, requestId: representationIndependentHash(hashInput(content)), authentication } };
}
