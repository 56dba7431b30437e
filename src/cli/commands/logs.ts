/**
 * `ic-exec logs <canister> [--limit N]`: the canister's log (its
 * `fetch_canister_logs` records through the operator API, `GET
 * /_/api/canisters/<id>/logs`), one line a record: `[idx. time]: content`.
 * `--follow` keeps polling and prints new records until Ctrl-C.
 * `--json`: `{ canisterId, records: [{ idx, timestampNanos, content }] }`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command, CommandIo } from '../command.ts';
import { DEFAULT_URL } from '../globals.ts';
import type { LogRecordView, LogRecords } from '../operator.ts';
import { commandSpec, parsedCommand, type ParsedArgs } from '../parse.ts';
import { colors, fail, usageError, writeJson } from '../output.ts';
import { formatNanos } from '../format.ts';

const NAME = 'logs';
const SUMMARY = "print a canister's log records";
const spec = () => commandSpec(NAME, SUMMARY)
  .argument('<canister>', 'the canister id')
  .option('--limit <n>', 'the newest n records (default 100, at most 10000)')
  .option('-f, --follow', 'keep printing new records as they come (until Ctrl-C)');

export const command: Command = parsedCommand(NAME, SUMMARY, spec, run);

async function run(parsed: ParsedArgs, io: CommandIo): Promise<number> {
  const [canister] = parsed.args;
  const limit = parsed.opts.limit as string | undefined;
  if (limit !== undefined && !/^\d+$/.test(limit)) return usageError(io, NAME, `--limit must be a whole number, got ${JSON.stringify(limit)}`);
  const { Principal } = await import('@icp-sdk/core/principal');
  try {
    Principal.fromText(canister);
  } catch {
    return usageError(io, NAME, `${JSON.stringify(canister)} is not a canister id`);
  }
  const follow = parsed.opts.follow === true;
  if (follow && io.json) return usageError(io, NAME, '--follow prints records as they come: not with --json');
  const { operatorGet } = await import('../operator.ts');
  const fetchRecords = (n: string | undefined) => operatorGet<LogRecords>(io.globals?.url ?? DEFAULT_URL,
    `/_/api/canisters/${encodeURIComponent(canister)}/logs${n === undefined ? '' : `?limit=${n}`}`);
  const got = await fetchRecords(limit);
  if (!got.ok) return fail(io, got.error, got.error.code === null && /limit/.test(got.error.message) ? 2 : 1);
  const { records } = got.value;
  if (io.json) {
    writeJson(io, { canisterId: canister, records });
    return 0;
  }
  const c = colors(io);
  const print = (r: LogRecordView): void => io.out(`${c.dim(`[${r.idx}. ${formatNanos(r.timestampNanos)}]`)}: ${r.content}\n`);
  if (records.length === 0 && !follow) io.err(`no log records for ${canister}\n`);
  records.forEach(print);
  if (!follow) return 0;
  // Poll for records past the last one printed.
  let last = records.length === 0 ? -1n : BigInt(records[records.length - 1].idx);
  process.once('SIGINT', () => process.exit(0));
  for (;;) {
    await sleep(FOLLOW_INTERVAL_MS);
    const next = await fetchRecords(String(MAX_FOLLOW_BATCH));
    if (!next.ok) return fail(io, next.error);
    for (const r of next.value.records) {
      if (BigInt(r.idx) <= last) continue;
      print(r);
      last = BigInt(r.idx);
    }
  }
}

/** How often `--follow` asks for new records, ms. */
const FOLLOW_INTERVAL_MS = 500;
/** The records one poll of `--follow` reads (newer ones than these would be missed only past this many in one interval). */
const MAX_FOLLOW_BATCH = 1000;
