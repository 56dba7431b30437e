/**
 * The JSON the dashboard's API answers (its shapes are api-types.ts, which
 * the `canisters`, `logs` and `status` commands read too): plain views of the last committed state. Every
 * number that can exceed 2^53 (heights, cycles, bytes, instructions, log
 * indices, timestamps) is a decimal string; see {@link toJson}.
 *
 * The figures are those of the management canister: the memory is
 * `canister_status`'s `memory_size` (the charged usage), the settings its
 * `definite_canister_settings`, the logs the records `fetch_canister_logs`
 * returns (the operator of the local replica sees every canister's).
 */
import type { Principal } from '@dfinity/principal';
import { canisterMemorySize, definiteSettings, moduleHashOf } from '../management/index.ts';
import type { CanisterState } from '../state/index.ts';
import type { CanisterSettingsView, CanisterSummary, LogRecords, StatusView } from './api-types.ts';
import type { DashboardReplica, DashboardTelemetry } from './types.ts';

/** `JSON.stringify` with every `bigint` as its decimal string. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function canisterSummary(canister: CanisterState): CanisterSummary {
  const s = canister.systemState;
  const hash = moduleHashOf(canister);
  return {
    id: canister.canisterId.toText(),
    status: s.status.kind,
    cycles: s.balance.toString(),
    memoryBytes: canisterMemorySize(canister).toString(),
    moduleHash: hash.length === 0 ? null : hex(hash[0]),
    controllers: s.controllers.map((c) => c.toText()),
  };
}

/** A `log_visibility` (or other visibility) as text: `controllers`, `public`, `allowed viewers: <p>, …`. */
function visibilityText(v: unknown): string {
  const value = v as { controllers?: null; public?: null; allowed_viewers?: readonly Principal[] };
  if (value.allowed_viewers !== undefined) {
    const list = value.allowed_viewers.map((p) => p.toText()).join(', ');
    return list === '' ? 'allowed viewers: none' : `allowed viewers: ${list}`;
  }
  return 'public' in value ? 'public' : 'controllers';
}

export function settingsView(canister: CanisterState): CanisterSettingsView {
  const d = definiteSettings(canister) as Record<string, bigint> & { log_visibility: unknown };
  return {
    computeAllocation: d.compute_allocation.toString(),
    memoryAllocation: d.memory_allocation.toString(),
    freezingThreshold: d.freezing_threshold.toString(),
    reservedCyclesLimit: d.reserved_cycles_limit.toString(),
    wasmMemoryLimit: d.wasm_memory_limit.toString(),
    logVisibility: visibilityText(d.log_visibility),
  };
}

/** `GET /_/api/canisters/<id>`: the summary, the settings and the cycles and memory sampled over time. */
export function canisterDetail(canister: CanisterState, telemetry: DashboardTelemetry | undefined): Record<string, unknown> {
  const series = telemetry === undefined ? [] : telemetry.canisterSeries(canister.canisterId);
  return {
    ...canisterSummary(canister),
    settings: settingsView(canister),
    series: series.map((s) => ({ atMs: s.atMs, height: s.height.toString(), cycles: s.cycles.toString(), memoryBytes: s.memoryBytes.toString() })),
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/** `GET /_/api/canisters/<id>/logs?limit=N`: the newest `limit` records, oldest first, content as UTF-8 (invalid bytes replaced). */
export function logRecords(canister: CanisterState, limit: number): LogRecords {
  const all = canister.systemState.canisterLog.records;
  const kept = limit >= all.length ? all : all.slice(all.length - limit);
  return {
    records: kept.map((r) => ({ idx: r.idx.toString(), timestampNanos: r.timestampNanos.toString(), content: UTF8.decode(r.content) })),
  };
}

/** Rounds over the last this many ms make the rates of {@link statusView}. */
export const RATE_WINDOW_MS = 10_000;

/**
 * The subnet at a glance. The round rate and the mean instructions per
 * round are over the rounds that ended in the last {@link RATE_WINDOW_MS}
 * (0 without telemetry or rounds): the rate is the heights gained from the
 * first of them until now.
 */
export function statusView(replica: DashboardReplica, telemetry: DashboardTelemetry | undefined, nowMs: number, startedAtMs: number, dataDir: string | null): StatusView {
  let roundsPerSecond = 0;
  let instructionsPerRound = 0n;
  const recent = (telemetry?.recentRounds() ?? []).filter((r) => r.endedAtMs > nowMs - RATE_WINDOW_MS);
  if (recent.length > 0) {
    // Heights count the rounds even where samples are missing (rounds the server did not drive, a ring shorter than the window).
    const first = recent[0];
    const last = recent[recent.length - 1];
    const rate = recent.length > 1 && nowMs > first.endedAtMs
      ? Number(last.height - first.height) * 1000 / (nowMs - first.endedAtMs)
      : recent.length * 1000 / Math.min(RATE_WINDOW_MS, Math.max(1, nowMs - startedAtMs));
    roundsPerSecond = Math.round(rate * 10) / 10;
    let total = 0n;
    for (const r of recent) total += r.instructions;
    instructionsPerRound = total / BigInt(recent.length);
  }
  return {
    height: replica.height.toString(),
    subnetId: replica.subnetId.toText(),
    rootKey: hex(replica.rootKey),
    canisters: replica.committedState.canisterCount,
    uptimeMs: Math.max(0, Math.round(nowMs - startedAtMs)),
    roundsPerSecond,
    instructionsPerRound: instructionsPerRound.toString(),
    ingressPool: replica.pooledIngress,
    dataDir,
  };
}
