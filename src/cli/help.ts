/** The help texts of `ic-exec` shared by the dispatcher and the commands. */

export const GLOBAL_HELP = `Global options (before or after the command):
  --url <url>        the replica (default $IC_EXEC_URL, else http://127.0.0.1:4943)
  --identity <pem>   sign as this identity (an Ed25519 or secp256k1 PEM as icp-cli and dfx write them;
                     default: anonymous)
  --json             machine output: one JSON document on stdout; errors as {"error":{"code","message"}}
  --no-color         no colour (there is none anyway when stdout is not a terminal or NO_COLOR is set)
`;

/** The top-level help: the commands and the global options. */
export function mainHelp(commands: readonly { name: string; summary: string }[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: ic-exec <command> [options]

Runs and drives a local Internet Computer replica.

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${GLOBAL_HELP}
Run 'ic-exec <command> --help' for a command's arguments and options.
`;
}
