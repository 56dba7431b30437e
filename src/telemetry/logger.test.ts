import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, prettyLine } from './logger.ts';

describe('createLogger', () => {
  it('writes JSON lines with level, time and msg, at its level and above', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-exec-log-'));
    try {
      const file = join(dir, 'sub', 'replica.log');
      const log = createLogger({ level: 'info', destination: file });
      log.debug('not written');
      log.info({ height: 3 }, 'checkpoint written');
      log.error({ err: new Error('bad') }, 'round failed');
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(lines.map((l) => [l.level, l.msg]), [['info', 'checkpoint written'], ['error', 'round failed']]);
      assert.equal(lines[0].height, 3);
      assert.match(String(lines[0].time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal((lines[1].err as { message?: string }).message, 'bad');
      assert.ok(!('pid' in lines[0]) && !('hostname' in lines[0]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('off: nothing, and a log file that cannot be opened throws', () => {
    createLogger({ destination: 'off' }).error('nowhere');
    const dir = mkdtempSync(join(tmpdir(), 'ic-exec-log-'));
    try {
      writeFileSync(join(dir, 'a-file'), '');
      assert.throws(() => createLogger({ destination: join(dir, 'a-file', 'x.log') }), /ENOTDIR|EEXIST/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('prettyLine', () => {
  it('time, level, message, then the fields', () => {
    const line = JSON.stringify({ level: 'info', time: '2026-11-22T06:25:05.519Z', msg: 'listening', url: 'http://127.0.0.1:4943', state: 'in memory', n: 3 });
    assert.equal(prettyLine(line, false), '06:25:05.519 INFO  listening url=http://127.0.0.1:4943 state="in memory" n=3\n');
  });
  it('colours only when asked; a line that is not JSON passes as it is', () => {
    const line = JSON.stringify({ level: 'warn', time: '2026-11-22T06:25:05.519Z', msg: 'x' });
    assert.notEqual(prettyLine(line, true), prettyLine(line, false));
    assert.equal(prettyLine('plain text', true), 'plain text\n');
  });
});
