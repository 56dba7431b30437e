/**
 * The registry of `ic-exec`'s commands, in the order `ic-exec --help` lists
 * them. A new command: a file here exporting `command: Command`
 * (src/cli/command.ts) and one line below.
 */
import { registerCommand, type Command } from '../command.ts';
import { command as start } from './start.ts';
import { call, query } from './call.ts';
import { command as deploy } from './deploy.ts';
import { command as canisters } from './canisters.ts';
import { command as logs } from './logs.ts';
import { command as status } from './status.ts';
import { command as replay } from './replay.ts';

const COMMANDS: readonly Command[] = [start, deploy, call, query, canisters, logs, status, replay];

/** Registers every command; called once by the dispatcher (and by tests). */
export function registerAll(): void {
  for (const command of COMMANDS) registerCommand(command);
}
