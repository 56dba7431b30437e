/**
 * Benchmark plumbing (DESIGN.md contract 5): each benchmark file
 * `bench/<name>.bench.ts` exports `run(): Promise<BenchReport>`; `npm run
 * bench` runs them, prints a table and writes `bench/results/<name>.json`
 * with at least `{ name, unit, value, baseline, ratio, node, date }`.
 * `ratio` always compares against a baseline measured in the same run, so
 * the figures survive a noisy shared machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One benchmark's headline figure plus its details. */
export interface BenchReport {
  name: string;
  /** Unit of `value` and `baseline`. */
  unit: string;
  value: number;
  baseline: number;
  /** value / baseline (how many times the baseline). */
  ratio: number;
  /** The target the figure is checked against, as text, and whether it is met. */
  target?: { description: string; met: boolean };
  /** Everything else worth keeping: per-workload rows, throughputs, settings. */
  details: Record<string, unknown>;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Times `fn` (ms per call): warms up, then takes the median of `samples`
 * timed batches of `iterations` calls each.
 */
export function timeIt(fn: () => void, opts: { iterations?: number; samples?: number; warmup?: number } = {}): number {
  const { iterations = 1, samples = 7, warmup = 2 } = opts;
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    times.push((performance.now() - t0) / iterations);
  }
  return median(times);
}

/**
 * Interleaves the timing of several variants (a, b, a, b, …) so that drift
 * in machine load hits all of them alike; returns the median ms per call of each.
 */
export function timeInterleaved(variants: Record<string, () => void>, opts: { samples?: number; warmup?: number } = {}): Record<string, number> {
  const { samples = 9, warmup = 2 } = opts;
  const names = Object.keys(variants);
  for (let w = 0; w < warmup; w++) for (const n of names) variants[n]();
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let s = 0; s < samples; s++) {
    for (const n of names) {
      const t0 = performance.now();
      variants[n]();
      times[n].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

/**
 * Times an async `fn` (µs per call): one warm-up batch, then the median of
 * `samples` timed batches of `iterations` calls each.
 */
export async function timeAsync(fn: () => Promise<unknown>, iterations: number, samples = 7): Promise<number> {
  for (let i = 0; i < iterations; i++) await fn();
  const xs: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await fn();
    xs.push(((performance.now() - t0) * 1000) / iterations);
  }
  return median(xs);
}

/**
 * Least-squares line through `(x, y)` points: `y ≈ fixed + perUnit · x`.
 * With `relative`, each point weighs 1/y² (relative errors are minimized),
 * so that small-x points, where the fixed part shows, count as much as
 * large ones.
 */
export function fitLine(points: ReadonlyArray<readonly [number, number]>, relative = false): { fixed: number; perUnit: number } {
  const w = points.map(([, y]) => (relative && y > 0 ? 1 / (y * y) : 1));
  const sw = w.reduce((a, b) => a + b, 0);
  const mx = points.reduce((a, [x], i) => a + w[i] * x, 0) / sw;
  const my = points.reduce((a, [, y], i) => a + w[i] * y, 0) / sw;
  const sxx = points.reduce((a, [x], i) => a + w[i] * (x - mx) ** 2, 0);
  const sxy = points.reduce((a, [x, y], i) => a + w[i] * (x - mx) * (y - my), 0);
  const perUnit = sxx === 0 ? 0 : sxy / sxx;
  return { fixed: my - perUnit * mx, perUnit };
}

/** Writes `bench/results/<name>.json` with the contract's fields. */
export function writeResult(report: BenchReport, dir = join(import.meta.dirname, 'results')): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.name}.json`);
  const json = { ...report, node: process.version, date: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(json, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
  return file;
}
