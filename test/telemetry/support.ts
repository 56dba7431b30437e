// End-to-end support for the telemetry: a replica started as `npm start`
// starts it (`node src/cli/main.ts --port 0 …`) with its stdout and stderr
// kept apart (canister logs and replica logs go to different streams), and
// a Motoko canister that prints and traps, installed through the agent.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { compileMotoko } from '../corpus/motoko.ts';
import { managementIdl } from '../http/support.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface Spawned {
  readonly url: string;
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node src/cli/main.ts --port 0 …args` and waits for its URL. */
export async function spawnReplica(args: readonly string[]): Promise<Spawned> {
  const child = spawn(process.execPath, [MAIN, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m !== null) resolve(m[1]);
    });
    child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
    void exited.then((code) => reject(new Error(`the replica exited (${code}) before it was ready:\n${out}\n${err}`)));
  });
  return {
    url, child, stdout: () => out, stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** `hello(name)` prints `hello <name>` and answers; `boom()` traps with `kaboom`. */
export const PRINTER_MO = `
import Debug "mo:core/Debug";
import Runtime "mo:core/Runtime";

persistent actor Printer {
  public func hello(name : Text) : async Text { Debug.print("hello " # name); "hi " # name };
  public func boom() : async () { Runtime.trap("kaboom") };
};
`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const printerIdl = ({ IDL: I }: { IDL: any }): any => I.Service({
  hello: I.Func([I.Text], [I.Text], []),
  boom: I.Func([], [], []),
});

/** The printer canister, created and installed on `url` through the agent; its actor. */
export async function installPrinter(url: string): Promise<{ canisterId: Principal; hello(name: string): Promise<string>; boom(): Promise<void> }> {
  const wasm = await compileMotoko(PRINTER_MO);
  const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true, retryTimes: 0 });
  const create = Actor.createActor(managementIdl, {
    agent, canisterId: Principal.fromText('aaaaa-aa'), effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
  });
  const { canister_id: canisterId } = await create.provisional_create_canister_with_cycles({
    amount: [10n ** 13n], settings: [], specified_id: [], sender_canister_version: [],
  }) as { canister_id: Principal };
  const mgmt = Actor.createActor(managementIdl, { agent, canisterId: Principal.fromText('aaaaa-aa'), effectiveCanisterId: canisterId });
  await mgmt.install_code({ mode: { install: null }, canister_id: canisterId, wasm_module: wasm, arg: IDL.encode([], []), sender_canister_version: [] });
  const actor = Actor.createActor(printerIdl, { agent, canisterId });
  return {
    canisterId,
    hello: (name) => actor.hello(name) as Promise<string>,
    boom: () => actor.boom() as Promise<void>,
  };
}

/** Waits until `check()` holds (every 50 ms, at most `ms`). */
export async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** The JSON lines of `text` (lines that are not JSON are returned apart). */
export function jsonLines(text: string): { json: Record<string, unknown>[]; other: string[] } {
  const json: Record<string, unknown>[] = [];
  const other: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) json.push(v as Record<string, unknown>);
      else other.push(line);
    } catch {
      other.push(line);
    }
  }
  return { json, other };
}
