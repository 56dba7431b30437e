/**
 * The entry point of `npm start` (`node src/cli/main.ts [options]`). It
 * turns on Node's compile cache before anything else is loaded — the
 * replica's modules then load from compiled code on later starts — and
 * only then imports the replica.
 */
import { enableCompileCache } from 'node:module';
import { USAGE, parseStartArgs } from './args.ts';

const t0 = performance.now();
enableCompileCache();
// Output to a closed pipe (`npm start | head`) must not crash the replica.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
const parsed = parseStartArgs(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`ic-exec: ${parsed.error}\n\n${USAGE}`);
  process.exitCode = 2;
} else if (parsed.options.help) {
  process.stdout.write(USAGE);
} else {
  const { main } = await import('./start.ts');
  process.exitCode = await main(parsed.options, t0);
}
