import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { APPLICATION_SUBNET_SCHEDULER_CONFIG } from '../config/index.ts';
import { decodeExecutionSettings, encodeExecutionSettings, settingsDifferences } from './execution-settings.ts';
import type { ExecutionSettings } from './execution-settings.ts';

const settings: ExecutionSettings = { subnetType: 'application', subnetSize: 13, checkpointInterval: 500n, scheduler: APPLICATION_SUBNET_SCHEDULER_CONFIG };

describe('execution settings record', () => {
  it('round-trips the whole scheduler configuration, numbers and bigints', () => {
    const d = decodeExecutionSettings(encodeExecutionSettings(settings));
    assert.ok(d.ok);
    assert.deepEqual(d.settings, { ...settings, scheduler: { ...APPLICATION_SUBNET_SCHEDULER_CONFIG } });
    assert.equal(typeof d.settings.scheduler.schedulerCores, 'number');
    assert.equal(typeof d.settings.scheduler.subnetHeapDeltaCapacity, 'bigint');
  });

  it('a changed byte fails the checksum; another version or magic is refused', () => {
    const bytes = encodeExecutionSettings(settings);
    const flipped = bytes.slice();
    flipped[10] ^= 1;
    assert.deepEqual(decodeExecutionSettings(flipped), { ok: false, error: 'the stored execution settings are damaged: its checksum does not match' });
    const v2 = bytes.slice();
    v2[1] = 2;
    assert.match((decodeExecutionSettings(v2) as { error: string }).error, /format version 2/);
    assert.equal(decodeExecutionSettings(bytes.subarray(0, 20)).ok, false);
  });

  it('names each setting a start asked for that the record overrides', () => {
    const wanted = { ...settings, subnetSize: 34, scheduler: { ...settings.scheduler, schedulerCores: 2 } };
    assert.deepEqual(settingsDifferences(settings, wanted), [
      'subnetSize 34 is ignored: the data was created with 13, and its logged batches must execute again as they first did',
      'schedulerConfig.schedulerCores 2 is ignored: the data was created with 4, and its logged batches must execute again as they first did',
    ]);
    assert.deepEqual(settingsDifferences(settings, settings), []);
  });
});
