/** Human formats of the commands' output: tables, cycles, bytes, durations, times. */

/** `1_234_567` → `1.23 M`; cycles read best in T (10¹²), B, M. Exact below a million. */
export function formatCycles(text: string): string {
  const n = BigInt(text);
  const units: Array<[bigint, string]> = [[10n ** 12n, 'T'], [10n ** 9n, 'B'], [10n ** 6n, 'M']];
  for (const [scale, unit] of units) {
    if (n >= scale) return `${decimal(n, scale)} ${unit}`;
  }
  return n.toString();
}

/** `n / scale` with 3 decimals, truncated. */
function decimal(n: bigint, scale: bigint): string {
  const whole = n / scale;
  const frac = ((n % scale) * 1000n) / scale;
  return `${whole}.${frac.toString().padStart(3, '0')}`;
}

/** Bytes in B, KiB, MiB, GiB. */
export function formatBytes(text: string): string {
  const n = BigInt(text);
  const units: Array<[bigint, string]> = [[1n << 30n, 'GiB'], [1n << 20n, 'MiB'], [1n << 10n, 'KiB']];
  for (const [scale, unit] of units) {
    if (n >= scale) return `${(Number((n * 100n) / scale) / 100).toFixed(2)} ${unit}`;
  }
  return `${n} B`;
}

/** `3723000` ms → `1h 2m 3s`. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']] as const;
  const first = parts.findIndex(([v]) => v > 0);
  return first === -1 ? '0s' : parts.slice(first).map(([v, u]) => `${v}${u}`).join(' ');
}

/** Nanoseconds since the epoch (decimal text) → ISO 8601 with nanoseconds, UTC. */
export function formatNanos(text: string): string {
  const n = BigInt(text);
  const iso = new Date(Number(n / 1_000_000n)).toISOString();
  return `${iso.slice(0, 19)}.${(n % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/** `1234567` → `1.23M` (instructions and other counts). */
export function formatCount(text: string): string {
  const n = Number(text);
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/** Visible width (ANSI colour codes take none). */
function width(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** A plain table: a header row, then the rows; columns padded, `right` columns aligned right. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string => cells.map((c, i) => {
    const pad = ' '.repeat(widths[i] - width(c));
    if (i === cells.length - 1 && !right.has(i)) return c;
    return right.has(i) ? pad + c : c + pad;
  }).join('  ');
  return [line(header), ...rows.map(line)].map((l) => `${l.trimEnd()}\n`).join('');
}
