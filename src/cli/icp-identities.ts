/**
 * The identities of the `icp` command-line tool on this machine, as
 * `icp network start` funds them: the principals in its identity list
 * (`$ICP_HOME/identity/identity_list.json`, else the platform's data
 * directory — `$XDG_DATA_HOME/icp-cli` or `~/.local/share/icp-cli` on Linux,
 * `~/Library/Application Support/org.dfinity.icp-cli` on macOS). Anything
 * unreadable is no identity: funding them is a convenience, never a reason
 * not to start.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where icp keeps its identity list. */
export function icpIdentityListPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ICP_HOME !== undefined && env.ICP_HOME !== '') return join(env.ICP_HOME, 'identity', 'identity_list.json');
  const data = process.platform === 'darwin' ? join(homedir(), 'Library', 'Application Support', 'org.dfinity.icp-cli')
    : join(env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== '' ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share'), 'icp-cli');
  return join(data, 'identity', 'identity_list.json');
}

/** The principals (text) of icp's identities that have one, anonymous excluded; none when there is no readable list. */
export function icpIdentityPrincipals(env: NodeJS.ProcessEnv = process.env): string[] {
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(icpIdentityListPath(env), 'utf8'));
  } catch {
    return [];
  }
  const identities = (list as { identities?: Record<string, { principal?: unknown }> })?.identities;
  if (identities === null || typeof identities !== 'object') return [];
  const out: string[] = [];
  for (const spec of Object.values(identities)) {
    if (typeof spec?.principal === 'string' && spec.principal !== '2vxsx-fae' && !out.includes(spec.principal)) out.push(spec.principal);
  }
  return out;
}
