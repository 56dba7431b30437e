/**
 * The replica's structured logs (pino): one JSON object a line with
 * `level` (a name: `info`), `time` (ISO 8601) and `msg`, plus the event's
 * fields. `pretty` turns each line into `12:00:00.123 INFO  msg key=value`
 * for a terminal (a small formatter of our own; colours on a TTY only).
 *
 * Destinations: `stdout`, `stderr`, `off`, or a file path (appended to).
 * Writes are synchronous, so nothing is lost when the process exits.
 */
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';
import pc from 'picocolors';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS: readonly (Level | 'silent')[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface LoggerOptions {
  /** Default `info`. */
  readonly level?: Level | 'silent';
  /** Default `json`. */
  readonly format?: LogFormat;
  /** `stdout`, `stderr` (default), `off`, or a file path. */
  readonly destination?: string;
  /** Colours in the `pretty` format. Default: when the destination is a TTY. */
  readonly colors?: boolean;
}

/** Whether `destination` is a terminal (where `pretty` is the default). */
export function isTty(destination: string): boolean {
  return (destination === 'stdout' && process.stdout.isTTY === true) || (destination === 'stderr' && process.stderr.isTTY === true);
}

/** Colours whether or not this process's own stdout is a terminal (the caller decides). */
const c = pc.createColors(true);
const LEVEL_COLOR: Readonly<Record<string, (s: string) => string>> = {
  trace: c.gray, debug: c.blue, info: c.green, warn: c.yellow, error: c.red, fatal: (s) => c.bgRed(c.white(s)),
};
const SKIPPED = new Set(['level', 'time', 'msg']);

const value = (v: unknown): string => {
  if (typeof v === 'string') return /[\s="]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (typeof v === 'object' && v !== null && 'stack' in v && typeof (v as { stack: unknown }).stack === 'string') return `\n${(v as { stack: string }).stack}`;
  return JSON.stringify(v) ?? String(v);
};

/** One JSON log line as `HH:MM:SS.mmm LEVEL msg key=value …` (see the module header). */
export function prettyLine(json: string, colors: boolean): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof o.time === 'string' ? o.time.slice(11, 23) : '';
  const level = String(o.level ?? '');
  const tag = level.toUpperCase().padEnd(5);
  const fields = Object.entries(o).filter(([k]) => !SKIPPED.has(k)).map(([k, v]) => `${colors ? c.dim(k) : k}=${value(v)}`);
  const head = `${colors ? c.dim(time) : time} ${colors ? (LEVEL_COLOR[level] ?? String)(tag) : tag} ${String(o.msg ?? '')}`;
  return `${[head, ...fields].join(' ')}\n`;
}

function sink(destination: string): DestinationStream | undefined {
  if (destination === 'off') return undefined;
  if (destination === 'stdout') return pino.destination({ dest: 1, sync: true });
  if (destination === 'stderr') return pino.destination({ dest: 2, sync: true });
  // Opened here, so a path that cannot be opened is an error at once (pino's own mkdir retries).
  mkdirSync(dirname(destination), { recursive: true });
  return pino.destination({ dest: openSync(destination, 'a'), sync: true });
}

/**
 * A logger writing to `opts.destination`.
 * @throws {Error} if a log file cannot be opened.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? 'stderr';
  const out = sink(destination);
  const options = {
    level: out === undefined ? 'silent' : opts.level ?? 'info',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (out === undefined) return pino(options);
  if (opts.format !== 'pretty') return pino(options, out);
  const colors = opts.colors ?? isTty(destination);
  return pino(options, { write: (line: string) => { out.write(prettyLine(line, colors)); } });
}
