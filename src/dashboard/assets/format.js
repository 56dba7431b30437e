// Numbers for people: cycles as T/B/M, bytes as MiB, counts with K/M/G,
// durations, short hashes. The API sends big numbers as decimal strings;
// they stay BigInt here, and every short form has the full value for a
// tooltip (`full*`).

const GROUP = new Intl.NumberFormat('en-US');

/** The decimal string `text` (or a number) as a BigInt; 0n when it is not one. */
export function big(text) {
  try { return BigInt(text); } catch { return 0n; }
}

/** `n` / `unit` with `digits` decimals, exact for BigInts. */
function scaled(n, unit, digits) {
  const f = 10n ** BigInt(digits);
  const v = (n * f + unit / 2n) / unit;
  const whole = v / f;
  if (digits === 0) return GROUP.format(whole);
  return `${GROUP.format(whole)}.${(v % f).toString().padStart(digits, '0')}`;
}

const CYCLE_UNITS = [[10n ** 12n, 'T'], [10n ** 9n, 'B'], [10n ** 6n, 'M'], [10n ** 3n, 'K']];

/** Cycles as `3.50 T` (trillions), `812.4 B`, `1.20 M`. */
export function cycles(text) {
  const n = big(text);
  const a = n < 0n ? -n : n;
  for (const [unit, suffix] of CYCLE_UNITS) {
    if (a >= unit) return `${scaled(n, unit, a >= unit * 100n ? 1 : 2)} ${suffix}`;
  }
  return GROUP.format(n);
}

/**
 * Cycles on an axis whose labels are `span` apart at most: the unit of the
 * value, with as many decimals as it takes for `span` to show
 * (`2.4962 T`, `2.4965 T`).
 */
export function cyclesAxis(v, span) {
  const a = Math.abs(v);
  const [unit, suffix] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K'], [1, '']].find(([u]) => a >= u) ?? [1, ''];
  const digits = span > 0 ? Math.max(0, Math.min(6, Math.ceil(-Math.log10(span / 2 / unit)))) : 2;
  return `${(v / unit).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${suffix === '' ? '' : ` ${suffix}`}`;
}

/** The full value: `3,500,000,000,000 cycles`. */
export function fullCycles(text) {
  return `${GROUP.format(big(text))} cycles`;
}

const MIB = 1024n * 1024n;

/** Bytes as MiB (GiB from 1 GiB): `1.25 MiB`, `0.02 MiB`. */
export function bytes(text) {
  const n = big(text);
  if (n >= 1024n * MIB) return `${scaled(n, 1024n * MIB, 2)} GiB`;
  return `${scaled(n, MIB, n >= 100n * MIB ? 1 : 2)} MiB`;
}

/** The full value: `1,310,720 bytes`. */
export function fullBytes(text) {
  return `${GROUP.format(big(text))} bytes`;
}

/** A count with K/M/G/T (`12.3 M`); small counts as they are. */
export function count(value) {
  const n = typeof value === 'number' ? value : Number(big(value));
  const a = Math.abs(n);
  for (const [unit, suffix] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']]) {
    if (a >= unit) return `${(n / unit).toFixed(a >= unit * 100 ? 0 : 1)} ${suffix}`;
  }
  return Number.isInteger(n) ? GROUP.format(n) : n.toFixed(1);
}

/** A rate with one decimal below 100: `9.8`. */
export function rate(n) {
  return n >= 100 ? GROUP.format(Math.round(n)) : n.toFixed(1);
}

/** An exact integer with separators (decimal string or number). */
export function integer(value) {
  return GROUP.format(typeof value === 'number' ? value : big(value));
}

/** A duration: `3h 07m`, `4m 12s`, `9s`. */
export function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A hash cut to its first and last characters: `1a2b3c4d…9f0e`. */
export function shortHash(hex) {
  return hex.length <= 14 ? hex : `${hex.slice(0, 8)}…${hex.slice(-4)}`;
}

/** A principal cut in the middle when long: `rrkah-fqaaa-…-cai`. */
export function shortPrincipal(text) {
  return text.length <= 29 ? text : `${text.slice(0, 11)}…${text.slice(-9)}`;
}

/** Nanoseconds since the epoch (decimal string) as local `HH:MM:SS.mmm`. */
export function clockTime(nanosText) {
  const ms = Number(big(nanosText) / 1_000_000n);
  const d = new Date(ms);
  const p = (x, n = 2) => String(x).padStart(n, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Nanoseconds since the epoch as a full local date and time (tooltips). */
export function dateTime(nanosText) {
  return new Date(Number(big(nanosText) / 1_000_000n)).toLocaleString();
}

/** The system canisters npm start hosts at their mainnet ids (src/system-canisters). */
const KNOWN = new Map([
  ['rkp4c-7iaaa-aaaaa-aaaca-cai', 'cycles minting canister'],
  ['um5iw-rqaaa-aaaaq-qaaba-cai', 'cycles ledger'],
]);

/** The name of a well-known canister, or `undefined`. */
export function knownName(id) {
  return KNOWN.get(id);
}
