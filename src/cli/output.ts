/**
 * How a command reports: a failure as a sentence on stderr (or the JSON
 * error document under `--json`), with the IC's error code when there is
 * one, and its exit code.
 */
import pc from 'picocolors';
import { jsonError, type CommandIo } from './command.ts';

/** A failure to report: the IC's error code (`IC0xxx`) when there is one. */
export interface CliError {
  readonly code: string | null;
  readonly message: string;
}

/** Colours for `io` (none unless `io.color`). */
export function colors(io: Pick<CommandIo, 'color'>): ReturnType<typeof pc.createColors> {
  return pc.createColors(io.color);
}

/** Reports `error` and returns the exit code (1 unless given). */
export function fail(io: CommandIo, error: CliError, exit = 1): number {
  if (io.json) io.out(`${jsonError(error.message, error.code)}\n`);
  else {
    const c = pc.createColors(io.color && process.stderr.isTTY === true);
    io.err(`${c.red('error')}: ${error.message}${error.code === null || error.message.includes(error.code) ? '' : ` (${error.code})`}\n`);
  }
  return exit;
}

/** Reports a usage error of command `name` (exit 2). */
export function usageError(io: CommandIo, name: string, message: string): number {
  return fail(io, { code: null, message: `${message} (see 'ic-exec ${name} --help')` }, 2);
}

/** Writes the one JSON document of a command's result under `--json`. */
export function writeJson(io: CommandIo, value: unknown): void {
  io.out(`${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
