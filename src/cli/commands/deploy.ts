/**
 * `ic-exec deploy <file.wasm | file.wasm.gz | file.mo>`: a canister created
 * (`provisional_create_canister_with_cycles`, controlled by the caller)
 * unless `--canister` names one, then the module installed (`--mode`,
 * default install). A `.mo` file is compiled first (motoko.ts). The init
 * argument (`--argument`, Candid text) is typed by `--did`'s service
 * arguments or the module's `candid:args` metadata. A module that does not
 * fit one ingress message goes through the canister's chunk store with a
 * progress bar (management.ts).
 *
 * `--json`: `{ "canisterId", "created", "mode", "moduleHash", "moduleBytes",
 * "chunks", "typedArgument" }`.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { basename } from 'node:path';
import type { IDL } from '@dfinity/candid';
import type { Command, CommandIo } from '../command.ts';
import { commandSpec, parseArgs } from '../parse.ts';
import { colors, fail, usageError, writeJson } from '../output.ts';
import type { InstallMode } from '../management.ts';
import { DEFAULT_URL } from '../globals.ts';

const NAME = 'deploy';
const SUMMARY = 'create a canister (unless --canister) and install a .wasm, .wasm.gz or .mo module';

const spec = () => commandSpec(NAME, SUMMARY)
  .argument('<file>', 'the module: .wasm, .wasm.gz, or Motoko source (.mo, compiled with moc)')
  .option('--argument <candid>', "the init argument in Candid text, e.g. '(42, \"name\")'")
  .option('--did <file>', 'type the init argument with this .did file (default: the module\'s candid:args metadata)')
  .option('--canister <id>', 'install into this canister instead of creating one')
  .option('--mode <mode>', 'install, reinstall or upgrade (default install)')
  .option('--cycles <n>', 'cycles of a created canister (e.g. 100000000000000 or 100T; default: the replica\'s)');

/** `100T`, `5B`, `1_000_000` → cycles. */
export function parseCycles(text: string): bigint | undefined {
  const m = /^(\d[\d_]*)([TBMK]?)$/i.exec(text.trim());
  if (m === null) return undefined;
  const scale: Record<string, bigint> = { '': 1n, K: 10n ** 3n, M: 10n ** 6n, B: 10n ** 9n, T: 10n ** 12n };
  return BigInt(m[1].replaceAll('_', '')) * scale[m[2].toUpperCase()];
}

export const command: Command = {
  name: NAME,
  summary: SUMMARY,
  get usage() { return spec().helpInformation(); },
  run,
};

const PAST: Readonly<Record<InstallMode, string>> = { install: 'installed', reinstall: 'reinstalled', upgrade: 'upgraded' };

interface Module {
  /** What is sent (gzip stays gzip). */
  readonly bytes: Uint8Array;
  /** The module's `candid:args` metadata, if any. */
  readonly candidArgs?: string;
  /** Built with Motoko's enhanced orthogonal persistence (upgrades keep the main memory). */
  readonly eop: boolean;
}

async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseArgs(spec(), argv, io);
  if (parsed.kind === 'help') return 0;
  if (parsed.kind === 'error') return usageError(io, NAME, parsed.message);
  const [file] = parsed.args;
  const opts = parsed.opts as { argument?: string; did?: string; canister?: string; mode?: string; cycles?: string };
  const mode = (opts.mode ?? 'install') as InstallMode;
  if (!['install', 'reinstall', 'upgrade'].includes(mode)) return usageError(io, NAME, `--mode must be install, reinstall or upgrade, got ${JSON.stringify(opts.mode)}`);
  if (opts.canister === undefined && mode !== 'install') return usageError(io, NAME, `--mode ${mode} needs --canister <id>`);
  if (opts.canister !== undefined && opts.cycles !== undefined) return usageError(io, NAME, '--cycles is for a created canister: not with --canister');
  const cycles = opts.cycles === undefined ? undefined : parseCycles(opts.cycles);
  if (opts.cycles !== undefined && cycles === undefined) return usageError(io, NAME, `--cycles must be a whole number of cycles, got ${JSON.stringify(opts.cycles)}`);
  if (!/\.(wasm|wasm\.gz|mo)$/.test(file)) return usageError(io, NAME, `${file}: the module must be a .wasm, .wasm.gz or .mo file`);
  if (opts.canister !== undefined) {
    const { Principal } = await import('@icp-sdk/core/principal');
    try {
      Principal.fromText(opts.canister);
    } catch {
      return usageError(io, NAME, `${JSON.stringify(opts.canister)} is not a canister id`);
    }
  }

  // The replica checked first (a compile takes seconds), the agent made after the compile.
  const { checkReplica, connect, describeError } = await import('../client.ts');
  const reachable = await checkReplica(io.globals?.url ?? DEFAULT_URL);
  if (!reachable.ok) return fail(io, reachable.error);
  const loaded = await loadModule(file, io);
  if (!loaded.ok) return fail(io, loaded.error);
  const module = loaded.value;
  // moc blocks the event loop for seconds: let sockets the server closed meanwhile be seen closed before reuse.
  await setImmediate();
  const connected = await connect(io.globals);
  if (!connected.ok) return fail(io, connected.error);
  const { client } = connected;

  // The init argument, typed when the types are known.
  const { argsTypes, didFile } = await import('../candid.ts');
  let types: readonly IDL.Type[] | undefined;
  if (opts.did !== undefined) {
    const did = await didFile(opts.did);
    if (!did.ok) return fail(io, did.error);
    types = did.value.init ?? [];
  } else if (module.candidArgs !== undefined) {
    const t = argsTypes(module.candidArgs);
    if (t.ok) types = t.value;
    else if (!io.json) io.err(`warning: ${t.error.message}; the init argument is untyped (give --did to type it)\n`);
  }
  const { encodeArgs } = await import('../../candid-text/index.ts');
  const arg = encodeArgs(opts.argument ?? '()', types);
  if (!arg.ok) {
    const hint = opts.argument === undefined ? `: the module's init argument${types?.length === 1 ? ' is' : 's are'} required (--argument '(…)')` : '';
    return fail(io, { code: null, message: `bad Candid argument: ${arg.error}${hint}` }, 2);
  }

  const { installChunked, installCode, needsChunks, provisionalCreate } = await import('../management.ts');
  let canisterId = opts.canister;
  let chunks = 0;
  try {
    if (canisterId === undefined) canisterId = await provisionalCreate(client, cycles);
    const request = { canisterId, mode, module: module.bytes, arg: arg.value, keepMemory: module.eop };
    if (needsChunks(module.bytes.length, arg.value.length)) {
      chunks = await installChunked(client, request, io.progress(`uploading ${basename(file)}`, module.bytes.length, 'bytes'));
    } else await installCode(client, request);
  } catch (e) {
    const error = describeError(e, client.url);
    return fail(io, canisterId === undefined || opts.canister !== undefined ? error
      : { ...error, message: `${error.message} (canister ${canisterId} was created; deploy again with --canister ${canisterId})` });
  }
  const moduleHash = createHash('sha256').update(module.bytes).digest('hex');
  if (io.json) {
    writeJson(io, { canisterId, created: opts.canister === undefined, mode, moduleHash, moduleBytes: module.bytes.length, chunks, typedArgument: types !== undefined });
  } else {
    const c = colors(io);
    io.out(`${c.green(opts.canister === undefined ? 'created and installed' : PAST[mode])} ${basename(file)} → canister ${c.bold(canisterId)}\n`
      + `  module hash ${moduleHash} (${module.bytes.length.toLocaleString('en-US')} bytes${chunks > 0 ? `, ${chunks} chunks` : ''})\n`);
  }
  return 0;
}

/** The module to send: read, or compiled from Motoko; its metadata read from the (decompressed) binary. */
async function loadModule(file: string, io: CommandIo): Promise<{ ok: true; value: Module } | { ok: false; error: { code: null; message: string } }> {
  let bytes: Uint8Array;
  if (file.endsWith('.mo')) {
    const { compileMotokoFile } = await import('../motoko.ts');
    const announce = (): void => { if (!io.json) io.err(`compiling ${file} with moc…\n`); };
    const compiled = await compileMotokoFile(file, announce).catch((e: unknown) => ({ ok: false as const, error: { code: null, message: `cannot compile ${file}: ${(e as Error).message}` } }));
    if (!compiled.ok) return { ok: false, error: { code: null, message: compiled.error.message } };
    bytes = compiled.wasm;
  } else {
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch (e) {
      return { ok: false, error: { code: null, message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` } };
    }
  }
  const { canisterMetadataSections, decompressModule } = await import('../../wasm/index.ts');
  const raw = decompressModule(bytes, 1n << 30n);
  if (!raw.ok) return { ok: false, error: { code: null, message: `${file} is not a Wasm module (${raw.error.kind}${'message' in raw.error ? `: ${String(raw.error.message)}` : ''})` } };
  let sections: ReturnType<typeof canisterMetadataSections>;
  try {
    sections = canisterMetadataSections(raw.wasm);
  } catch (e) {
    return { ok: false, error: { code: null, message: `${file} is not a Wasm module: ${(e as Error).message}` } };
  }
  const text = (name: string): string | undefined => {
    const s = sections.find((x) => x.name === name);
    return s === undefined ? undefined : new TextDecoder().decode(s.data);
  };
  const candidArgs = text('candid:args');
  return { ok: true, value: { bytes, eop: text('enhanced-orthogonal-persistence') !== undefined, ...(candidArgs === undefined ? {} : { candidArgs }) } };
}
