/**
 * Candid for the commands, over src/candid-text: a canister's interface read
 * from its `candid:service` metadata (read_state
 * `/canister/<id>/metadata/candid:service`, certified), a `.did` file, a
 * module's `candid:args`; arguments encoded and replies printed with the
 * types when there are some, untyped otherwise.
 */
import { readFile } from 'node:fs/promises';
import type { IDL } from '@dfinity/candid';
import { parseArgTypes, parseDid, type ServiceInterface } from '../candid-text/index.ts';
import type { Client } from './client.ts';
import { describeError } from './client.ts';
import type { CliError } from './output.ts';

export type Loaded<T> = { ok: true; value: T } | { ok: false; error: CliError };

/** The interface a canister publishes in its `candid:service` metadata; `undefined` when it has none (or cannot be read by this caller). */
export async function canisterService(client: Client, canisterId: string): Promise<Loaded<ServiceInterface | undefined>> {
  const { StatePaths } = await import('@icp-sdk/core/agent');
  const { Principal } = await import('@icp-sdk/core/principal');
  const id = Principal.fromText(canisterId);
  const path = StatePaths.canisterCandid(id);
  let text: string | null | undefined;
  try {
    const { values } = await client.agent.readState({ canisterId: id }, { paths: [path] });
    text = values.get(path) as string | null | undefined;
  } catch (e) {
    // No replica: say so. Anything else (a private section read by a non-controller, a canister
    // outside the subnet's ranges): the call goes untyped and the replica answers it.
    if ((e as { cause?: { code?: object } })?.cause?.code?.constructor.name === 'HttpFetchErrorCode') return { ok: false, error: describeError(e, client.url) };
    return { ok: true, value: undefined };
  }
  if (text === null || text === undefined) return { ok: true, value: undefined };
  const parsed = parseDid(text);
  if (!parsed.ok) return { ok: false, error: { code: null, message: `the candid:service metadata of ${canisterId} does not parse: ${parsed.error}` } };
  return { ok: true, value: parsed.value };
}

/** The interface in the `.did` file at `path`. */
export async function didFile(path: string): Promise<Loaded<ServiceInterface>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { ok: false, error: { code: null, message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` } };
  }
  const parsed = parseDid(text);
  return parsed.ok ? parsed : { ok: false, error: { code: null, message: `${path}: ${parsed.error}` } };
}

/** The init argument types in a module's `candid:args` metadata text. */
export function argsTypes(text: string): Loaded<readonly IDL.Type[]> {
  const parsed = parseArgTypes(text);
  return parsed.ok ? parsed : { ok: false, error: { code: null, message: `the module's candid:args metadata does not parse: ${parsed.error}` } };
}
