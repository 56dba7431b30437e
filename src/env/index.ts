// Public face of src/env: the only home of the wall clock and of entropy.
// Replicated code never imports this folder's system implementations; it gets
// time and randomness from the batch. `ManualClock` and `SeededEntropy` are
// deterministic and serve tests and PocketIC instances.
export { SystemClock, ManualClock, monotonicMs, wallClockMs } from './clock.ts';
export type { Clock, SystemClockOptions } from './clock.ts';
export { SystemEntropy, SeededEntropy } from './entropy.ts';
export type { Entropy } from './entropy.ts';
