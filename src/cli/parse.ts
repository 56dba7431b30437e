/**
 * A command's own arguments, parsed by commander: the command describes its
 * arguments and options on a commander `Command` (`spec`), and
 * {@link parseArgs} parses argv with it without ever exiting the process or
 * writing to the console — help goes to `io.out`, a usage error comes back
 * as a value for the command to report (as JSON under `--json`).
 */
import { Command as Commander, CommanderError } from 'commander';
import type { Command, CommandIo } from './command.ts';
import { GLOBAL_HELP } from './help.ts';
import { usageError } from './output.ts';

/** A commander spec for a command named `name`; add arguments and options to it. */
export function commandSpec(name: string, summary: string): Commander {
  return new Commander(`ic-exec ${name}`)
    .description(summary)
    .helpOption('-h, --help', 'print this text')
    .addHelpText('after', `\n${GLOBAL_HELP}`)
    .allowExcessArguments(false)
    .exitOverride()
    .configureHelp({ helpWidth: 100 });
}

export interface ParsedArgs {
  readonly kind: 'ok';
  readonly args: readonly string[];
  readonly opts: Record<string, unknown>;
}

export type Parsed =
  | ParsedArgs
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Parses argv with `spec`. Help is written to `io.out`. */
export function parseArgs(spec: Commander, argv: readonly string[], io: CommandIo): Parsed {
  let captured = '';
  spec.configureOutput({
    writeOut: (s) => io.out(s),
    writeErr: (s) => { captured += s; },
    outputError: (s) => { captured += s; },
  });
  try {
    spec.parse([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return { kind: 'help' };
    const message = (captured || e.message).trim().replace(/^error: /, '');
    return { kind: 'error', message };
  }
  return { kind: 'ok', args: spec.args, opts: spec.opts() };
}

/**
 * A command whose argv is parsed with `spec()`: `--help` is printed (exit
 * 0), a usage error reported (exit 2), and `run` is given the parsed
 * arguments otherwise.
 */
export function parsedCommand(
  name: string, summary: string, spec: () => Commander,
  run: (parsed: ParsedArgs, io: CommandIo) => Promise<number>,
): Command {
  return {
    name,
    summary,
    get usage() { return spec().helpInformation(); },
    async run(argv, io) {
      const parsed = parseArgs(spec(), argv, io);
      if (parsed.kind === 'help') return 0;
      if (parsed.kind === 'error') return usageError(io, name, parsed.message);
      return run(parsed, io);
    },
  };
}
