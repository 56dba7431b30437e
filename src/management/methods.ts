// The management canister's method table: method name → handler. Each
// file owns a group of methods and exports its `handlers`.
import { handlers as canisterMetrics } from './canister-metrics.ts';
import { handlers as canisterStatus } from './canister-status.ts';
import { handlers as chunkStore } from './chunk-store.ts';
import { handlers as createCanister } from './create-canister.ts';
import { handlers as httpOutcalls } from './http-outcalls.ts';
import { handlers as installCode } from './install-code.ts';
import { handlers as lifecycle } from './lifecycle.ts';
import { handlers as logs } from './logs.ts';
import { handlers as snapshots } from './snapshots.ts';
import { handlers as subnetInfo } from './subnet-info.ts';
import { handlers as thresholdKeys } from './threshold-keys.ts';
import { handlers as updateSettings } from './update-settings.ts';
import type { Handler } from './types.ts';

const groups: readonly Readonly<Record<string, Handler>>[] = [
  canisterMetrics, canisterStatus, chunkStore, createCanister, httpOutcalls, installCode, lifecycle, logs, snapshots, subnetInfo, thresholdKeys, updateSettings,
];

/** Every method ic-exec serves, by name. */
export const HANDLERS: ReadonlyMap<string, Handler> = new Map(groups.flatMap((g) => Object.entries(g)));
