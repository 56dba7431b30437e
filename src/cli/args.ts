/**
 * The options of `npm start` (DESIGN.md contract 2):
 *
 *     --port <n>          default 4943 (0: any free port)
 *     --host <addr>       default 127.0.0.1
 *     --data-dir <dir>    default ./.ic-exec
 *     --ephemeral         keep everything in memory
 *     --seed <text>       the subnet key's seed (default: the library's)
 *     --cores <n>         scheduler cores; above 1, canisters run in sandbox workers (default 1)
 *     --round-interval <ms>  longest time between rounds while idle (default 100)
 *     --log-level <level>    replica log level: trace, debug, info (default), warn, error, fatal, silent
 *     --log-format <f>       json or pretty (default: pretty on a terminal, json otherwise)
 *     --log-canisters <to>   canister logs: stdout (default), stderr, off, or a file
 *     --fund <principals>    principals (comma-separated; repeatable) that start with 1,000 T cycles on the cycles ledger
 *     --no-system-canisters  host no cycles ledger and cycles minting canister
 *     --help
 *
 * `--opt=value` works too. Errors are values: the text to print.
 */

export interface StartOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Whether `--data-dir` was given explicitly. */
  readonly dataDirGiven: boolean;
  readonly ephemeral: boolean;
  readonly seed?: string;
  readonly cores: number;
  readonly roundIntervalMs: number;
  /** Replica log level (default `info`); HTTP requests log at `debug`. */
  readonly logLevel?: LogLevel;
  /** Log line format (default: `pretty` on a terminal, `json` otherwise). */
  readonly logFormat?: 'json' | 'pretty';
  /** Where canister logs go: `stdout` (default), `stderr`, `off` or a file path. */
  readonly logCanisters?: string;
  /** Host the cycles ledger and the cycles minting canister (src/system-canisters). Default true. */
  readonly systemCanisters: boolean;
  /** Principals (text) funded with 1,000 T cycles when the cycles ledger is installed. */
  readonly fund: readonly string[];
  readonly help: boolean;
}

export const USAGE = `Usage: npm start -- [options]

Runs a local Internet Computer replica (one subnet) that agents and the icp CLI talk to.

Options:
  --port <n>             port to listen on (default 4943; 0 picks a free one)
  --host <addr>          address to listen on (default 127.0.0.1)
  --data-dir <dir>       where the replica keeps its state (default ./.ic-exec)
  --ephemeral            keep everything in memory; nothing is written
  --seed <text>          seed of the subnet key (the same seed, the same root key)
  --cores <n>            scheduler cores; above 1, canisters run in sandbox workers (default 1)
  --round-interval <ms>  longest time between rounds while idle (default 100)
  --log-level <level>    replica log level (JSON lines on stderr): trace, debug
                         (HTTP requests), info (default), warn, error, fatal, silent
  --log-format <f>       json or pretty (default: pretty on a terminal, json otherwise)
  --log-canisters <to>   canister logs (debug_print, traps): stdout (default), stderr,
                         off, or a file to append to
  --fund <principals>    principals (comma-separated; repeatable) that start with
                         1,000 T cycles on the cycles ledger (besides the icp CLI's
                         identities and the anonymous principal)
  --no-system-canisters  no cycles ledger / cycles minting canister (icp deploy then
                         cannot create canisters)
  --help                 print this text
`;

const VALUED = new Set(['--port', '--host', '--data-dir', '--seed', '--cores', '--round-interval', '--fund']);
const FLAGS = new Set(['--ephemeral', '--no-system-canisters', '--help', '-h']);

type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const LOG_VALUED = new Set(['--log-level', '--log-format', '--log-canisters']);

/** The `--log-*` options, or the error text. */
function logOptions(values: ReadonlyMap<string, string>): Pick<StartOptions, 'logLevel' | 'logFormat' | 'logCanisters'> | string {
  const level = values.get('--log-level');
  if (level !== undefined && !LOG_LEVELS.includes(level)) return `--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`;
  const format = values.get('--log-format');
  if (format !== undefined && format !== 'json' && format !== 'pretty') return `--log-format must be json or pretty, got ${JSON.stringify(format)}`;
  const canisters = values.get('--log-canisters');
  if (canisters === '') return '--log-canisters needs stdout, stderr, off or a file';
  return {
    ...(level === undefined ? {} : { logLevel: level as LogLevel }), ...(format === undefined ? {} : { logFormat: format }),
    ...(canisters === undefined ? {} : { logCanisters: canisters }),
  };
}

function integer(name: string, text: string, min: number, max: number): number | string {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) return `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`;
  return n;
}

/** Parses `argv` (without `node` and the script). */
export function parseStartArgs(argv: readonly string[]): { ok: true; options: StartOptions } | { ok: false; error: string } {
  const values = new Map<string, string>();
  const fund: string[] = [];
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (FLAGS.has(name)) {
      flags.add(name === '-h' ? '--help' : name);
      continue;
    }
    if (!VALUED.has(name) && !LOG_VALUED.has(name)) return { ok: false, error: `unknown option ${JSON.stringify(arg)}` };
    const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return { ok: false, error: `${name} needs a value` };
    values.set(name, value);
    if (name === '--fund') fund.push(...value.split(',').map((p) => p.trim()).filter((p) => p !== ''));
  }
  const port = integer('--port', values.get('--port') ?? '4943', 0, 65535);
  if (typeof port === 'string') return { ok: false, error: port };
  const cores = integer('--cores', values.get('--cores') ?? '1', 1, 64);
  if (typeof cores === 'string') return { ok: false, error: cores };
  const roundIntervalMs = integer('--round-interval', values.get('--round-interval') ?? '100', 1, 60_000);
  if (typeof roundIntervalMs === 'string') return { ok: false, error: roundIntervalMs };
  const ephemeral = flags.has('--ephemeral');
  const dataDirGiven = values.has('--data-dir');
  if (ephemeral && dataDirGiven) return { ok: false, error: '--ephemeral and --data-dir exclude each other' };
  const seed = values.get('--seed');
  const log = logOptions(values);
  if (typeof log === 'string') return { ok: false, error: log };
  return {
    ok: true,
    options: {
      port, host: values.get('--host') ?? '127.0.0.1', dataDir: values.get('--data-dir') ?? './.ic-exec', dataDirGiven, ephemeral, ...log,
      cores, roundIntervalMs, systemCanisters: !flags.has('--no-system-canisters'), fund, help: flags.has('--help'), ...(seed === undefined ? {} : { seed }),
    },
  };
}
