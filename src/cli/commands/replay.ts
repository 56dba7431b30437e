/**
 * `ic-exec replay [--data-dir D] [--from H]`: the batch log of a replica's
 * data directory executed again from a checkpoint, offline and read only,
 * with the state hash checked at every height (src/replica/replay.ts,
 * src/state-manager/replay.ts). Prints what was replayed and verified, or
 * the first divergence — its height, the expected and actual state hashes
 * and which canister or part differs — and the damaged checkpoints.
 *
 * Exit codes: 0 verified; 1 a divergence, a damaged checkpoint or batch
 * record; 2 a directory that cannot be replayed (none, in use by a running
 * replica, no log) or a usage error. `--json`:
 *
 *     { "dataDir", "from", "to", "batches", "verifiedHeights": [...], "logVerifiedHeights",
 *       "damaged": [{ "height", "reason" }], "ok", "ms",
 *       ["divergence": { "height", "expected", "actual", "source", "detail" }], ["stopped"] }
 *
 * with heights as decimal strings.
 */
import { resolve } from 'node:path';
import type { Command, CommandIo, Progress } from '../command.ts';
import { colors, fail, usageError, writeJson } from '../output.ts';
import { commandSpec, parseArgs } from '../parse.ts';
import type { ReplayReport } from '../../replica/index.ts';

const DEFAULT_DATA_DIR = './.ic-exec';

const spec = (): ReturnType<typeof commandSpec> => commandSpec('replay', 'execute the batch log of a data directory again and verify its state hashes')
  .option('--data-dir <dir>', 'the data directory of a replica that is not running', DEFAULT_DATA_DIR)
  .option('--from <height>', 'start at this checkpoint height (default: the oldest with the log after it; 0: the empty state when the log starts at 1)')
  .addHelpText('after', `
Re-executes every logged batch after the checkpoint and compares the state
hash at each height with the one the replica recorded (in the next batch's
log record, and in each checkpoint). Nothing in the directory is written.
Exit code: 0 verified, 1 divergence or damage found, 2 the directory cannot
be replayed.`);

/** Heights as strings, for JSON. */
function jsonReport(dataDir: string, r: ReplayReport, ms: number): Record<string, unknown> {
  return {
    dataDir, from: String(r.from), to: String(r.to), batches: r.batches, verifiedHeights: r.verifiedHeights.map(String),
    logVerifiedHeights: r.logVerifiedHeights, damaged: r.damaged.map((d) => ({ height: String(d.height), reason: d.reason })),
    ok: r.ok, ms: Math.round(ms),
    ...(r.divergence === undefined ? {} : { divergence: { ...r.divergence, height: String(r.divergence.height) } }),
    ...(r.stopped === undefined ? {} : { stopped: r.stopped }),
  };
}

function humanReport(io: CommandIo, dataDir: string, r: ReplayReport, ms: number): void {
  const c = colors(io);
  const lines: string[] = [];
  for (const d of r.damaged) lines.push(`${c.red('damaged checkpoint')} at height ${d.height}: ${d.reason}`);
  const d = r.divergence;
  if (d !== undefined) {
    const by = d.source === 'log' ? 'the one the batch log recorded' : 'the checkpoint\'s';
    lines.push(`${c.red('divergence')} at height ${d.height}: the state hash differs from ${by}`,
      `  expected ${d.expected}`, `  actual   ${d.actual}`, `  ${d.detail}`);
  }
  if (r.stopped !== undefined) lines.push(`${c.red('stopped')}: ${r.stopped}`);
  const checkpoints = r.verifiedHeights.length === 0 ? 'no checkpoint after it' : `checkpoint${r.verifiedHeights.length === 1 ? '' : 's'} ${r.verifiedHeights.join(', ')}`;
  const verdict = r.ok ? c.green('verified') : c.red('NOT verified');
  lines.push(`${verdict}: ${r.batches} of ${r.total} batches of ${dataDir} replayed from height ${r.from} to ${r.to} in ${(ms / 1000).toFixed(2)} s; `
    + `state hashes matched at ${r.logVerifiedHeights} heights recorded in the log and at ${checkpoints}`);
  io.out(`${lines.join('\n')}\n`);
}

export const command: Command = {
  name: 'replay',
  summary: 'execute a data directory\'s batch log again and verify its state hashes',
  usage: spec().helpInformation(),
  async run(argv, io) {
    const parsed = parseArgs(spec(), argv, io);
    if (parsed.kind === 'help') return 0;
    if (parsed.kind === 'error') return usageError(io, 'replay', parsed.message);
    const opts = parsed.opts as { dataDir: string; from?: string };
    let from: bigint | undefined;
    if (opts.from !== undefined) {
      if (!/^\d+$/.test(opts.from)) return usageError(io, 'replay', `--from takes a height (a natural number), not '${opts.from}'`);
      from = BigInt(opts.from);
    }
    const dataDir = resolve(opts.dataDir);
    const { replayDataDir } = await import('../../replica/index.ts');
    let bar: Progress | undefined;
    const t0 = performance.now();
    const r = await replayDataDir(dataDir, {
      ...(from === undefined ? {} : { from }),
      onProgress: (done, total) => {
        bar ??= io.progress('replaying', total);
        bar.update(done);
      },
    });
    bar?.done();
    const ms = performance.now() - t0;
    if (!r.ok) return fail(io, { code: null, message: r.error }, 2);
    if (io.json) writeJson(io, jsonReport(dataDir, r.report, ms));
    else humanReport(io, dataDir, r.report, ms);
    return r.report.ok ? 0 : 1;
  },
};
