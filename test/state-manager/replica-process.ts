// A replica in its own process, for the crash tests: it runs a `Replica`
// on a data directory and takes orders as JSON lines on stdin; it reports
// as JSON lines on stdout. The parent kills it with SIGKILL whenever it
// likes and starts it again on the same directory.
//
//   argv[2]: JSON { dataDir, checkpointInterval?, slice? }
//   stdin:   {"inc": n}     submit inc(n) to the counter canister
//            {"spin": n}    submit spin(n) (a long update under DTS when `slice` is small)
//            {"final": true} answer every pending call, report the counted ids, close (a checkpoint), exit
//   stdout:  {"h": height, "hash": hex}   after every committed batch (replayed ones included)
//            {"ready": height, "recovery": …} once recovered and the counter is installed
//            {"ack": n}     inc(n) is in a batch that was durably logged (sent after its round)
//            {"final": ids, "h": height, "hash": hex}
//            {"stopped": message}  the store failed (the process then exits with code 3)
//
// A message is acknowledged only once the batch containing it was logged:
// `tick()` logs the batch before executing it, so a message with a status
// after the round was logged (its status comes from executing it).
import { createInterface } from 'node:readline';
import { Replica, CanisterId } from '../../src/index.ts';
import { ReplicaStoppedError } from '../../src/state-manager/index.ts';
import { stateHash } from '../../src/state/index.ts';
import { numInstructions } from '../../src/types/index.ts';
import { counterWasm, countedIds, u32le } from './counter.ts';

interface Args { readonly dataDir: string; readonly checkpointInterval?: number; readonly slice?: number }
const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const out = (o: unknown): void => { process.stdout.write(`${JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}\n`); };

function stopped(e: unknown): never {
  if (e instanceof ReplicaStoppedError) {
    out({ stopped: e.message });
    process.exit(3);
  }
  throw e;
}

const ic = await Replica.create({
  dataDir: args.dataDir,
  checkpointInterval: BigInt(args.checkpointInterval ?? 7),
  pruneBatchLog: false,
  ...(args.slice === undefined ? {} : { schedulerConfig: { maxInstructionsPerSlice: numInstructions(BigInt(args.slice)) } }),
  onCommit: (batch, state) => out({ h: batch.height, hash: hex(stateHash(state)) }),
}).catch(stopped);

async function setUp(): Promise<CanisterId> {
  const existing = ic.committedState.canisters()[0];
  const id = existing?.canisterId ?? await ic.createCanister();
  if (ic.committedState.canister(id)?.executionState === undefined) await ic.installCode(id, await counterWasm());
  return CanisterId.fromUint8Array(id.bytesView());
}

const counter = await setUp().catch(stopped);
out({ ready: ic.height, recovery: ic.recovery });

const pending = new Map<string, number>();
let finishing = false;
let closed = false;
let waiting = new AbortController();

async function submit(method: 'inc' | 'spin', n: number): Promise<void> {
  const mid = await ic.submitCall(counter, method, u32le(n));
  if (method === 'inc') pending.set(hex(mid), n);
}

async function loop(): Promise<void> {
  while (!closed) {
    if (!ic.hasWork() && pending.size === 0) {
      if (finishing) break;
      waiting = new AbortController();
      await ic.workArrived(waiting.signal).catch(() => undefined);
      continue;
    }
    await ic.tick();
    for (const [mid, n] of pending) {
      if (ic.ingressStatus(Buffer.from(mid, 'hex')) === undefined) continue;
      out({ ack: n });
      pending.delete(mid);
    }
  }
}

const running = loop().catch(stopped);
const lines = createInterface({ input: process.stdin });
let queue: Promise<void> = Promise.resolve();
lines.on('line', (line) => {
  const order = JSON.parse(line) as { inc?: number; spin?: number; final?: boolean };
  queue = queue.then(async () => {
    if (order.inc !== undefined) await submit('inc', order.inc);
    else if (order.spin !== undefined) await submit('spin', order.spin);
    else if (order.final === true) {
      finishing = true;
      waiting.abort();
      await running;
      const ids = await countedIds(ic, counter);
      await ic.close();
      closed = true;
      out({ final: ids, h: ic.height, hash: hex(ic.stateHash()) });
      process.exit(0);
    }
  }).catch(stopped);
});
