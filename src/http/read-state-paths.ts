/**
 * Which paths a read_state may ask for (the replica's `verify_paths`,
 * `rs/http_endpoints/public/src/read_state/{canister,subnet}.rs`):
 *
 *   canister endpoint (`/api/vN/canister/<ecid>/read_state`)
 *     time · subnet · subnet/<sid>[/public_key|canister_ranges|node|type]
 *     · subnet/<sid>/node/<nid>[/public_key] · api_boundary_nodes[/<nid>[/domain|ipv4_address|ipv6_address]]
 *     · canister/<cid>/controllers|module_hash           cid = ecid, else 400
 *     · canister/<cid>/metadata/<name>                   cid = ecid; a private section only
 *                                                          for a controller (403)
 *     · request_status/<id>[/status|reply|reject_code|reject_message|error_code]
 *                                                          one id (32 bytes) per request (400);
 *                                                          a known id only for its sender (403)
 *                                                          and a receiver among the sender's
 *                                                          delegation targets (403)
 *   subnet endpoint (`/api/vN/subnet/<esid>/read_state`)
 *     time · subnet… (as above, plus subnet/<esid>/metrics) · canister_ranges[/<sid>]
 *
 * Anything else is `404 "Invalid path requested."`. `certified_data` is
 * for canisters only (through `ic0.data_certificate_copy`), never here.
 */
import type { ReplicatedState } from '../state/index.ts';
import { CanisterId, PrincipalId } from '../types/index.ts';
import type { DelegationTargets } from './auth/index.ts';
import { targetsContain } from './auth/index.ts';
import { canisterMetadataSections } from '../wasm/index.ts';
import type { Answer } from './answer.ts';
import { textAnswer } from './answer.ts';
import type { Target } from './routes.ts';

/** Who asks, from where, on which state. */
export interface PathCheck {
  readonly target: Target;
  readonly sender: PrincipalId;
  readonly targets: DelegationTargets;
  readonly state: ReplicatedState;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const ascii = (label: Uint8Array): string => (label.length <= 32 ? Buffer.from(label).toString('latin1') : '');
const oneOf = (label: Uint8Array, ...names: string[]): boolean => names.includes(ascii(label));

const invalidPath = (): Answer => textAnswer(404, 'Invalid path requested.');
const REQUEST_STATUS_LEAVES = ['status', 'reply', 'reject_code', 'reject_message', 'error_code'];

function principalOf(bytes: Uint8Array): PrincipalId | Answer {
  try {
    return PrincipalId.fromUint8Array(bytes);
  } catch (e) {
    return textAnswer(400, `Could not parse principal ID: ${(e as Error).message}.`);
  }
}

/** `subnet…` paths; `metrics` only where `allowMetrics`. */
function subnetPathOk(p: readonly Uint8Array[], allowMetrics: boolean): boolean {
  switch (p.length) {
    case 1: case 2: return true;
    case 3: return oneOf(p[2], 'public_key', 'canister_ranges', 'node', 'type') || (allowMetrics && oneOf(p[2], 'metrics'));
    case 4: return oneOf(p[2], 'node');
    case 5: return oneOf(p[2], 'node') && oneOf(p[4], 'public_key');
    default: return false;
  }
}

function boundaryNodesPathOk(p: readonly Uint8Array[]): boolean {
  return p.length <= 2 || (p.length === 3 && oneOf(p[2], 'domain', 'ipv4_address', 'ipv6_address'));
}

/** A canister path on the canister endpoint: `undefined` if allowed, else the answer. */
function canisterPath(p: readonly Uint8Array[], check: PathCheck & { target: { kind: 'canister' } }): Answer | undefined {
  const isFields = p.length === 3 && oneOf(p[2], 'controllers', 'module_hash');
  const isMetadata = p.length === 4 && oneOf(p[2], 'metadata');
  if (!isFields && !isMetadata) return invalidPath();
  let name = '';
  if (isMetadata) {
    try {
      name = utf8.decode(p[3]);
    } catch (e) {
      return textAnswer(400, `Could not parse the custom section name: ${(e as Error).message}.`);
    }
  }
  const id = principalOf(p[1]);
  if (!(id instanceof PrincipalId)) return id;
  const ecid = check.target.id;
  if (!id.equals(ecid)) return textAnswer(400, `Effective principal id in URL ${ecid.toText()} does not match requested principal id: ${id.toText()}.`);
  if (!isMetadata) return undefined;
  const canister = check.state.canister(CanisterId.fromPrincipalId(id));
  const compiled = canister?.executionState?.compiled;
  if (canister === undefined || compiled === undefined) return undefined;
  const section = canisterMetadataSections(compiled.output.binary).find((s) => s.name === name);
  if (section?.visibility === 'private' && !canister.systemState.isController(check.sender)) {
    return textAnswer(403, `Custom section ${name.slice(0, 100)} can only be requested by the controllers of the canister.`);
  }
  return undefined;
}

/** The request_status checks for the one id asked about. */
function requestStatusAllowed(id: Uint8Array, check: PathCheck): Answer | undefined {
  const status = check.state.metadata.ingressHistory.get(id);
  if (status === undefined) return undefined;
  if (!status.userId.equals(check.sender)) return textAnswer(403, 'Request IDs must be for requests signed by the caller.');
  if (!targetsContain(check.targets, status.receiver)) {
    return textAnswer(403, 'Request IDs must be for requests to canisters belonging to sender delegation targets.');
  }
  return undefined;
}

/**
 * Whether `paths` may be read (see the module header).
 * @returns `undefined` if they may, else the answer to give.
 */
export function verifyPaths(paths: readonly (readonly Uint8Array[])[], check: PathCheck): Answer | undefined {
  let requestId: Uint8Array | undefined;
  const onSubnet = check.target.kind === 'subnet';
  for (const p of paths) {
    if (p.length === 0) return invalidPath();
    const head = ascii(p[0]);
    if (head === 'time' && p.length === 1) continue;
    if (head === 'subnet') {
      const metricsOk = onSubnet && p.length === 3 && Buffer.compare(p[1], check.target.id.bytesView()) === 0;
      if (subnetPathOk(p, metricsOk)) continue;
      return invalidPath();
    }
    if (head === 'api_boundary_nodes' && !onSubnet && boundaryNodesPathOk(p)) continue;
    if (head === 'canister_ranges' && onSubnet && p.length <= 2) continue;
    if (head === 'canister' && check.target.kind === 'canister') {
      const r = canisterPath(p, check as PathCheck & { target: { kind: 'canister' } });
      if (r !== undefined) return r;
      continue;
    }
    if (head === 'request_status' && !onSubnet && (p.length === 2 || (p.length === 3 && oneOf(p[2], ...REQUEST_STATUS_LEAVES)))) {
      if (p[1].length !== 32) return textAnswer(400, 'Invalid request id in paths. Maybe the request ID is not of 32 bytes in length?!');
      if (requestId !== undefined && Buffer.compare(requestId, p[1]) !== 0) {
        return textAnswer(400, 'More than one non-unique request ID exists in request_status paths of read_state request.');
      }
      requestId = p[1];
      continue;
    }
    return invalidPath();
  }
  return requestId === undefined ? undefined : requestStatusAllowed(requestId, check);
}
