/**
 * The settings a data directory's batches execute under, in the store's
 * meta (`execution-settings`), next to the subnet key: written on the first
 * start, and from then on what the subnet is built with — on every later
 * start (recovery replays the log with them) and by `replay` — whatever the
 * options of the new process say (the IC keeps such settings in the
 * registry). A store made before this record existed gets one on its next
 * start, with the settings of the version that wrote it where known.
 *
 *     'X' ‖ version 1 ‖ body ‖ sha256(body)
 *     body = subnetType (str) ‖ subnetSize u32 ‖ checkpointInterval u64 ‖ n u32 ‖ n × (name str ‖ kind u8 ‖ value str)
 *
 * The n entries are the subnet's whole `SchedulerConfig` (kind 0: a number,
 * 1: a bigint; value in decimal). A field this build has and the record
 * lacks (added later) takes the subnet type's default.
 *
 * `cores` (scheduler partitions run at the same time) is not recorded: the
 * state is the same for every value (DESIGN.md contract 4), so a restart
 * may change it; `schedulerConfig.schedulerCores` is recorded.
 */
import type { SchedulerConfig, SubnetType } from '../config/index.ts';
import { sha256 } from '../crypto/index.ts';
import { ByteReader, ByteWriter, RecordFormatError } from './bytes.ts';

/** Meta entry of the execution settings. */
export const META_EXECUTION_SETTINGS = 'execution-settings';

const MAGIC = 0x58; // 'X'
const VERSION = 1;
const SUBNET_TYPES: readonly string[] = ['application', 'system'];

/** Every setting that changes what a batch executes to. */
export interface ExecutionSettings {
  readonly subnetType: Exclude<SubnetType, 'verified_application'>;
  readonly subnetSize: number;
  readonly checkpointInterval: bigint;
  /** The subnet's whole scheduler configuration (or, read from an older record, part of it). */
  readonly scheduler: Partial<SchedulerConfig>;
}

export function encodeExecutionSettings(s: ExecutionSettings): Uint8Array {
  const entries = Object.entries(s.scheduler).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const body = new ByteWriter().str(s.subnetType).u32(s.subnetSize).u64(s.checkpointInterval).u32(entries.length);
  for (const [name, value] of entries) body.str(name).u8(typeof value === 'bigint' ? 1 : 0).str(String(value));
  const b = body.finish();
  return new ByteWriter().u8(MAGIC).u8(VERSION).raw(b).raw(sha256(b)).finish();
}

export type DecodedExecutionSettings =
  | { readonly ok: true; readonly settings: ExecutionSettings }
  | { readonly ok: false; readonly error: string };

export function decodeExecutionSettings(bytes: Uint8Array): DecodedExecutionSettings {
  try {
    if (bytes.length < 2 + 32) throw new RecordFormatError(`${bytes.length} bytes`);
    const head = new ByteReader(bytes.subarray(0, 2));
    if (head.u8() !== MAGIC) throw new RecordFormatError('not an execution settings record');
    const version = head.u8();
    if (version !== VERSION) throw new RecordFormatError(`format version ${version} (this build reads ${VERSION})`);
    const body = bytes.subarray(2, bytes.length - 32);
    if (Buffer.compare(sha256(body), bytes.subarray(bytes.length - 32)) !== 0) throw new RecordFormatError('its checksum does not match');
    const r = new ByteReader(body);
    const subnetType = r.str(64);
    if (!SUBNET_TYPES.includes(subnetType)) throw new RecordFormatError(`subnet type '${subnetType}'`);
    const subnetSize = r.u32();
    const checkpointInterval = r.u64();
    const n = r.u32();
    const scheduler: Record<string, number | bigint> = {};
    for (let i = 0; i < n; i++) {
      const name = r.str(256);
      const kind = r.u8();
      const text = r.str(64);
      if (!/^\d+$/.test(text) || kind > 1) throw new RecordFormatError(`setting ${name} = '${text}' (kind ${kind})`);
      scheduler[name] = kind === 1 ? BigInt(text) : Number(text);
    }
    r.end('execution settings record');
    return { ok: true, settings: { subnetType: subnetType as ExecutionSettings['subnetType'], subnetSize, checkpointInterval, scheduler: scheduler as Partial<SchedulerConfig> } };
  } catch (e) {
    return { ok: false, error: `the stored execution settings are damaged: ${(e as Error).message}` };
  }
}

/**
 * One line per setting `wanted` has and `recorded` has otherwise: what this
 * start asked for is ignored, the recorded value is used.
 */
export function settingsDifferences(recorded: ExecutionSettings, wanted: ExecutionSettings): string[] {
  const out: string[] = [];
  const say = (name: string, was: unknown, now: unknown): void => {
    out.push(`${name} ${String(now)} is ignored: the data was created with ${String(was)}, and its logged batches must execute again as they first did`);
  };
  if (recorded.subnetType !== wanted.subnetType) say('subnetType', recorded.subnetType, wanted.subnetType);
  if (recorded.subnetSize !== wanted.subnetSize) say('subnetSize', recorded.subnetSize, wanted.subnetSize);
  if (recorded.checkpointInterval !== wanted.checkpointInterval) say('checkpointInterval', recorded.checkpointInterval, wanted.checkpointInterval);
  const rec = recorded.scheduler as Record<string, unknown>;
  for (const [name, value] of Object.entries(wanted.scheduler)) {
    if (value !== undefined && rec[name] !== undefined && rec[name] !== value) say(`schedulerConfig.${name}`, rec[name], value);
  }
  return out;
}
