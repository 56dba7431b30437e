// `ic-exec start` is `npm start`: the same ready lines (URL, root key,
// subnet), a healthy replica at that URL, and a clean stop on SIGTERM.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, ROOT } from './support.ts';

describe('ic-exec start', () => {
  it('prints what npm start prints, serves, and stops on SIGTERM with exit 0', async () => {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(BIN, ['start', '--ephemeral', '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const ready = await new Promise<{ url: string; rootKey: string }>((resolve, reject) => {
        const check = (): void => {
          const url = /^ic-exec replica listening on (http:\/\/127\.0\.0\.1:\d+) \(ephemeral: state in memory only\)$/m.exec(out)?.[1];
          const rootKey = /^root key: ([0-9a-f]+)$/m.exec(out)?.[1];
          if (url !== undefined && rootKey !== undefined && /^ready in \d+ ms/m.test(out)) resolve({ url, rootKey });
        };
        child.stdout.on('data', check);
        void exited.then((code) => reject(new Error(`ic-exec start exited (${code}):\n${out}`)));
      });
      assert.match(out, /^subnet: [a-z0-9-]+$/m);
      const status = await fetch(`${ready.url}/api/v2/status`);
      assert.equal(status.status, 200);
      assert.ok(Buffer.from(await status.arrayBuffer()).toString('hex').includes(ready.rootKey));
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, out);
    assert.match(out, /stopped/);
  });
});
