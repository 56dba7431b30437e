/**
 * The `SignedIngress` consensus orders for an authenticated call: its
 * request id, receiver, expiry and envelope bytes.
 *
 * The envelope goes in as received when message routing reads the same
 * content from it (`decodeCallEnvelope`). Some envelopes that authenticate
 * are spelled in ways that reader does not follow — indefinite-length
 * strings, `null` for an absent `nonce` — and those are written again in
 * the plain form: the same fields, definite lengths, absent fields left
 * out. The signatures stay valid, since they cover the request id, which
 * does not depend on the representation.
 */
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import type { SignedIngress } from '../consensus/index.ts';
import { decodeCallEnvelope } from '../messaging/index.ts';
import type { AuthenticatedRequest, CanisterCallContent } from './auth/index.ts';

function sameContent(a: CanisterCallContent, b: ReturnType<typeof decodeCallEnvelope>): boolean {
  if (!b.ok) return false;
  const c = b.content;
  const bytesEq = (x: Uint8Array | undefined, y: Uint8Array | undefined): boolean =>
    x === undefined || y === undefined ? x === y : Buffer.compare(x, y) === 0;
  return c.sender.equals(a.sender) && c.canisterId.equals(a.canisterId) && c.methodName === a.methodName
    && bytesEq(c.arg, a.arg) && c.ingressExpiry === a.ingressExpiry && bytesEq(c.nonce, a.nonce);
}

/** The envelope of `request` in the plain form (see the module header). */
export function plainCallEnvelope(request: AuthenticatedRequest): Uint8Array {
  const c = request.content as CanisterCallContent;
  const content: Record<string, unknown> = {
    request_type: 'call',
    canister_id: c.canisterId.toUint8Array(),
    method_name: c.methodName,
    arg: c.arg,
    sender: c.sender.toUint8Array(),
    ingress_expiry: c.ingressExpiry,
  };
  if (c.nonce !== undefined) content.nonce = c.nonce;
  if (c.senderInfo !== undefined) content.sender_info = { info: c.senderInfo.info, signer: c.senderInfo.signer, sig: c.senderInfo.sig };
  const envelope: Record<string, unknown> = { content };
  const auth = request.authentication;
  if (auth.kind === 'signed') {
    envelope.sender_pubkey = auth.senderPubkey;
    envelope.sender_sig = auth.senderSig;
    if (auth.senderDelegation !== undefined) {
      envelope.sender_delegation = auth.senderDelegation.map((sd) => ({
        delegation: {
          pubkey: sd.delegation.pubkey,
          expiration: sd.delegation.expiration,
          ...(sd.delegation.targets === undefined ? {} : { targets: sd.delegation.targets }),
          ...(sd.delegation.permissions === undefined ? {} : { permissions: sd.delegation.permissions }),
        },
        signature: sd.signature,
      }));
    }
  }
  return encodeWithSelfDescribedTag(envelope as never);
}

/** The message for the block maker's pool (`request` is a call). */
export function signedIngressFor(request: AuthenticatedRequest, body: Uint8Array): SignedIngress {
  const c = request.content as CanisterCallContent;
  const payload = sameContent(c, decodeCallEnvelope(body)) ? body : plainCallEnvelope(request);
  return Object.freeze({ messageId: request.requestId, receiver: c.canisterId, expiry: c.ingressExpiry, payload });
}
