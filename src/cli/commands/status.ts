/**
 * `ic-exec status`: the replica at a glance — its health and root key
 * (`/api/v2/status`) and the subnet (the operator API's `/_/api/status`:
 * height, canisters, round rate, instructions per round, ingress waiting,
 * uptime, where the state is). Exit 1 when no replica answers or it is not
 * healthy. `--json`: `{ url, health: { status, rootKey, implVersion,
 * icApiVersion, certifiedHeight }, replica: <the /_/api/status document> | null }`.
 */
import type { Command, CommandIo } from '../command.ts';
import { DEFAULT_URL } from '../globals.ts';
import type { StatusView } from '../operator.ts';
import { commandSpec, parsedCommand, type ParsedArgs } from '../parse.ts';
import { colors, fail, writeJson } from '../output.ts';
import { formatCount, formatDuration } from '../format.ts';

const NAME = 'status';
const SUMMARY = "the replica's health, root key, height, canisters and load";
const spec = () => commandSpec(NAME, SUMMARY);

export const command: Command = parsedCommand(NAME, SUMMARY, spec, run);

async function run(parsed: ParsedArgs, io: CommandIo): Promise<number> {
  const url = io.globals?.url ?? DEFAULT_URL;
  const { operatorGet, replicaHealth } = await import('../operator.ts');
  const health = await replicaHealth(url);
  if (!health.ok) return fail(io, health.error);
  // A replica without the operator API (not ic-exec) still has a health.
  const api = await operatorGet<StatusView>(url, '/_/api/status');
  const replica = api.ok ? api.value : null;
  const healthy = health.value.status === 'healthy';
  if (io.json) {
    writeJson(io, { url, health: health.value, replica });
    return healthy ? 0 : 1;
  }
  const c = colors(io);
  const h = health.value;
  const rows: Array<[string, string]> = [
    ['replica', `${url}  ${healthy ? c.green(h.status ?? '') : c.red(h.status ?? 'unknown health')}${h.implVersion === null ? '' : c.dim(`  (${h.implVersion}, interface ${h.icApiVersion ?? '?'})`)}`],
  ];
  if (replica !== null) {
    rows.push(
      ['subnet', replica.subnetId],
      ['height', `${replica.height}${h.certifiedHeight === null ? '' : c.dim(`  (certified ${h.certifiedHeight})`)}`],
      ['canisters', String(replica.canisters)],
      ['rounds', `${replica.roundsPerSecond.toFixed(1)}/s, ${formatCount(replica.instructionsPerRound)} instructions a round`],
      ['ingress', `${replica.ingressPool} waiting`],
      ['uptime', formatDuration(replica.uptimeMs)],
      ['state', replica.dataDir ?? 'in memory (ephemeral)'],
      ['dashboard', `${url}/_/dashboard`],
    );
  } else if (h.certifiedHeight !== null) rows.push(['height', `${h.certifiedHeight} (certified)`]);
  rows.push(['root key', h.rootKey ?? 'none']);
  const w = Math.max(...rows.map(([k]) => k.length));
  io.out(rows.map(([k, v]) => `${c.bold(k.padEnd(w))}  ${v}\n`).join(''));
  if (replica === null && !api.ok) io.err(`${c.dim(api.error.message)}\n`);
  return healthy ? 0 : 1;
}
