// The crash-test harness (used by crash.test.ts and `npm run soak:crash`):
// runs replica-process.ts on a data directory, feeds it increments, kills it
// with SIGKILL at random moments (a seeded PRNG picks them), starts it
// again, and finally lets it finish cleanly. Then a reference run replays
// the whole batch log in this process, uninterrupted, to compare state
// hashes at every height the killed processes reported.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Replica } from '../../src/index.ts';
import { LmdbStore, MemoryStore, META_SUBNET_KEY } from '../../src/state-manager/index.ts';
import { stateHash } from '../../src/state/index.ts';
import { numInstructions } from '../../src/types/index.ts';
import { Rng } from '../../src/state-manager/test-support.ts';

const SCRIPT = fileURLToPath(new URL('./replica-process.ts', import.meta.url));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');


export interface CrashRunOptions {
  readonly dataDir: string;
  /** SIGKILLs before the final, clean run. */
  readonly kills: number;
  readonly seed: number;
  /** A kill comes this long after the process was ready (one in four: after it was spawned, often during recovery), ms. */
  readonly killAfterMs: readonly [number, number];
  /** An increment is sent every this many ms once the process is ready. */
  readonly incEveryMs: number;
  readonly checkpointInterval: number;
  /** A long `spin` update every this many increments (0: none), under this slice limit. */
  readonly spinEvery?: number;
  readonly slice?: number;
  readonly log?: (line: string) => void;
}

export interface CrashRunResult {
  /** Kills that hit the process (it had not exited on its own). */
  readonly kills: number;
  /** Kills that came before the process reported ready (during recovery or set-up). */
  readonly killsBeforeReady: number;
  readonly sent: number;
  readonly acked: ReadonlySet<number>;
  /** State hashes the processes reported, by height (every report; replays report a height again). */
  readonly reported: ReadonlyMap<bigint, readonly string[]>;
  readonly final: { readonly ids: readonly number[]; readonly height: bigint; readonly hash: string };
  /** What each start recovered (checkpoint height, batches replayed). */
  readonly recoveries: readonly { readonly checkpointHeight: string; readonly replayedBatches: number }[];
}

export interface Life {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
  isReady: boolean;
  final?: { ids: number[]; h: string; hash: string };
  stopped?: string;
}

/** What the processes of a session reported. */
export interface Reports { acked: Set<number>; reported: Map<bigint, string[]>; recoveries: CrashRunResult['recoveries'][number][] }

/** A new, empty {@link Reports}. */
export function newReports(): Reports {
  return { acked: new Set(), reported: new Map(), recoveries: [] };
}

/**
 * Starts replica-process.ts on `opts.dataDir`; `fileSizeLimit` runs it under
 * `prlimit --fsize` (writes past that size fail with an I/O error: a full disk).
 */
export function start(
  opts: Pick<CrashRunOptions, 'dataDir' | 'checkpointInterval' | 'slice' | 'log'>, state: Reports, fileSizeLimit?: number,
): Life {
  const args = [SCRIPT, JSON.stringify({
    dataDir: opts.dataDir, checkpointInterval: opts.checkpointInterval, ...(opts.slice === undefined ? {} : { slice: opts.slice }),
  })];
  const child = fileSizeLimit === undefined
    ? spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn('prlimit', [`--fsize=${fileSizeLimit}`, process.execPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let markReady: () => void = () => undefined;
  const life: Life = {
    child, isReady: false,
    ready: new Promise<void>((resolve) => { markReady = resolve; }),
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.on('exit', (code, signal) => {
    if (signal === null && code !== 0 && code !== 3) opts.log?.(`replica process exited with ${code}: ${stderr}`);
  });
  child.stdin?.on('error', () => undefined);
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const m = JSON.parse(line) as { h?: string; hash?: string; ready?: string; recovery?: CrashRunResult['recoveries'][number]; ack?: number; final?: number[]; stopped?: string };
    if (m.final !== undefined) life.final = { ids: m.final, h: m.h as string, hash: m.hash as string };
    else if (m.hash !== undefined) {
      const h = BigInt(m.h as string);
      state.reported.set(h, [...(state.reported.get(h) ?? []), m.hash]);
    } else if (m.ack !== undefined) state.acked.add(m.ack);
    else if (m.ready !== undefined) {
      if (m.recovery !== undefined) state.recoveries.push(m.recovery);
      life.isReady = true;
      markReady();
    } else if (m.stopped !== undefined) life.stopped = m.stopped;
  });
  return life;
}

/** Sends an order (a JSON line) to a running process. */
export const send = (life: Life, order: unknown): void => {
  if (life.child.exitCode === null && life.child.stdin?.writable === true) life.child.stdin.write(`${JSON.stringify(order)}\n`);
};

/** Runs the kill/restart session (see the module header). */
export async function runCrashSession(opts: CrashRunOptions): Promise<CrashRunResult> {
  const rng = new Rng(opts.seed); // the kill moments of a run follow from its seed
  const state = newReports();
  let next = 1;
  let kills = 0;
  let killsBeforeReady = 0;
  const feed = (life: Life): ReturnType<typeof setInterval> => setInterval(() => {
    if (!life.isReady) return;
    send(life, { inc: next++ });
    if (opts.spinEvery !== undefined && opts.spinEvery > 0 && next % opts.spinEvery === 0) send(life, { spin: 100_000 });
  }, opts.incEveryMs);
  for (let k = 0; k < opts.kills; k++) {
    const life = start(opts, state);
    const feeder = feed(life);
    // One kill in four comes at a moment after the spawn (often during recovery), the others after the process is ready.
    const early = rng.next() % 4 === 0;
    const delay = rng.between(opts.killAfterMs[0], opts.killAfterMs[1]);
    if (!early) await Promise.race([life.ready, life.exited]);
    await new Promise((resolve) => setTimeout(resolve, delay));
    clearInterval(feeder);
    if (life.child.exitCode === null) {
      if (!life.isReady) killsBeforeReady++;
      life.child.kill('SIGKILL');
      kills++;
    }
    await life.exited;
    opts.log?.(`kill ${k + 1}/${opts.kills} ${delay} ms after ${early ? 'the spawn' : 'ready'} (${life.isReady ? 'running' : 'before ready'}); acked ${state.acked.size}/${next - 1}`);
  }
  const life = start(opts, state);
  await life.ready;
  for (let i = 0; i < 20; i++) send(life, { inc: next++ });
  send(life, { final: true });
  await life.exited;
  if (life.final === undefined) throw new Error(`the final run did not finish${life.stopped === undefined ? '' : `: ${life.stopped}`}`);
  return {
    kills, killsBeforeReady, sent: next - 1, acked: state.acked, reported: state.reported, recoveries: state.recoveries,
    final: { ids: life.final.ids, height: BigInt(life.final.h), hash: life.final.hash },
  };
}

/**
 * Replays the whole batch log of `dataDir` in this process, uninterrupted,
 * on a replica configured as the processes were (`slice`); the state hash at
 * every height.
 */
export async function referenceHashes(dataDir: string, opts: { readonly slice?: number } = {}): Promise<Map<bigint, string>> {
  const disk = LmdbStore.open(dataDir);
  if (!(disk instanceof LmdbStore)) throw new Error(disk.message);
  const mem = new MemoryStore();
  const key = disk.meta(META_SUBNET_KEY);
  if (key === undefined) throw new Error('no subnet key in the store');
  await mem.commit({ putMeta: [[META_SUBNET_KEY, Uint8Array.from(key)]] });
  for (const h of disk.batchHeights()) await mem.appendBatch(h, Uint8Array.from(disk.batch(h) as Uint8Array));
  await disk.close();
  const hashes = new Map<bigint, string>();
  const ref = await Replica.create({
    store: mem, pruneBatchLog: false, onCommit: (b, s) => { hashes.set(b.height, hex(stateHash(s))); },
    ...(opts.slice === undefined ? {} : { schedulerConfig: { maxInstructionsPerSlice: numInstructions(BigInt(opts.slice)) } }),
  });
  await ref.close();
  return hashes;
}

/**
 * Checks a finished session: (a) every state hash a process reported equals
 * the uninterrupted replay's at that height; (b) the counter counted no id
 * twice, every acknowledged id, and only ids that were sent.
 */
export async function checkSession(r: CrashRunResult, opts: Pick<CrashRunOptions, 'dataDir' | 'slice'>): Promise<{ heights: number }> {
  const ids = r.final.ids;
  assert.equal(new Set(ids).size, ids.length, 'no increment was executed twice');
  const counted = new Set(ids);
  const lost = [...r.acked].filter((n) => !counted.has(n));
  assert.deepEqual(lost, [], 'every acknowledged increment is in the state');
  assert.ok(ids.every((n) => n >= 1 && n <= r.sent), 'only increments that were sent');
  const reference = await referenceHashes(opts.dataDir, opts.slice === undefined ? {} : { slice: opts.slice });
  assert.ok(reference.size >= Number(r.final.height), `the log covers every height (${reference.size} of ${r.final.height})`);
  for (const [h, hashes] of r.reported) {
    for (const hash of hashes) assert.equal(hash, reference.get(h), `state hash at height ${h}`);
  }
  assert.equal(r.final.hash, reference.get(r.final.height), 'the final state hash');
  return { heights: r.reported.size };
}
