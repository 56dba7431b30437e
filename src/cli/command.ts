/**
 * The `ic-exec` command interface: every subcommand (`start`, `deploy`,
 * `call`, `replay`, …) is a {@link Command} that gets its own arguments and a
 * {@link CommandIo}, and returns its exit code. The dispatcher
 * (`ic-exec.ts`) strips the global options (`--url`, `--json`,
 * `--identity`, `--no-color`) before a command sees its argv.
 *
 * Rules for a command:
 * - write through `io.out` (results) and `io.err` (diagnostics), never
 *   `process.stdout`, so tests can capture it;
 * - with `io.json`, write exactly one JSON document with `io.out` (errors:
 *   `{ "error": { "code": "IC0xxx" | null, "message": … } }`, see
 *   {@link jsonError}) and nothing else on stdout;
 * - colour only when `io.color` (never on a pipe, nor with NO_COLOR);
 * - return 0 on success, 1 on a failure, 2 on a usage error.
 *
 * A command file under `commands/` exports `command: Command` and keeps its
 * module-level imports light (the replica or the agent are imported inside
 * `run`), so `ic-exec --help` loads fast. Its registration is one line in
 * `commands/index.ts`.
 */
import { SingleBar } from 'cli-progress';

/** A progress display; does nothing when output is not a TTY or with `--json`. */
export interface Progress {
  update(done: number): void;
  done(): void;
}

/** How a progress bar shows its counts. */
export type ProgressUnit = 'count' | 'bytes';

/** The options every command accepts (read by the commands that talk to a replica). */
export interface GlobalOptions {
  /** The replica's URL (`--url`, `$IC_EXEC_URL`, default http://127.0.0.1:4943). */
  readonly url: string;
  /** A PEM file (`--identity`); anonymous when absent. */
  readonly identity?: string;
}

export interface CommandIo {
  out(s: string): void;
  err(s: string): void;
  readonly json: boolean;
  readonly color: boolean;
  readonly isTTY: boolean;
  /** `unit: 'bytes'` shows the counts as KiB/MiB. */
  progress(label: string, total: number, unit?: ProgressUnit): Progress;
  /** The global options; the dispatcher always sets them (a test's io may leave them out). */
  readonly globals?: GlobalOptions;
}

export interface Command {
  readonly name: string;
  /** One line for `ic-exec --help`. */
  readonly summary: string;
  /** The command's help text (`ic-exec <name> --help`). */
  readonly usage: string;
  /** @returns the exit code. */
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

/** The commands, in the order `--help` lists them. */
const registry = new Map<string, Command>();

/** Adds a command (a second one under the same name replaces the first). */
export function registerCommand(command: Command): void {
  registry.set(command.name, command);
}

export function findCommand(name: string): Command | undefined {
  return registry.get(name);
}

export function listCommands(): readonly Command[] {
  return [...registry.values()];
}

/** The JSON document of an error under `--json`. */
export function jsonError(message: string, code: string | null = null): string {
  return JSON.stringify({ error: { code, message } });
}

function mebibytes(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

const SILENT: Progress = { update: () => undefined, done: () => undefined };

/**
 * A progress bar on `stream` (cli-progress) when `show`, or one that does
 * nothing. The bar is cleared when done, so it leaves no trace in scrollback.
 */
export function progressBar(label: string, total: number, show: boolean, stream: NodeJS.WritableStream = process.stderr, unit: ProgressUnit = 'count'): Progress {
  if (!show || total <= 0) return SILENT;
  const shown = (n: number): string => (unit === 'bytes' ? mebibytes(n) : String(n));
  const bar = new SingleBar({
    stream, format: `${label} [{bar}] {percentage}% {done}/{size}`, barsize: 30, hideCursor: true,
    clearOnComplete: true, noTTYOutput: false,
  });
  bar.start(total, 0, { done: shown(0), size: shown(total) });
  let finished = false;
  return {
    update: (done) => bar.update(Math.min(done, total), { done: shown(Math.min(done, total)) }),
    done: () => {
      if (finished) return;
      finished = true;
      bar.stop();
    },
  };
}

/** Colour only on a terminal, with NO_COLOR unset (or empty, as no-color.org says) and no `--no-color`. */
export function wantsColor(isTTY: boolean, env: NodeJS.ProcessEnv, noColor: boolean): boolean {
  return isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === '') && !noColor;
}

/** What {@link processIo} needs to decide colour, TTY and JSON. */
export interface ProcessIoOptions {
  readonly json: boolean;
  /** `--no-color` given. */
  readonly noColor: boolean;
  readonly globals: GlobalOptions;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The io of a real process: stdout/stderr; colour only when stdout is a TTY,
 * NO_COLOR is unset and `--no-color` not given; the progress bar on stderr
 * when it is a TTY and not `--json`.
 */
export function processIo(opts: ProcessIoOptions): CommandIo {
  const isTTY = process.stdout.isTTY === true;
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    json: opts.json,
    color: wantsColor(isTTY, opts.env ?? process.env, opts.noColor),
    isTTY,
    progress: (label, total, unit) => progressBar(label, total, !opts.json && process.stderr.isTTY === true, process.stderr, unit),
    globals: opts.globals,
  };
}
