/**
 * The Prometheus metrics of a served replica, on a registry of its own (not
 * prom-client's global one, so several replicas in a process never mix).
 * Names follow Prometheus conventions: `ic_exec_` prefix, `_total` on
 * counters, base units (seconds) in the name.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from 'prom-client';

/** Round and checkpoint durations: 0.5 ms to ~16 s. */
const SECONDS_BUCKETS = exponentialBuckets(0.0005, 2, 16);
/** Instructions per round: 1K to ~4.4T (the round limit is a few billion). */
const INSTRUCTION_BUCKETS = exponentialBuckets(1_000, 4, 16);

/** The metrics (see the module header); figures are set by `Telemetry`. */
export class ReplicaMetrics {
  readonly registry: Registry;
  readonly rounds: Counter;
  readonly roundDuration: Histogram;
  readonly roundInstructions: Histogram;
  readonly instructions: Counter;
  readonly executions: Counter;
  readonly messagesExecuted: Counter<'kind'>;
  readonly ingressInducted: Counter;
  readonly ingressPool: Gauge;
  readonly canisterInputQueues: Gauge;
  readonly subnetQueue: Gauge;
  readonly pausedExecutions: Gauge;
  readonly cyclesBurned: Counter;
  readonly cyclesConsumed: Gauge<'use_case'>;
  readonly checkpointDuration: Histogram;
  readonly httpRequests: Counter<'endpoint' | 'status'>;
  readonly canisters: Gauge;
  readonly height: Gauge;

  constructor(opts: { readonly defaultMetrics?: boolean } = {}) {
    const registry = new Registry();
    this.registry = registry;
    const registers = [registry];
    this.rounds = new Counter({ name: 'ic_exec_rounds_total', help: 'Rounds executed and committed.', registers });
    this.roundDuration = new Histogram({
      name: 'ic_exec_round_duration_seconds', help: 'Wall time of a round: its batch executed and committed (checkpoint included).',
      buckets: SECONDS_BUCKETS, registers,
    });
    this.roundInstructions = new Histogram({
      name: 'ic_exec_round_instructions', help: 'Instructions charged to a round (the busiest scheduler core per iteration, plus overheads).',
      buckets: INSTRUCTION_BUCKETS, registers,
    });
    this.instructions = new Counter({ name: 'ic_exec_instructions_total', help: 'Instructions charged to rounds.', registers });
    this.executions = new Counter({ name: 'ic_exec_executions_total', help: 'Executions on canisters: messages, tasks and DTS slices.', registers });
    this.messagesExecuted = new Counter({
      name: 'ic_exec_messages_executed_total', help: 'Messages and tasks executed, by kind (ingress, request, response, heartbeat, global_timer, on_low_wasm_memory, dts_slice, subnet_message).',
      labelNames: ['kind'] as const, registers,
    });
    this.ingressInducted = new Counter({ name: 'ic_exec_ingress_inducted_total', help: 'Ingress messages inducted into the state.', registers });
    this.ingressPool = new Gauge({ name: 'ic_exec_ingress_pool_messages', help: 'Ingress messages waiting in the block maker\'s pool.', registers });
    this.canisterInputQueues = new Gauge({
      name: 'ic_exec_canister_input_queue_messages', help: 'Messages in the canisters\' input queues, ingress included (sampled at most once a second).', registers,
    });
    this.subnetQueue = new Gauge({ name: 'ic_exec_subnet_queue_messages', help: 'Messages in the subnet queue (management canister; sampled at most once a second).', registers });
    this.pausedExecutions = new Gauge({ name: 'ic_exec_paused_executions', help: 'Paused (DTS) executions after the last round.', registers });
    this.cyclesBurned = new Counter({ name: 'ic_exec_cycles_burned_total', help: 'Cycles consumed on the subnet (fees and burned cycles, net of refunds) since the process started.', registers });
    this.cyclesConsumed = new Gauge({
      name: 'ic_exec_cycles_consumed', help: 'Cycles consumed on the subnet by use case, as the subnet\'s metrics count them (sampled at most once a second).',
      labelNames: ['use_case'] as const, registers,
    });
    this.checkpointDuration = new Histogram({
      name: 'ic_exec_checkpoint_duration_seconds', help: 'Wall time to write a checkpoint.', buckets: SECONDS_BUCKETS, registers,
    });
    this.httpRequests = new Counter({
      name: 'ic_exec_http_requests_total', help: 'HTTP requests answered, by endpoint (route template) and status.',
      labelNames: ['endpoint', 'status'] as const, registers,
    });
    this.canisters = new Gauge({ name: 'ic_exec_canisters', help: 'Canisters on the subnet.', registers });
    this.height = new Gauge({ name: 'ic_exec_height', help: 'Height of the last committed round.', registers });
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  }
}
