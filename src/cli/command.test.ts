import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { findCommand, jsonError, listCommands, progressBar, registerCommand, wantsColor } from './command.ts';

describe('command', () => {
  it('colour only on a terminal, without NO_COLOR or --no-color', () => {
    assert.equal(wantsColor(true, {}, false), true);
    assert.equal(wantsColor(false, {}, false), false);
    assert.equal(wantsColor(true, { NO_COLOR: '1' }, false), false);
    assert.equal(wantsColor(true, { NO_COLOR: '' }, false), true);
    assert.equal(wantsColor(true, {}, true), false);
  });

  it('the progress bar draws on a terminal stream and clears itself; silent when not shown', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    let drawn = '';
    tty.on('data', (d: Buffer) => { drawn += d.toString(); });
    const bar = progressBar('uploading big.wasm', 300, true, tty);
    bar.update(150);
    bar.update(300);
    bar.done();
    bar.done();
    assert.match(drawn, /uploading big\.wasm \[[^\]]*\] 0% 0\/300/);
    assert.match(drawn, /100% 300\/300/);
    let bytes = '';
    const tty2 = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    tty2.on('data', (d: Buffer) => { bytes += d.toString(); });
    const upload = progressBar('up', 3 * 1024 * 1024, true, tty2, 'bytes');
    upload.update(1024 * 1024);
    upload.done();
    assert.match(bytes, /up \[[^\]]*\] 0% 0 KiB\/3\.0 MiB/);
    const quiet = new PassThrough();
    let written = '';
    quiet.on('data', (d: Buffer) => { written += d.toString(); });
    const silent = progressBar('x', 10, false, quiet);
    silent.update(5);
    silent.done();
    assert.equal(written, '');
  });

  it('the registry and the JSON error document', () => {
    const cmd = { name: 'test-only', summary: 's', usage: 'u', run: async () => 0 };
    registerCommand(cmd);
    assert.equal(findCommand('test-only'), cmd);
    assert.ok(listCommands().includes(cmd));
    assert.deepEqual(JSON.parse(jsonError('boom', 'IC0503')), { error: { code: 'IC0503', message: 'boom' } });
    assert.deepEqual(JSON.parse(jsonError('usage')), { error: { code: null, message: 'usage' } });
  });
});
