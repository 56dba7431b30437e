// A served replica with its telemetry and dashboard, in process (as
// `npm start --ephemeral --port 0` serves it), for the dashboard's tests;
// and the reading of a Server-Sent Events stream.
import { existsSync } from 'node:fs';
import { parseStartArgs } from '../../src/cli/args.ts';
import { startReplica } from '../../src/cli/start.ts';
import type { Replica } from '../../src/replica/index.ts';
import { createLogger } from '../../src/telemetry/index.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser test cannot run here, or `false`. */
export function browserSkipReason(): string | false {
  return existsSync(CHROMIUM) ? false
    : `${CHROMIUM} is not installed: scripts/setup.mjs (the npm ci postinstall) installs Debian's chromium when run as root with apt-get`;
}

/** A served replica. */
export interface ServedDashboard {
  readonly url: string;
  readonly replica: Replica;
  stop(): Promise<void>;
}

/** Starts a replica in memory on a free port as `npm start --ephemeral --port 0 --no-system-canisters` does (startReplica, in process). */
export async function serveDashboard(): Promise<ServedDashboard> {
  const parsed = parseStartArgs(['--ephemeral', '--port', '0', '--no-system-canisters']);
  if (!parsed.ok) throw new Error(parsed.error);
  const r = await startReplica(parsed.options, { logger: createLogger({ level: 'silent' }) });
  if (!r.ok) throw new Error(r.error);
  const { server, replica, stop } = r.started;
  return { url: server.url, replica, stop };
}

/** One event of a stream. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** Reads `url`'s event stream until `until` says it has what it wants (or `timeoutMs`); returns the events seen. */
export async function readEvents(url: string, until: (events: readonly SseEvent[]) => boolean, timeoutMs = 10_000): Promise<SseEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const events: SseEvent[] = [];
  try {
    const res = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
    if (res.headers.get('content-type')?.startsWith('text/event-stream') !== true) throw new Error(`not an event stream: ${res.status} ${res.headers.get('content-type')}`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) events.push({ event, data: data.join('\n') });
      }
    }
    await reader.cancel();
  } catch (e) {
    if (!abort.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return events;
}
