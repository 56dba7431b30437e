// Child process for test/corpus/motoko.ts: compiles one Motoko actor with the
// bundled moc and writes `<out>.wasm` and `<out>.did` atomically. One compile
// per process because moc's output is not byte-identical when it runs twice
// in the same process.
//
// stdin: JSON { source, persistence, out }. Exit 0 on success; on a compile
// error, the diagnostics go to stderr and the exit code is 1.
import { createRequire } from 'node:module';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

interface Job { source: string; persistence: 'enhanced' | 'classic'; out: string }

const require = createRequire(import.meta.url);
const job = JSON.parse(readFileSync(0, 'utf8')) as Job;
const mo = require('motoko');
mo.loadPackage(require('motoko/packages/latest/core.json'));
if (job.persistence === 'classic') mo.compiler.gcFlags('classicOP');
mo.write('Main.mo', job.source);
let result: { wasm: Uint8Array; candid: string };
try {
  result = mo.wasm('Main.mo', 'ic');
} catch (e) {
  // mo.check gives the diagnostics with their source positions.
  const diags = mo.check('Main.mo') as Array<{ range: { start: { line: number; character: number } }; message: string }>;
  for (const d of diags) process.stderr.write(`Main.mo:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}\n`);
  if (diags.length === 0) process.stderr.write(`moc: ${e instanceof Error ? e.message : JSON.stringify(e)}\n`);
  process.exit(1);
}
const tmp = `.${process.pid}.tmp`;
writeFileSync(job.out + '.did' + tmp, result.candid);
renameSync(job.out + '.did' + tmp, job.out + '.did');
writeFileSync(job.out + '.wasm' + tmp, result.wasm);
renameSync(job.out + '.wasm' + tmp, job.out + '.wasm');
