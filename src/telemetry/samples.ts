/**
 * What the telemetry keeps of a round and of a canister (the dashboard's
 * data), and the reading of a round's summary. The server hands the summary
 * over as `unknown` (it is `tick()`'s `BatchSummary` from src/messaging);
 * fields it lacks read as 0, so a summary from an older or fake replica is
 * still a sample.
 */

/** One completed round. */
export interface RoundSample {
  readonly height: bigint;
  /** Wall clock when the round ended, ms since the epoch. */
  readonly endedAtMs: number;
  /** Wall time of the round (its batch's execution and commit, checkpoint included), ms. */
  readonly durationMs: number;
  /** Instructions charged to the round (the scheduler's `roundInstructions`). */
  readonly instructions: bigint;
  /** Executions run: messages, tasks and DTS slices on canisters. */
  readonly executions: number;
  /** Executions by kind (`ingress`, `request`, `response`, `heartbeat`, `global_timer`, `on_low_wasm_memory`, `dts_slice`, `subnet_message`); kinds with none left out. */
  readonly messagesByKind: Readonly<Record<string, number>>;
  /** Ingress messages the round's batch inducted. */
  readonly ingressInducted: number;
  /** Messages waiting after the round: the ingress pool, plus canister input queues and the subnet queue as last sampled (≤ 1 s old). */
  readonly queuedMessages: number;
  /** Paused (DTS) executions after the round. */
  readonly pausedExecutions: number;
  /** Cycles consumed on the subnet since the previous figure (taken on rounds that executed something, and once a second). */
  readonly cyclesBurned: bigint;
}

/** A canister's balance and memory at one moment (sampled at most once a second). */
export interface CanisterSample {
  readonly atMs: number;
  readonly height: bigint;
  readonly cycles: bigint;
  readonly memoryBytes: bigint;
}

/** What the telemetry reads of a round's summary. */
export interface SummaryFigures {
  readonly instructions: bigint;
  readonly executions: number;
  readonly messagesByKind: Readonly<Record<string, number>>;
  readonly ingressInducted: number;
  readonly pausedExecutions: number | undefined;
  readonly skipped: boolean;
}

type Loose = Readonly<Record<string, unknown>> | undefined;

const obj = (v: unknown): Loose => (typeof v === 'object' && v !== null ? v as Record<string, unknown> : undefined);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Reads a `BatchSummary` (see the module header). */
export function readSummary(summary: unknown): SummaryFigures {
  const round = obj(obj(summary)?.round);
  const ingress = obj(obj(obj(summary)?.induction)?.ingress);
  const byKind: Record<string, number> = {};
  const kinds = obj(round?.messagesByKind);
  if (kinds !== undefined) for (const [k, v] of Object.entries(kinds)) if (num(v) > 0) byKind[k] = num(v);
  const instructions = round?.roundInstructions;
  const paused = round?.pausedExecutions;
  return {
    instructions: typeof instructions === 'bigint' && instructions > 0n ? instructions : 0n,
    executions: num(round?.executions),
    messagesByKind: byKind,
    ingressInducted: num(ingress?.inducted),
    pausedExecutions: typeof paused === 'number' ? paused : undefined,
    skipped: round?.skipped === true,
  };
}
