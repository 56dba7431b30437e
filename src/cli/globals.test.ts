import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_URL, parseGlobals } from './globals.ts';

describe('parseGlobals', () => {
  it('takes the global options before or after the command', () => {
    const r = parseGlobals(['--json', 'call', 'x', '--url', 'http://h:1/', 'm', '--identity=id.pem', '--no-color', '(1)'], {});
    assert.ok(r.ok);
    assert.deepEqual(r.value, {
      globals: { url: 'http://h:1', identity: 'id.pem' }, json: true, noColor: true, help: false, rest: ['x', 'm', '(1)'], command: 'call',
    });
  });

  it('--url, else $IC_EXEC_URL, else the default', () => {
    const at = (argv: string[], env: NodeJS.ProcessEnv) => {
      const r = parseGlobals(argv, env);
      assert.ok(r.ok);
      return r.value.globals.url;
    };
    assert.equal(at(['status'], {}), DEFAULT_URL);
    assert.equal(at(['status'], { IC_EXEC_URL: 'http://e:2' }), 'http://e:2');
    assert.equal(at(['status', '--url=http://u:3'], { IC_EXEC_URL: 'http://e:2' }), 'http://u:3');
  });

  it('--help before a command is the main help; after it, the command\'s; nothing after --', () => {
    const main = parseGlobals(['-h'], {});
    assert.ok(main.ok && main.value.help && main.value.command === undefined);
    const cmd = parseGlobals(['deploy', '--help'], {});
    assert.ok(cmd.ok && !cmd.value.help);
    assert.deepEqual(cmd.value.rest, ['--help']);
    const dashdash = parseGlobals(['call', '--', '--json'], {});
    assert.ok(dashdash.ok && !dashdash.value.json);
    assert.deepEqual(dashdash.value.rest, ['--', '--json']);
  });

  it('errors: a value missing, a bad URL, an unknown option before the command', () => {
    assert.deepEqual(parseGlobals(['status', '--url'], {}), { ok: false, error: '--url needs a value' });
    assert.equal(parseGlobals(['--url', 'localhost:4943', 'status'], {}).ok, false);
    assert.equal(parseGlobals(['--frob', 'status'], {}).ok, false);
  });
});
