// The replica's errors for threshold-key calls.
//
// Routing (reject code 3, DESTINATION_INVALID, raised by the replica when
// the calling canister's request leaves it, before the management canister
// sees it — so the attached cycles all come back):
//   `Unable to route management canister request <method>: <Debug of the error>`
//   - the argument does not decode (the replica's `Payload::decode`, whose
//     Rust types bound it: `message_hash : [u8; 32]`, `derivation_path`
//     ≤ 255 items, `transport_public_key : [u8; 48]`):
//     `UserError(UserError { code: InvalidManagementPayload, description: "Error decoding candid: …" })`
//   - a public-key call for a key no subnet holds:
//     `ChainKeyError("Requested unknown threshold key: <id>, existing keys: [<ids>]")`
//   - a signing call for a key not enabled:
//     `ChainKeyError("Requested unknown or disabled threshold key: <id>, existing enabled keys: [<ids>]")`
// Execution (IC0406 CanisterRejectedMessage, reject code 4):
//   - `<method> request sent with <n> cycles, but <fee> cycles are required.`
//   - `Invalid aux field for Bip340Secp256k1` (merkle root neither 0 nor 32 bytes)
//   - `Schnorr algorithm Ed25519 does not support aux input`
//   - `The provided transport public key is invalid.`
// Ingress to these methods never gets here (refused at induction); if it
// did: IC0536 `<method> can only be called by other canisters, not via ingress messages.`
import { ErrorCode, RejectCode, errorCodeName, userError } from '../../errors/index.ts';
import type { ManagementOutcome } from '../types.ts';
import { formatKeyIds, displayKeyId, schnorrAlgorithmDisplay } from './key-id.ts';
import type { KeyScheme, MasterKeyId } from './key-id.ts';

/** Rust's `Debug` of a string: quoted, with `\\`, `\"`, `\n`, `\r`, `\t`, `\0` and other control characters escaped. */
export function rustDebugString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A routing reject: `Unable to route management canister request <method>: <detail>`, reject code 3, all cycles back. */
export function routingReject(method: string, detail: string): ManagementOutcome {
  const message = `Unable to route management canister request ${method}: ${detail}`;
  return {
    kind: 'reject',
    error: userError(ErrorCode.CanisterRejectedMessage, message),
    canisterReject: { code: RejectCode.DestinationInvalid, message },
  };
}

/** The routing reject of an argument that does not decode (`candidError` is the decoder's message). */
export function undecodableReject(method: string, candidError: string): ManagementOutcome {
  const description = `Error decoding candid: ${candidError}`;
  return routingReject(method,
    `UserError(UserError { code: ${errorCodeName(ErrorCode.InvalidManagementPayload)}, description: ${rustDebugString(description)} })`);
}

/** The routing reject of a key the subnet does not hold; `signing` for the methods that need the key enabled. */
export function unknownKeyReject(method: string, id: MasterKeyId, held: readonly MasterKeyId[], signing: boolean): ManagementOutcome {
  const text = signing
    ? `Requested unknown or disabled threshold key: ${displayKeyId(id)}, existing enabled keys: ${formatKeyIds(held)}`
    : `Requested unknown threshold key: ${displayKeyId(id)}, existing keys: ${formatKeyIds(held)}`;
  return routingReject(method, `ChainKeyError(${rustDebugString(text)})`);
}

const rejected = (description: string): ManagementOutcome =>
  ({ kind: 'reject', error: userError(ErrorCode.CanisterRejectedMessage, description) });

/** IC0406: the call came with fewer cycles than the fee. */
export function insufficientCycles(method: string, payment: bigint, fee: bigint): ManagementOutcome {
  return rejected(`${method} request sent with ${payment} cycles, but ${fee} cycles are required.`);
}

/** IC0406: a BIP-341 merkle root that is neither 0 nor 32 bytes. */
export function invalidAux(scheme: KeyScheme): ManagementOutcome {
  return rejected(`Invalid aux field for ${schnorrAlgorithmDisplay(scheme)}`);
}

/** IC0406: `aux` given for an algorithm without it. */
export function auxNotSupported(scheme: KeyScheme): ManagementOutcome {
  return rejected(`Schnorr algorithm ${schnorrAlgorithmDisplay(scheme)} does not support aux input`);
}

/** IC0406: PocketIC's wording for the (2^-128-likely) BIP-341 tweak that is out of range. */
export function bip341Failed(id: MasterKeyId): ManagementOutcome {
  return rejected(`Invalid inputs for BIP341 signature with key ${displayKeyId(id)}`);
}

/** IC0406: a 48-byte transport key that is not a point of G1. */
export const INVALID_TRANSPORT_KEY: ManagementOutcome = rejected('The provided transport public key is invalid.');

/** IC0536: ingress to a canister-only method (`reject_unexpected_ingress`). */
export function unexpectedIngress(method: string): ManagementOutcome {
  return { kind: 'reject', error: userError(ErrorCode.CanisterMethodNotFound, `${method} can only be called by other canisters, not via ingress messages.`) };
}
