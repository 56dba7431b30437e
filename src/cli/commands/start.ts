/**
 * `ic-exec start`: the same as `npm start` — the same options (args.ts) and
 * output (start.ts). Under `--json` the ready lines are one JSON document.
 */
import type { Command } from '../command.ts';
import { USAGE, parseStartArgs } from '../args.ts';
import { GLOBAL_HELP } from '../help.ts';
import { usageError } from '../output.ts';

const usage = `${USAGE.replace('Usage: npm start -- [options]', 'Usage: ic-exec start [options]')}\n${GLOBAL_HELP}`;

export const command: Command = {
  name: 'start',
  summary: 'run a local replica (the same as npm start)',
  usage,
  async run(argv, io) {
    const parsed = parseStartArgs(argv);
    if (!parsed.ok) return usageError(io, 'start', parsed.error);
    if (parsed.options.help) {
      io.out(usage);
      return 0;
    }
    const { main } = await import('../start.ts');
    return main(parsed.options, 0, { json: io.json });
  },
};
