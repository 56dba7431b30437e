// Child process of compile.ts: compiles one Motoko actor with the bundled
// moc (the `motoko` package, `mo:core`) and writes `<out>` atomically. One
// compile per process: moc's output is not byte-identical when it runs
// twice in one process.
//
// The Candid interface is public metadata (`icp:public candid:service`,
// what `icp canister call` reads to type arguments), as on the IC.
//
// stdin: JSON { source, out }. Exit 0 on success; diagnostics on stderr and
// exit 1 on a compile error.
import { createRequire } from 'node:module';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const job = JSON.parse(readFileSync(0, 'utf8')) as { source: string; out: string };
const mo = require('motoko');
mo.loadPackage(require('motoko/packages/latest/core.json'));
mo.setPublicMetadata(['candid:service']);
mo.write('Main.mo', job.source);
let wasm: Uint8Array;
try {
  wasm = (mo.wasm('Main.mo', 'ic') as { wasm: Uint8Array }).wasm;
} catch (e) {
  const diags = mo.check('Main.mo') as Array<{ range: { start: { line: number; character: number } }; message: string }>;
  for (const d of diags) process.stderr.write(`Main.mo:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}\n`);
  if (diags.length === 0) process.stderr.write(`moc: ${e instanceof Error ? e.message : JSON.stringify(e)}\n`);
  process.exit(1);
}
const tmp = `${job.out}.${process.pid}.tmp`;
writeFileSync(tmp, wasm);
renameSync(tmp, job.out);
