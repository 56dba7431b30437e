// The icp command-line tool (npm @icp-sdk/icp-cli-linux-x64) as the
// icp-cli*.test.ts suites run it: in a project directory with a new user's
// ICP_HOME, and that project's icp.yaml pointing the `local` network at a
// served replica (a "connected" network).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ICP = fileURLToPath(new URL('../../node_modules/@icp-sdk/icp-cli-linux-x64/bin/icp', import.meta.url));

/** The `skip` of a suite that needs the binary. */
export const SKIP_WITHOUT_ICP: false | string = existsSync(ICP) ? false : 'icp-cli binary not installed (linux-x64 only)';

export interface IcpCli {
  /** Runs icp: its exit code and output (stdout then stderr). */
  icp(...args: string[]): Promise<{ code: number; out: string }>;
  /** Runs icp, which must exit 0: its output. */
  ok(...args: string[]): Promise<string>;
}

/** icp run in `where().cwd` with `ICP_HOME=where().home` (read at each run: the directories may be made in a `before`). */
export function icpCli(where: () => { cwd: string; home: string }): IcpCli {
  const icp = (...args: string[]): Promise<{ code: number; out: string }> => new Promise((resolve) => {
    const { cwd, home } = where();
    execFile(ICP, args, { cwd, env: { ...process.env, ICP_HOME: home, RUST_BACKTRACE: '0', DO_NOT_TRACK: '1' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : (typeof err.code === 'number' ? err.code : 1), out: `${stdout}${stderr}` });
    });
  });
  const ok = async (...args: string[]): Promise<string> => {
    const r = await icp(...args);
    assert.equal(r.code, 0, `icp ${args.join(' ')}:\n${r.out}`);
    return r.out;
  };
  return { icp, ok };
}

/** An icp.yaml: each canister pre-built from `demo.wasm`, the `local` network the replica at `url` with `rootKeyHex`. */
export function icpYaml(canisters: readonly string[], url: string, rootKeyHex: string): string {
  return [
    'canisters:', ...canisters.flatMap((name) => [`  - name: ${name}`, '    build:', '      steps:', '        - type: pre-built', '          path: demo.wasm']),
    'networks:', '  - name: local', '    mode: connected', `    url: ${url}`, `    root-key: ${rootKeyHex}`, '',
  ].join('\n');
}
