/**
 * `ic-exec canisters`: every canister of the replica (its operator API,
 * `GET /_/api/canisters`) as a table — id, status, cycles, memory, module
 * hash. `--json`: the API's document, `{ height, canisters: [{ id, status,
 * cycles, memoryBytes, moduleHash, controllers }] }` (big numbers as strings).
 */
import type { Command, CommandIo } from '../command.ts';
import { DEFAULT_URL } from '../globals.ts';
import type { CanisterList } from '../operator.ts';
import { commandSpec, parsedCommand, type ParsedArgs } from '../parse.ts';
import { colors, fail, writeJson } from '../output.ts';
import { formatBytes, formatCycles, table } from '../format.ts';

const NAME = 'canisters';
const SUMMARY = 'list the canisters: id, status, cycles, memory, module hash';
const spec = () => commandSpec(NAME, SUMMARY);

export const command: Command = parsedCommand(NAME, SUMMARY, spec, run);

async function run(parsed: ParsedArgs, io: CommandIo): Promise<number> {
  const { operatorGet } = await import('../operator.ts');
  const got = await operatorGet<CanisterList>(io.globals?.url ?? DEFAULT_URL, '/_/api/canisters');
  if (!got.ok) return fail(io, got.error);
  const { height, canisters } = got.value;
  if (io.json) {
    writeJson(io, { height, canisters });
    return 0;
  }
  if (canisters.length === 0) {
    io.out(`no canisters at height ${height} — deploy one with \`ic-exec deploy <file>\`\n`);
    return 0;
  }
  const c = colors(io);
  const paint = { running: c.green, stopping: c.yellow, stopped: c.red } as const;
  const rows = canisters.map((r) => [
    r.id, (paint[r.status] ?? ((s: string) => s))(r.status), formatCycles(r.cycles), formatBytes(r.memoryBytes),
    r.moduleHash === null ? c.dim('(empty)') : `${r.moduleHash.slice(0, 16)}…`,
  ]);
  io.out(table(['CANISTER', 'STATUS', 'CYCLES', 'MEMORY', 'MODULE HASH'].map((h) => c.bold(h)), rows, new Set([2, 3])));
  io.out(c.dim(`${canisters.length} canister${canisters.length === 1 ? '' : 's'} at height ${height}\n`));
  return 0;
}
