// Candid values as data (the Rust library's `IDLValue`): what the text parser
// and the binary reader produce, what the encoder, printer and JSON form read.
import type { Principal } from '@dfinity/principal';

export type NumKind = 'nat' | 'int' | 'nat8' | 'nat16' | 'nat32' | 'nat64' | 'int8' | 'int16' | 'int32' | 'int64';

export interface Field {
  readonly id: number;
  /** The field's name when known (from text or a type); printed instead of the id. */
  readonly name?: string;
  readonly value: Value;
}

export type Value = ValueBody & {
  /** Offset in the source text, for values parsed from text. */
  readonly at?: number;
};

type ValueBody =
  | { readonly k: 'null' }
  | { readonly k: 'reserved' }
  | { readonly k: 'bool'; readonly v: boolean }
  /** A number literal whose type is not decided yet (text only; `int` when it stays untyped). */
  | { readonly k: 'number'; readonly v: bigint }
  | { readonly k: NumKind; readonly v: bigint }
  | { readonly k: 'float32' | 'float64'; readonly v: number }
  | { readonly k: 'text'; readonly v: string }
  | { readonly k: 'none' }
  | { readonly k: 'opt'; readonly v: Value }
  | { readonly k: 'vec'; readonly items: readonly Value[] }
  | { readonly k: 'blob'; readonly bytes: Uint8Array }
  | { readonly k: 'record'; readonly fields: readonly Field[] }
  | { readonly k: 'variant'; readonly field: Field }
  | { readonly k: 'principal'; readonly v: Principal }
  | { readonly k: 'service'; readonly v: Principal }
  | { readonly k: 'func'; readonly v: Principal; readonly method: string };

export const NUM_KINDS: readonly NumKind[] = ['nat', 'int', 'nat8', 'nat16', 'nat32', 'nat64', 'int8', 'int16', 'int32', 'int64'];

/** The range of a fixed-size number kind; undefined bounds for nat's top and int's both ends. */
export function numRange(k: NumKind): { min?: bigint; max?: bigint } {
  switch (k) {
    case 'nat':
      return { min: 0n };
    case 'int':
      return {};
    default: {
      const bits = BigInt(k.slice(3));
      return k.startsWith('nat') ? { min: 0n, max: 2n ** bits - 1n } : { min: -(2n ** (bits - 1n)), max: 2n ** (bits - 1n) - 1n };
    }
  }
}
