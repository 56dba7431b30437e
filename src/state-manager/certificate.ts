/**
 * Certificates (interface spec, "Certification"; http_interface.md §6.1,
 * §6.4, §6.5): a witness of the state tree and the subnet's BLS signature
 * on its root hash,
 *
 *     55799({ tree: hash-tree, signature: bytes(48) })
 *     signature = BLS(ds("ic-state-root") ‖ root_hash)
 *
 * with no delegation: the replica is the root subnet, so clients verify
 * with the root key they fetched from `/api/v2/status`. Every certificate
 * reveals `/time` (agents reject certificates more than 5 minutes away from
 * their clock, so the state's time must follow the wall clock).
 *
 * A `Certification` is one height: its root hash and signature are computed
 * on first use and then kept; a `StateCertifier` hands out one per
 * committed state (memoized by the state object) and shares a
 * `StateTreeBuilder` between heights.
 */
import { decode, encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { blsVerify, publicKeyFromDer, stateRootMessage } from '../crypto/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
import { CertifiedState, StateTreeBuilder } from './certified-state.ts';
import type { SubnetCertificationKeys } from './certified-state.ts';
import { digest, hashTreeFromCbor, hashTreeToCbor, lookupPath } from './hash-tree.ts';
import type { HashTree, Path } from './hash-tree.ts';

/** A certificate without delegation. */
export interface Certificate {
  readonly tree: HashTree;
  readonly signature: Uint8Array;
}

/** The CBOR of a certificate, with the self-describe tag. */
export function encodeCertificate(c: Certificate): Uint8Array {
  return encodeWithSelfDescribedTag({ tree: hashTreeToCbor(c.tree), signature: c.signature });
}

type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** Reads a certificate (one with a delegation is refused: this replica never issues them). */
export function decodeCertificate(bytes: Uint8Array): Result<Certificate> {
  let value: unknown;
  try {
    value = decode(bytes);
  } catch (e) {
    return { ok: false, error: `certificate is not CBOR: ${(e as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'certificate is not a map' };
  const m = value as Record<string, unknown>;
  if (m.delegation !== undefined) return { ok: false, error: 'certificates with a delegation are not supported' };
  if (!(m.signature instanceof Uint8Array)) return { ok: false, error: 'certificate has no signature' };
  const tree = hashTreeFromCbor(m.tree);
  if (!tree.ok) return tree;
  return { ok: true, value: { tree: tree.tree, signature: Uint8Array.from(m.signature) } };
}

/**
 * Checks a certificate as a client does, without the clock: the root hash,
 * the BLS signature under `rootKeyDer`, and a `/time`.
 * @returns the certificate and its time (nanoseconds).
 */
export function verifyCertificate(bytes: Uint8Array, rootKeyDer: Uint8Array): Result<{ certificate: Certificate; time: bigint }> {
  const c = decodeCertificate(bytes);
  if (!c.ok) return c;
  let key: Uint8Array;
  try {
    key = publicKeyFromDer(rootKeyDer);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  if (!blsVerify(key, c.value.signature, stateRootMessage(digest(c.value.tree)))) return { ok: false, error: 'invalid signature' };
  const t = lookupPath(['time'], c.value.tree);
  if (t.kind !== 'found') return { ok: false, error: 'certificate has no /time' };
  let time = 0n;
  for (let i = t.value.length - 1; i >= 0; i--) time = (time << 7n) | BigInt(t.value[i] & 0x7f);
  return { ok: true, value: { certificate: c.value, time } };
}

const TIME_PATH: Path = ['time'];

/** One height's certification (see the module header). */
export class Certification {
  readonly state: CertifiedState;
  #signature: Uint8Array | undefined;
  readonly #dataCertificates = new Map<string, Uint8Array>();

  constructor(state: CertifiedState) {
    this.state = state;
  }

  get height(): bigint { return this.state.height; }
  get time(): bigint { return this.state.time; }
  get rootHash(): Uint8Array { return this.state.rootHash; }

  /** The BLS signature on the root hash (signed once, on first use). */
  get signature(): Uint8Array {
    return (this.#signature ??= this.state.keys.blsKey.sign(stateRootMessage(this.state.rootHash)));
  }

  /** The certificate revealing `paths` and `/time`. */
  certificate(paths: readonly Path[]): Certificate {
    return { tree: this.state.witness([TIME_PATH, ...paths]), signature: this.signature };
  }

  /** The CBOR bytes of {@link certificate}: a read_state response's `certificate`. */
  certificateFor(paths: readonly Path[]): Uint8Array {
    return encodeCertificate(this.certificate(paths));
  }

  /** What `ic0.data_certificate_copy` returns to a query of `canisterId`: `/time` and its certified data. */
  dataCertificate(canisterId: CanisterId): Uint8Array {
    const key = Buffer.from(canisterId.bytesView()).toString('hex');
    let c = this.#dataCertificates.get(key);
    if (c === undefined) {
      c = this.certificateFor([['canister', canisterId.bytesView() as Uint8Array, 'certified_data']]);
      this.#dataCertificates.set(key, c);
    }
    return c;
  }
}

/**
 * Certifies one committed state on its own (a fresh builder, no memos shared
 * with other heights; use a {@link StateCertifier} for a running subnet).
 * Its tree is built and signed when first asked for.
 */
export function certify(state: ReplicatedState, keys: SubnetCertificationKeys): Certification {
  return new Certification(new CertifiedState(state, new StateTreeBuilder(keys)));
}

/** The certifications of one subnet's committed states (see the module header). */
export class StateCertifier {
  readonly builder: StateTreeBuilder;
  readonly #byState = new WeakMap<ReplicatedState, Certification>();

  constructor(keys: SubnetCertificationKeys) {
    this.builder = new StateTreeBuilder(keys);
  }

  get keys(): SubnetCertificationKeys { return this.builder.keys; }

  /** The certification of a committed snapshot (lazy: nothing is built until a hash or certificate is asked for). */
  certification(state: ReplicatedState): Certification {
    let c = this.#byState.get(state);
    if (c === undefined) this.#byState.set(state, (c = new Certification(new CertifiedState(state, this.builder))));
    return c;
  }
}
