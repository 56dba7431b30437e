/**
 * JSON with integers of any size, as PocketIC's REST API needs: u64 times
 * (~1.6e18 ns) and u128 cycle amounts do not fit a double.
 *
 * - `parseJson`: integers that a double cannot hold exactly become
 *   `bigint`s (read from the number's source text, `JSON.parse`'s reviver
 *   context); every other number stays a `number`.
 * - `stringifyJson`: `bigint`s are written as bare digits (never strings),
 *   as serde writes u64/u128 and as pic-js's `json-with-bigint` reads them.
 *
 * @example parseJson('{"amount":1000000000000000000}') // { amount: 1000000000000000000n }
 * @example stringifyJson({ cycles: 2n ** 100n })      // '{"cycles":1267650600228229401496703205376}'
 */

/** What `parseJson` returns: JSON values with `bigint` for large integers. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

const INTEGER = /^-?(0|[1-9]\d*)$/;

interface ReviverContext { readonly source?: string }

/**
 * Parses JSON text, keeping large integers exact (see the module header).
 * @returns the value, or an error message when the text is not JSON.
 */
export function parseJson(text: string): { ok: true; value: JsonValue } | { ok: false; message: string } {
  try {
    const value = JSON.parse(text, function (this: unknown, _key: string, v: unknown, context?: ReviverContext) {
      if (typeof v === 'number' && !Number.isSafeInteger(v) && context?.source !== undefined && INTEGER.test(context.source)) {
        return BigInt(context.source);
      }
      return v;
    } as (this: unknown, key: string, value: unknown) => unknown) as JsonValue;
    return { ok: true, value };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** JSON text of `value`, with `bigint`s as bare digits and `undefined` fields left out. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? rawJson(v.toString()) : v));
}
