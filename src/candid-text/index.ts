// Candid text ↔ binary for the command line (issue 9): .did files and
// Motoko's `candid:args` to `IDL` types, textual arguments to binary, and
// binary results to Candid text or JSON — with the canister's types when it
// publishes them, from the message's own type table otherwise.
import type { IDL } from '@dfinity/candid';
import { annotate } from './annotate.ts';
import { encodeValues } from './encode.ts';
import { valueToJson } from './json.ts';
import { Cursor } from './lexer.ts';
import { printArgs, typeText } from './printer.ts';
import type { Result } from './result.ts';
import { attempt, CandidTextError } from './result.ts';
import { view } from './types-view.ts';
import type { Value } from './value.ts';
import { parseArgs } from './value-parser.ts';
import { readMessage } from './wire-reader.ts';

export type { Result } from './result.ts';
export type { ServiceInterface } from './did.ts';
export { parseDid, parseArgTypes } from './did.ts';

/** Candid text arguments `(1, "a", record { x = 2 })` → binary, checked against `types` when given. */
export function encodeArgs(text: string, types?: readonly IDL.Type[]): Result<Uint8Array> {
  return attempt(() => {
    const c = new Cursor(text);
    const values = c.peek().kind === 'eof' ? [] : parseArgs(c);
    return encodeValues(values, types, text);
  });
}

/** Binary → Candid text `(…)`, with `types` when known. */
export function decodeToText(bytes: Uint8Array, types?: readonly IDL.Type[]): Result<string> {
  return attempt(() => printArgs(decodeValues(bytes, types)));
}

/** Binary → the arguments as a JSON array (see json.ts for the forms). */
export function decodeToJson(bytes: Uint8Array, types?: readonly IDL.Type[]): Result<unknown> {
  return attempt(() => decodeValues(bytes, types).map(valueToJson));
}

function decodeValues(bytes: Uint8Array, types: readonly IDL.Type[] | undefined): Value[] {
  const msg = readMessage(bytes);
  if (types === undefined) return [...msg.values];
  return types.map((t, i) => {
    const where = `argument ${i + 1}`;
    const v = msg.values[i];
    if (v !== undefined) return annotate(v, t, { fromParser: false, where });
    const k = view(t).k;
    if (k === 'opt') return { k: 'none' };
    if (k === 'null') return { k: 'null' };
    if (k === 'reserved') return { k: 'reserved' };
    throw new CandidTextError(`missing ${where} of type ${typeText(t)}`);
  });
}
