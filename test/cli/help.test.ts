// ic-exec without a replica: `npx ic-exec --help`, each command's help,
// usage errors, and a replica that is not there (exit statuses, the JSON
// error document, IC_EXEC_URL).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { assertPlain, icExec, runProcess } from './support.ts';

const COMMANDS = ['start', 'deploy', 'call', 'query', 'canisters', 'logs', 'status', 'replay'];

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ic-exec without a replica', () => {
  let port: number;
  before(async () => { port = await closedPort(); });

  it('npx ic-exec --help lists every command and the global options', async () => {
    const r = await runProcess('npx', ['--no-install', 'ic-exec', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assertPlain(r);
    assert.match(r.stdout, /^Usage: ic-exec <command> \[options\]\n/);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`\\n  ${c} +\\S`), c);
    for (const o of ['--url <url>', '--identity <pem>', '--json', '--no-color']) assert.ok(r.stdout.includes(o), o);
  });

  it('each command has its help (exit 0)', async () => {
    const deploy = await icExec(['deploy', '--help']);
    assert.equal(deploy.code, 0);
    assert.match(deploy.stdout, /^Usage: ic-exec deploy \[options\] <file>/);
    for (const o of ['--argument <candid>', '--did <file>', '--canister <id>', '--mode <mode>', '--cycles <n>', 'Global options']) assert.ok(deploy.stdout.includes(o), o);
    const start = await icExec(['help', 'start']);
    assert.equal(start.code, 0);
    assert.match(start.stdout, /^Usage: ic-exec start \[options\]\n[\s\S]*--ephemeral/);
  });

  it('usage errors exit 2, as JSON under --json', async () => {
    const none = await icExec([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Usage: ic-exec/);
    const unknown = await icExec(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: unknown command "frobnicate"; the commands are start, deploy, call/);
    const j = await icExec(['--json', 'frobnicate']);
    assert.equal(j.code, 2);
    assert.equal(JSON.parse(j.stdout).error.code, null);
    const badUrl = await icExec(['--url', 'ftp://x', 'status']);
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.stderr, /--url must be an http/);
    const extra = await icExec(['canisters', 'surplus']);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /too many arguments/);
  });

  it('no replica at the URL: a clear sentence, exit 1', async () => {
    const url = `http://127.0.0.1:${port}`;
    for (const args of [['status'], ['canisters'], ['call', 'rwlgt-iiaaa-aaaaa-aaaaa-cai', 'inc'], ['logs', 'rwlgt-iiaaa-aaaaa-aaaaa-cai']]) {
      const r = await icExec(['--url', url, ...args]);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `error: no replica at ${url} (ECONNREFUSED): start one with \`ic-exec start --port ${port}\`\n`, args.join(' '));
    }
    const j = await icExec(['status', '--json'], { IC_EXEC_URL: url });
    assert.equal(j.code, 1);
    assert.deepEqual(JSON.parse(j.stdout), { error: { code: null, message: `no replica at ${url} (ECONNREFUSED): start one with \`ic-exec start --port ${port}\`` } });
  });
});
