// Principal, canister and subnet ids, as thin immutable wrappers around the
// raw id bytes. Text encoding, checksum and base32 come from
// `@dfinity/principal`; this module adds what the replica enforces on top:
// at most 29 bytes, strict canonical text, byte-order comparison (the order in
// which the IC iterates canisters) and the canister-id encoding of a u64
// (`rs/types/base_types/src/canister_id.rs`, `CanisterId::from_u64`).
//
// The classes are nominal: a `SubnetId` is not accepted where a `CanisterId`
// is expected, while both are `PrincipalId`s. Each instance keeps its canonical
// text as an own enumerable property, so `assert.deepStrictEqual` and
// `JSON.stringify` see the identity.
import { Principal } from '@dfinity/principal';

/** Maximum length of a principal in bytes (interface spec, "Principals"). */
export const MAX_PRINCIPAL_BYTES = 29;

// Canonical text: groups of 5 lowercase base32 characters, the last 1–5 long.
const TEXT_FORM = /^[a-z2-7]{5}(?:-[a-z2-7]{5})*(?:-[a-z2-7]{1,4})?$|^[a-z2-7]{1,4}$/;

function checkedBytes(kind: string, bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${kind} bytes must be a Uint8Array`);
  }
  if (bytes.length > MAX_PRINCIPAL_BYTES) {
    throw new RangeError(
      `${kind} must be at most ${MAX_PRINCIPAL_BYTES} bytes, got ${bytes.length} bytes`,
    );
  }
  return Uint8Array.from(bytes);
}

function bytesOfText(kind: string, text: string): Uint8Array {
  if (typeof text !== 'string' || !TEXT_FORM.test(text)) {
    throw new SyntaxError(`${kind} text is not a canonical principal: ${JSON.stringify(text)}`);
  }
  let principal: Principal;
  try {
    principal = Principal.fromText(text);
  } catch (e) {
    throw new SyntaxError(`${kind} text is not a valid principal: ${JSON.stringify(text)} (${(e as Error).message})`);
  }
  return checkedBytes(kind, principal.toUint8Array());
}

function textOfBytes(bytes: Uint8Array): string {
  return Principal.fromUint8Array(bytes).toText();
}

/**
 * Compares two ids by their raw bytes, lexicographically; a proper prefix
 * sorts first. This is the IC's `Ord` on `PrincipalId`/`CanisterId` and the
 * order in which the scheduler and the state hash visit canisters.
 * @returns −1, 0 or 1.
 */
export function compareIds(a: PrincipalId, b: PrincipalId): -1 | 0 | 1 {
  const x = a.bytesView();
  const y = b.bytesView();
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** A principal: an opaque id of at most 29 bytes, shown in its textual form. */
export class PrincipalId {
  /** Which id class this is (a run-time tag; the classes are also nominal types). */
  readonly kind: 'PrincipalId' | 'CanisterId' | 'SubnetId' = 'PrincipalId';
  /** Canonical text form, e.g. `aaaaa-aa`. */
  readonly text: string;
  readonly #bytes: Uint8Array;

  /** Use the static factories; the constructor trusts its (copied, checked) input. */
  protected constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.text = textOfBytes(bytes);
  }

  /**
   * Parses the textual form.
   * @throws {SyntaxError} if the text is not canonical or its checksum is wrong.
   * @throws {RangeError} if it encodes more than 29 bytes.
   */
  static fromText(text: string): PrincipalId {
    return new PrincipalId(bytesOfText('PrincipalId', text));
  }

  /** Wraps a copy of `bytes`. @throws {RangeError} above 29 bytes. */
  static fromUint8Array(bytes: Uint8Array): PrincipalId {
    return new PrincipalId(checkedBytes('PrincipalId', bytes));
  }

  /** Converts from `@dfinity/principal`. @throws {RangeError} above 29 bytes. */
  static fromPrincipal(principal: Principal): PrincipalId {
    return PrincipalId.fromUint8Array(principal.toUint8Array());
  }

  /** The anonymous principal `2vxsx-fae` (the single byte 0x04). */
  static anonymous(): PrincipalId {
    return new PrincipalId(Uint8Array.of(0x04));
  }

  /** The textual form. */
  toText(): string {
    return this.text;
  }

  /** A fresh copy of the raw bytes. */
  toUint8Array(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  /** The raw bytes without copying. Callers must not mutate the result. */
  bytesView(): Readonly<Uint8Array> {
    return this.#bytes;
  }

  /** Length in bytes (0–29). */
  get byteLength(): number {
    return this.#bytes.length;
  }

  /** Converts to `@dfinity/principal` (for Candid and agent interop). */
  toPrincipal(): Principal {
    return Principal.fromUint8Array(this.toUint8Array());
  }

  /** Byte equality; the class does not matter (a canister id equals the same principal). */
  equals(other: PrincipalId): boolean {
    return compareIds(this, other) === 0;
  }

  /** Whether this is the anonymous principal. */
  isAnonymous(): boolean {
    return this.#bytes.length === 1 && this.#bytes[0] === 0x04;
  }

  /** The textual form. */
  toString(): string {
    return this.text;
  }

  /** Serializes as the textual form. */
  toJSON(): string {
    return this.text;
  }
}

/** A canister id. Its bytes are usually the u64 encoding of {@link CanisterId.fromU64}. */
export class CanisterId extends PrincipalId {
  /** Run-time tag; also keeps the type distinct from {@link SubnetId}. */
  override readonly kind = 'CanisterId' as const;

  /** Parses the textual form. @throws {SyntaxError} / {RangeError} as {@link PrincipalId.fromText}. */
  static override fromText(text: string): CanisterId {
    return new CanisterId(bytesOfText('CanisterId', text));
  }

  /** Wraps a copy of `bytes`. @throws {RangeError} above 29 bytes. */
  static override fromUint8Array(bytes: Uint8Array): CanisterId {
    return new CanisterId(checkedBytes('CanisterId', bytes));
  }

  /** Reinterprets a principal as a canister id (the IC's `CanisterId::unchecked_from_principal`). */
  static fromPrincipalId(principal: PrincipalId): CanisterId {
    return new CanisterId(Uint8Array.from(principal.bytesView()));
  }

  /**
   * The IC's canister id for index `n`: 8 bytes of `n` big-endian, then `0x01 0x01`
   * (opaque-id class tag). `fromU64(0n)` is `rwlgt-iiaaa-aaaaa-aaaaa-cai`.
   * @throws {RangeError} if `n` is not a u64.
   */
  static fromU64(n: bigint): CanisterId {
    if (typeof n !== 'bigint' || n < 0n || n >= 1n << 64n) {
      throw new RangeError(`CanisterId.fromU64 needs a u64, got ${String(n)}`);
    }
    const bytes = new Uint8Array(10);
    new DataView(bytes.buffer).setBigUint64(0, n, false);
    bytes[8] = 0x01;
    bytes[9] = 0x01;
    return new CanisterId(bytes);
  }

  /** The u64 index if this id has the {@link CanisterId.fromU64} form, else `undefined`. */
  toU64(): bigint | undefined {
    const b = this.bytesView();
    if (b.length !== 10 || b[8] !== 0x01 || b[9] !== 0x01) return undefined;
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, false);
  }

  /** Whether this is the management canister `aaaaa-aa` (empty bytes). */
  isManagementCanister(): boolean {
    return this.byteLength === 0;
  }
}

/** A subnet id: the self-authenticating principal of the subnet's public key. */
export class SubnetId extends PrincipalId {
  /** Run-time tag; also keeps the type distinct from {@link CanisterId}. */
  override readonly kind = 'SubnetId' as const;

  /** Parses the textual form. @throws {SyntaxError} / {RangeError} as {@link PrincipalId.fromText}. */
  static override fromText(text: string): SubnetId {
    return new SubnetId(bytesOfText('SubnetId', text));
  }

  /** Wraps a copy of `bytes`. @throws {RangeError} above 29 bytes. */
  static override fromUint8Array(bytes: Uint8Array): SubnetId {
    return new SubnetId(checkedBytes('SubnetId', bytes));
  }

  /** Reinterprets a principal as a subnet id. */
  static fromPrincipalId(principal: PrincipalId): SubnetId {
    return new SubnetId(Uint8Array.from(principal.bytesView()));
  }
}

/** The management canister `aaaaa-aa`: the empty principal. */
export const MANAGEMENT_CANISTER_ID: CanisterId = CanisterId.fromUint8Array(new Uint8Array(0));
