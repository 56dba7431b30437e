/**
 * The entry point of the `ic-exec` command (bin/ic-exec runs it on the
 * project's Node 24): Node's compile cache on, the global options taken out
 * of argv (globals.ts), then the command run (commands/index.ts has them)
 * and its exit code returned. `start` keeps the process alive; every other
 * command ends it when it returns.
 */
import { enableCompileCache } from 'node:module';
import { findCommand, listCommands, processIo, jsonError } from './command.ts';
import { registerAll } from './commands/index.ts';
import { parseGlobals } from './globals.ts';
import { mainHelp } from './help.ts';

enableCompileCache();
// Output to a closed pipe (`ic-exec canisters | head`) must not crash the command.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

async function run(argv: readonly string[]): Promise<number | 'running'> {
  registerAll();
  const parsed = parseGlobals(argv);
  if (!parsed.ok) {
    const json = argv.includes('--json');
    if (json) process.stdout.write(`${jsonError(parsed.error)}\n`);
    else process.stderr.write(`error: ${parsed.error} (see 'ic-exec --help')\n`);
    return 2;
  }
  const { command: name, rest, json, noColor, globals, help } = parsed.value;
  const io = processIo({ json, noColor, globals });
  if (name === undefined) {
    if (help) {
      io.out(mainHelp(listCommands()));
      return 0;
    }
    io.err(mainHelp(listCommands()));
    return 2;
  }
  if (name === 'help') {
    const target = rest[0] === undefined ? undefined : findCommand(rest[0]);
    io.out(target === undefined ? mainHelp(listCommands()) : target.usage);
    return 0;
  }
  const command = findCommand(name);
  if (command === undefined) {
    const message = `unknown command ${JSON.stringify(name)}; the commands are ${listCommands().map((c) => c.name).join(', ')}`;
    if (json) io.out(`${jsonError(message)}\n`);
    else io.err(`error: ${message}\n`);
    return 2;
  }
  const code = await command.run(rest, io);
  // A started replica runs until a signal; its process must not end here.
  if (command.name === 'start' && code === 0) return 'running';
  return code;
}

const result = await run(process.argv.slice(2));
if (result !== 'running') process.exit(result);
