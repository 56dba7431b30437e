/**
 * A progress bar for long checkpoints — the `onCheckpointProgress` option
 * of `Replica.create` (src/state-manager DurabilityOptions): `ic-exec start`
 * passes it so that the checkpoint written at shutdown (SIGINT/SIGTERM), or
 * any large one, shows how many of its new objects are on disk. Checkpoints
 * with fewer new objects than `minObjects` show nothing (most take
 * milliseconds); nothing is shown unless `show` (stderr a terminal, no
 * `--json`). The bar's module (cli-progress) loads in the background when
 * `show`, not on `npm start`'s way to ready.
 */
import type { Progress } from './command.ts';

export interface CheckpointProgressOptions {
  readonly show: boolean;
  /** Checkpoints with fewer new objects show no bar. Default 20,000 (80 MiB of pages). */
  readonly minObjects?: number;
  /** Makes the bar (default: cli-progress on stderr). */
  readonly bar?: (label: string, total: number) => Progress;
}

/** The `onCheckpointProgress` callback (see the module header). */
export function checkpointProgress(opts: CheckpointProgressOptions): (height: bigint, written: number, total: number) => void {
  const minObjects = opts.minObjects ?? 20_000;
  let make = opts.bar;
  if (make === undefined && opts.show) {
    void import('./command.ts').then((m) => { make = (label, total) => m.progressBar(label, total, true); }, () => undefined);
  }
  let bar: Progress | undefined;
  return (height, written, total) => {
    if (!opts.show || total < minObjects || make === undefined) return;
    bar ??= make(`checkpoint at height ${height}`, total);
    bar.update(written);
    if (written >= total) {
      bar.done();
      bar = undefined;
    }
  };
}
