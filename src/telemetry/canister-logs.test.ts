import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { fixture } from '../state-manager/state-fixture.ts';
import { CanisterLogFollower } from './canister-logs.ts';

const NOW = 1_750_000_000_000_000_000n;
const record = (idx: bigint, text: string) => ({ idx, timestampNanos: NOW, content: new TextEncoder().encode(text) });

describe('CanisterLogFollower', () => {
  it('writes each record once; counts those the buffer dropped before they were read', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ base: undefined }, new Writable({
      write(chunk: Buffer, _e, done) {
        for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    }));
    const { state, ids } = fixture({ nowNanos: NOW, canisters: 1 });
    const c = state.canisterMut(ids[0]);
    assert.ok(c !== undefined);
    const log = c.systemState.canisterLog;
    const follower = new CanisterLogFollower(logger);
    log.append([record(0n, 'old')]);
    follower.skip(c, 'k');
    log.append([record(1n, 'one'), record(2n, '[TRAP]: two')]);
    assert.equal(follower.follow(c, 'k'), 2);
    assert.equal(follower.follow(c, 'k'), 0);
    log.resize(60); // room for one record (40 bytes + its content)
    log.append([record(3n, 'three'), record(4n, 'four'), record(5n, 'five')]);
    assert.equal(follower.follow(c, 'k'), 1);
    return new Promise<void>((resolve) => setImmediate(() => {
      assert.deepEqual(lines.map((l) => [l.level, l.msg, l.idx ?? l.dropped]), [
        [30, 'one', 1], [40, '[TRAP]: two', 2], [30, 'five', 5], [40, 'canister log records dropped before they were read', 2],
      ]);
      assert.ok(lines.every((l) => l.canister === ids[0].toText()));
      resolve();
    }));
  });
});
