/**
 * The replica's node: an Ed25519 key that signs query responses
 * (http_interface.md §5.1). Its public key (44-byte DER) is certified under
 * `/subnet/<sid>/node/<node_id>/public_key`, where the agents look it up
 * (they check query signatures by default); the node id is the
 * self-authenticating principal of that DER.
 *
 *     signature = Ed25519(ds("ic-response") ‖ hash_of_map(response))
 *     replied:   { status: "replied", reply: { arg }, timestamp, request_id }
 *     rejected:  { status: "rejected", reject_code, reject_message, error_code, timestamp, request_id }
 *
 * The key is derived from a seed (the replica's), so a replica restarted
 * on the same data keeps its node id. Signing goes through `node:crypto`
 * (OpenSSL: tens of microseconds per signature).
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Principal } from '@dfinity/principal';
import { concatBytes, domainSeparator, sha256 } from '../crypto/index.ts';
import { representationIndependentHash } from '../messaging/index.ts';
import { PrincipalId } from '../types/index.ts';
import type { NodeKey } from '../state-manager/index.ts';

/** PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Uint8Array.from(Buffer.from('302e020100300506032b657004220420', 'hex'));
const RESPONSE_DOMAIN = domainSeparator('ic-response');

/** A query's answer as it is signed and sent. */
export type QueryAnswer =
  | { readonly status: 'replied'; readonly reply: Uint8Array }
  | { readonly status: 'rejected'; readonly rejectCode: number; readonly rejectMessage: string; readonly errorCode: string };

/** One signature of a query response (`signatures[i]`). */
export interface NodeSignature {
  readonly timestamp: bigint;
  readonly signature: Uint8Array;
  readonly identity: Uint8Array;
}

/** The `hash_of_map` a node signs for a query response (`QueryResponseHash`). */
export function queryResponseHash(answer: QueryAnswer, timestamp: bigint, requestId: Uint8Array): Uint8Array {
  return answer.status === 'replied'
    ? representationIndependentHash({ status: 'replied', reply: { arg: answer.reply }, timestamp, request_id: requestId })
    : representationIndependentHash({
      status: 'rejected', reject_code: BigInt(answer.rejectCode), reject_message: answer.rejectMessage, error_code: answer.errorCode,
      timestamp, request_id: requestId,
    });
}

/** The node's key pair (see the module header). */
export class NodeSigner {
  readonly nodeId: PrincipalId;
  /** 44-byte DER SubjectPublicKeyInfo. */
  readonly publicKeyDer: Uint8Array;
  readonly #key: KeyObject;

  private constructor(key: KeyObject) {
    this.#key = key;
    this.publicKeyDer = Uint8Array.from(createPublicKey(key).export({ format: 'der', type: 'spki' }));
    this.nodeId = PrincipalId.fromPrincipal(Principal.selfAuthenticating(this.publicKeyDer));
  }

  /** The node key of a replica seed (the same seed, the same node). */
  static fromSeed(seed: string | Uint8Array): NodeSigner {
    const bytes = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed;
    const secret = sha256(domainSeparator('ic-exec-node-key'), bytes);
    return new NodeSigner(createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_ED25519_PREFIX, secret)), format: 'der', type: 'pkcs8' }));
  }

  /** The node as the certified tree lists it. */
  get nodeKey(): NodeKey {
    return { nodeId: this.nodeId, publicKeyDer: this.publicKeyDer };
  }

  /** Signs `message` (domain separator included by the caller). */
  sign(message: Uint8Array): Uint8Array {
    return Uint8Array.from(cryptoSign(null, message, this.#key));
  }

  /** The signature of a query response at `timestamp` (nanoseconds). */
  signQueryResponse(answer: QueryAnswer, timestamp: bigint, requestId: Uint8Array): NodeSignature {
    const signature = this.sign(concatBytes(RESPONSE_DOMAIN, queryResponseHash(answer, timestamp, requestId)));
    return { timestamp, signature, identity: this.nodeId.toUint8Array() };
  }
}
