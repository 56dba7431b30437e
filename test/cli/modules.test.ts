// ic-exec deploy of Wasm modules (plain, gzip, > 2 MiB through the chunk
// store), reinstall into a given canister, and the operator commands —
// canisters, logs, status — in human and --json form, with their error
// paths; against one `npm start --ephemeral`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { BIN, assertPlain, childEnv, icExec, json, ok, startServed, type Served } from './support.ts';
import { writeModules } from './canisters.ts';

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('ic-exec deploy of Wasm modules, canisters, logs, status', () => {
  let served: Served;
  let dir: string;
  let url: string;
  let modules: Awaited<ReturnType<typeof writeModules>>;
  let hello: string;
  let big: string;
  let garbledId: string;
  const missing = 'n5n4y-3aaaa-aaaaa-p777q-cai';

  before(async () => {
    served = await startServed(['--ephemeral']);
    url = served.url;
    dir = mkdtempSync(join(tmpdir(), 'ic-exec-cli-'));
    modules = await writeModules(dir);
  });
  after(async () => {
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploy a .wasm --json: created, installed in one message', async () => {
    const r = await json(url, 'deploy', modules.hello, '--cycles', '5T');
    assert.equal(r.code, 0, JSON.stringify(r.doc));
    hello = r.doc.canisterId as string;
    assert.deepEqual(r.doc, {
      canisterId: hello, created: true, mode: 'install', moduleHash: sha256(modules.hello), moduleBytes: readFileSync(modules.hello).length,
      chunks: 0, typedArgument: false,
    });
    assert.equal(await ok(url, 'query', hello, 'hi'), '("hi")\n');
  });

  it('a module over 2 MiB goes through the chunk store', async () => {
    assert.ok(modules.bigBytes > 2 * 1024 * 1024);
    const r = await icExec(['--url', url, 'deploy', modules.big]);
    assert.equal(r.code, 0, r.stderr);
    assertPlain(r);
    const m = /^created and installed big\.wasm → canister (\S+)\n {2}module hash ([0-9a-f]{64}) \(([\d,]+) bytes, 3 chunks\)\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    big = m[1];
    assert.equal(m[2], sha256(modules.big));
    assert.equal(m[3], modules.bigBytes.toLocaleString('en-US'));
    assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
    assert.equal(await ok(url, 'query', big, 'hi'), '("hi")\n');
  });

  it('deploy .wasm.gz --canister --mode reinstall', async () => {
    const out = await ok(url, 'deploy', modules.helloGz, '--canister', big, '--mode', 'reinstall');
    assert.match(out, new RegExp(`^reinstalled hello\\.wasm\\.gz → canister ${big}\\n {2}module hash ${sha256(modules.helloGz)} `));
    assert.equal(await ok(url, 'query', big, 'hi'), '("hi")\n');
  });

  it('--did types the init argument; a missing one is a bad Candid argument (exit 2, nothing created)', async () => {
    const did = join(dir, 'hello.did');
    writeFileSync(did, 'service : (nat, text) -> { hi : () -> (text) query }');
    const r = await json(url, 'deploy', modules.hello, '--did', did, '--argument', '(7, "x")');
    assert.equal(r.code, 0, JSON.stringify(r.doc));
    assert.equal(r.doc.typedArgument, true);
    const before = (await json(url, 'canisters')).doc.canisters as unknown[];
    const missingArg = await icExec(['--url', url, 'deploy', modules.hello, '--did', did]);
    assert.equal(missingArg.code, 2);
    assert.match(missingArg.stderr, /^error: bad Candid argument: .*: the module's init arguments are required \(--argument '\(…\)'\)\n$/);
    const wrong = await json(url, 'deploy', modules.hello, '--did', did, '--argument', '("7", "x")');
    assert.equal(wrong.code, 2);
    assert.match((wrong.doc.error as { message: string }).message, /^bad Candid argument: 1:2: /);
    assert.equal(((await json(url, 'canisters')).doc.canisters as unknown[]).length, before.length);
  });

  it('a canister interface that does not parse: a warning, then untyped', async () => {
    const garbled = (await json(url, 'deploy', modules.garbled)).doc.canisterId as string;
    const r = await icExec(['--url', url, 'query', garbled, 'hi']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '("hi")\n');
    assert.match(r.stderr, new RegExp(`^warning: the candid:service metadata of ${garbled} does not parse: .*; the arguments and the reply are untyped\\n$`));
    const j = await json(url, 'query', garbled, 'hi');
    assert.deepEqual([j.doc.typed, j.doc.result, j.stderr], [false, ['hi'], '']);
    garbledId = garbled;
  });

  it('logs --follow prints new records as they come; Ctrl-C ends it with exit 0', async () => {
    const child = spawn(BIN, ['--url', url, 'logs', garbledId, '--follow'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const seen = (re: RegExp): Promise<void> => new Promise((resolve, reject) => {
      const check = (): void => { if (re.test(out)) resolve(); };
      check();
      child.stdout.on('data', check);
      void exited.then(() => reject(new Error(`logs --follow ended:\n${out}`)));
    });
    try {
      await seen(/^\[0\. [^\]]+\]: hello module installed\n$/);
      await ok(url, 'deploy', modules.garbled, '--canister', garbledId, '--mode', 'reinstall');
      await seen(/\n\[1\. [^\]]+\]: hello module installed\n$/);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
    assert.equal((await icExec(['--json', '--url', url, 'logs', garbledId, '--follow'])).code, 2);
  });

  it('canisters: a table, and --json with the API\'s exact fields', async () => {
    const r = await json(url, 'canisters');
    assert.equal(r.code, 0);
    assert.match(r.doc.height as string, /^\d+$/);
    const rows = r.doc.canisters as Array<Record<string, unknown>>;
    const row = rows.find((x) => x.id === hello);
    assert.ok(row, JSON.stringify(rows));
    assert.deepEqual(Object.keys(row), ['id', 'status', 'cycles', 'memoryBytes', 'moduleHash', 'controllers']);
    assert.equal(row.status, 'running');
    assert.equal(row.moduleHash, sha256(modules.hello));
    assert.deepEqual(row.controllers, ['2vxsx-fae']);
    const cycles = BigInt(row.cycles as string);
    assert.ok(cycles <= 5_000_000_000_000n && cycles > 4_900_000_000_000n, String(cycles));
    assert.equal(rows.find((x) => x.id === big)?.moduleHash, sha256(modules.helloGz));

    const text = await ok(url, 'canisters');
    const lines = text.split('\n');
    assert.match(lines[0], /^CANISTER +STATUS +CYCLES +MEMORY +MODULE HASH$/);
    const line = lines.find((l) => l.startsWith(hello));
    assert.match(line ?? '', new RegExp(`^${hello} +running +4\\.9\\d\\d T +[\\d.]+ (KiB|MiB) +${sha256(modules.hello).slice(0, 16)}…$`));
    assert.match(lines.at(-2) ?? '', /^\d+ canisters at height \d+$/);
  });

  it('logs: the canister\'s records, human and --json', async () => {
    const text = await ok(url, 'logs', hello);
    assert.match(text, /^\[0\. \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z\]: hello module installed\n$/);
    const r = await json(url, 'logs', hello, '--limit', '5');
    assert.equal(r.code, 0);
    assert.deepEqual(Object.keys(r.doc), ['canisterId', 'records']);
    assert.equal(r.doc.canisterId, hello);
    const records = r.doc.records as Array<Record<string, string>>;
    assert.deepEqual(records.map((x) => [x.idx, x.content]), [['0', 'hello module installed']]);
    assert.match(records[0].timestampNanos, /^\d+$/);
  });

  it('logs: an unknown canister is IC0301 (exit 1), a bad id or limit exit 2', async () => {
    const r = await icExec(['--url', url, 'logs', missing]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: Canister ${missing} not found (IC0301)\n`);
    const j = await json(url, 'logs', missing);
    assert.deepEqual(j.doc, { error: { code: 'IC0301', message: `Canister ${missing} not found` } });
    assert.equal((await icExec(['--url', url, 'logs', 'xyz'])).code, 2);
    assert.equal((await icExec(['--url', url, 'logs', hello, '--limit', 'many'])).code, 2);
  });

  it('status: health, root key and the subnet, human and --json', async () => {
    const r = await json(url, 'status');
    assert.equal(r.code, 0);
    assert.deepEqual(Object.keys(r.doc), ['url', 'health', 'replica']);
    assert.equal(r.doc.url, url);
    const health = r.doc.health as Record<string, unknown>;
    assert.deepEqual(Object.keys(health), ['status', 'rootKey', 'implVersion', 'icApiVersion', 'certifiedHeight']);
    assert.equal(health.status, 'healthy');
    assert.equal(health.rootKey, served.rootKeyHex);
    const replica = r.doc.replica as Record<string, unknown>;
    assert.deepEqual(Object.keys(replica).sort(), ['canisters', 'dataDir', 'height', 'ingressPool', 'instructionsPerRound', 'rootKey', 'roundsPerSecond', 'subnetId', 'uptimeMs']);
    assert.equal(replica.rootKey, served.rootKeyHex);
    assert.equal(replica.dataDir, null);
    assert.ok((replica.canisters as number) >= 2);
    const text = await ok(url, 'status');
    assert.match(text, new RegExp(`^replica +${url.replaceAll('.', '\\.')} +healthy`));
    assert.match(text, /\nsubnet +[a-z0-9-]+\n/);
    assert.match(text, /\nstate +in memory \(ephemeral\)\n/);
    assert.ok(text.includes(`\ndashboard  ${url}/_/dashboard\n`), text);
    assert.match(text, new RegExp(`\\nroot key +${served.rootKeyHex}\\n$`));
  });

  it('deploy errors: unreadable file, not Wasm, wrong extension, bad options, an unknown --canister (IC0301)', async () => {
    const noFile = await json(url, 'deploy', join(dir, 'absent.wasm'));
    assert.deepEqual([noFile.code, noFile.doc.error], [1, { code: null, message: `cannot read ${join(dir, 'absent.wasm')}: ENOENT` }]);
    writeFileSync(join(dir, 'junk.wasm'), 'not a module');
    const notWasm = await icExec(['--url', url, 'deploy', join(dir, 'junk.wasm')]);
    assert.equal(notWasm.code, 1);
    assert.match(notWasm.stderr, /^error: .*junk\.wasm is not a Wasm module/);
    for (const args of [['deploy', join(dir, 'x.txt')], ['deploy', modules.hello, '--mode', 'upgrade'], ['deploy', modules.hello, '--mode', 'fresh', '--canister', hello],
      ['deploy', modules.hello, '--cycles', 'lots'], ['deploy']]) {
      const r = await icExec(['--url', url, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^error: .*\(see 'ic-exec deploy --help'\)\n$/);
    }
    const unknown = await json(url, 'deploy', modules.hello, '--canister', missing);
    assert.equal(unknown.code, 1);
    assert.equal((unknown.doc.error as { code: string }).code, 'IC0301');
  });
});
