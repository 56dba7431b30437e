/**
 * The global options of `ic-exec`, accepted before or after the command
 * name: `--url <url>`, `--json`, `--identity <pem>`, `--no-color`,
 * `--help`/`-h` (before the command: the list of commands). They are taken
 * out of argv before the command parses the rest; after a bare `--` nothing
 * is taken.
 */
import type { GlobalOptions } from './command.ts';

export const DEFAULT_URL = 'http://127.0.0.1:4943';

export interface ParsedGlobals {
  readonly globals: GlobalOptions;
  readonly json: boolean;
  readonly noColor: boolean;
  /** `--help` before any command. */
  readonly help: boolean;
  /** The command's name, if any. */
  readonly command?: string;
  /** The command's own arguments. */
  readonly rest: readonly string[];
}

const VALUED = new Set(['--url', '--identity']);

/** Splits argv (without node and the script) into the global options, the command and its arguments. */
export function parseGlobals(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { ok: true; value: ParsedGlobals } | { ok: false; error: string } {
  const values = new Map<string, string>();
  let json = false;
  let noColor = false;
  let help = false;
  let command: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUED.has(name)) {
      const value = name !== arg ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') return { ok: false, error: `${name} needs a value` };
      values.set(name, value);
    } else if (arg === '--json') json = true;
    else if (arg === '--no-color') noColor = true;
    else if (command === undefined && (arg === '--help' || arg === '-h')) help = true;
    else if (command === undefined && !arg.startsWith('-')) command = arg;
    else if (command === undefined) return { ok: false, error: `unknown option ${JSON.stringify(arg)} (options of a command come after its name)` };
    else rest.push(arg);
  }
  const url = values.get('--url') ?? (env.IC_EXEC_URL !== undefined && env.IC_EXEC_URL !== '' ? env.IC_EXEC_URL : DEFAULT_URL);
  if (!/^https?:\/\/[^/\s]+/.test(url)) return { ok: false, error: `--url must be an http:// or https:// URL, got ${JSON.stringify(url)}` };
  const identity = values.get('--identity');
  return {
    ok: true,
    value: {
      globals: { url: url.replace(/\/+$/, ''), ...(identity === undefined ? {} : { identity }) },
      json, noColor, help, rest, ...(command === undefined ? {} : { command }),
    },
  };
}
