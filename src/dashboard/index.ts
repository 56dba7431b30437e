// Public face of src/dashboard: the live web dashboard of a served replica
// at /_/dashboard and its JSON API under /_/api/ (issue 9), mounted on the
// HTTP server's `extension` hook.
//
//   const dashboard = new Dashboard({ replica, telemetry, dataDir });
//   IcHttpServer.start({ …, extension: dashboard.extension });
export { Dashboard, DASHBOARD_PATH } from './dashboard.ts';
export { ASSET_NAMES } from './assets.ts';
export type { DashboardOptions } from './dashboard.ts';
export type { DashboardReplica, DashboardTelemetry, RoundSample, CanisterSample } from './types.ts';
export type { CanisterList, CanisterSummary, CanisterSettingsView, LogRecordView, LogRecords, StatusView } from './api-types.ts';
