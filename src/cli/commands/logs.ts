/**
 * `ic-exec logs <canister> [--limit N]`: the canister's log (its
 * `fetch_canister_logs` records through the operator API, `GET
 * /_/api/canisters/<id>/logs`), one line a record: `[idx. time]: content`.
 * `--json`: `{ canisterId, records: [{ idx, timestampNanos, content }] }`.
 */
import type { Command, CommandIo } from '../command.ts';
import { DEFAULT_URL } from '../globals.ts';
import type { ApiLogRecord } from '../operator.ts';
import { commandSpec, parseArgs } from '../parse.ts';
import { colors, fail, usageError, writeJson } from '../output.ts';
import { formatNanos } from '../format.ts';

const NAME = 'logs';
const SUMMARY = "print a canister's log records";
const spec = () => commandSpec(NAME, SUMMARY)
  .argument('<canister>', 'the canister id')
  .option('--limit <n>', 'the newest n records (default 100, at most 10000)');

export const command: Command = {
  name: NAME,
  summary: SUMMARY,
  get usage() { return spec().helpInformation(); },
  run,
};

async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseArgs(spec(), argv, io);
  if (parsed.kind === 'help') return 0;
  if (parsed.kind === 'error') return usageError(io, NAME, parsed.message);
  const [canister] = parsed.args;
  const limit = parsed.opts.limit as string | undefined;
  if (limit !== undefined && !/^\d+$/.test(limit)) return usageError(io, NAME, `--limit must be a whole number, got ${JSON.stringify(limit)}`);
  const { Principal } = await import('@icp-sdk/core/principal');
  try {
    Principal.fromText(canister);
  } catch {
    return usageError(io, NAME, `${JSON.stringify(canister)} is not a canister id`);
  }
  const { operatorGet } = await import('../operator.ts');
  const path = `/_/api/canisters/${encodeURIComponent(canister)}/logs${limit === undefined ? '' : `?limit=${limit}`}`;
  const got = await operatorGet<{ records: ApiLogRecord[] }>(io.globals?.url ?? DEFAULT_URL, path);
  if (!got.ok) return fail(io, got.error, got.error.code === null && /limit/.test(got.error.message) ? 2 : 1);
  const { records } = got.value;
  if (io.json) {
    writeJson(io, { canisterId: canister, records });
    return 0;
  }
  const c = colors(io);
  if (records.length === 0) io.err(`no log records for ${canister}\n`);
  for (const r of records) io.out(`${c.dim(`[${r.idx}. ${formatNanos(r.timestampNanos)}]`)}: ${r.content}\n`);
  return 0;
}
