/**
 * Telemetry of a served replica (issue 9): Prometheus metrics on a registry
 * of its own, recent rounds and per-canister series for the dashboard,
 * structured logs (pino) with canister logs kept apart. It observes only:
 * nothing here changes a replica or its state.
 */
export { Telemetry } from './telemetry.ts';
export type { TelemetryOptions } from './telemetry.ts';
export type { RoundSample, CanisterSample } from './samples.ts';
export { readSummary } from './samples.ts';
export { Ring } from './ring.ts';
export { ReplicaMetrics } from './metrics.ts';
export { composeExtensions, endpointOf, metricsExtension, PROMETHEUS_CONTENT_TYPE } from './http.ts';
export type { HttpExtension } from './http.ts';
export { createLogger, isTty, prettyLine, LOG_LEVELS } from './logger.ts';
export type { Logger, LogFormat, LoggerOptions } from './logger.ts';
