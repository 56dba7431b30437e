// `npm run bench [-- name…]`: runs bench/<name>.bench.ts (all by default),
// prints a table, and writes bench/results/<name>.json for each.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeResult } from './lib.ts';
import type { BenchReport } from './lib.ts';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}`);
  process.exit(1);
}
const rows: BenchReport[] = [];
for (const f of files) {
  process.stdout.write(`running ${f} …\n`);
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run: () => Promise<BenchReport> };
  const report = await mod.run();
  writeResult(report);
  rows.push(report);
}
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
console.log('\nbenchmark'.padEnd(26) + 'value'.padStart(12) + '  unit'.padEnd(14) + 'baseline'.padStart(12) + 'ratio'.padStart(9) + '  target');
for (const r of rows) {
  const target = r.target ? `${r.target.met ? 'met' : 'MISSED'}: ${r.target.description}` : '';
  console.log(r.name.padEnd(25) + fmt(r.value).padStart(12) + `  ${r.unit}`.padEnd(14) + fmt(r.baseline).padStart(12) + fmt(r.ratio).padStart(9) + `  ${target}`);
}
