/**
 * `ic-exec call <canister> <method> ['(args)']` (an update call, certified)
 * and `ic-exec query …` (a query, signed by a node): Candid text in and
 * out, typed by the canister's `candid:service` metadata (or `--did`) when
 * there is one, untyped otherwise. A reject prints its reject code, the
 * IC's error code and the canister's or replica's message, exit 1.
 *
 * `--json`: `{ "canister", "method", "kind": "update"|"query", "typed",
 * "result": [<each value as JSON>], "candid": "(…)" }`.
 */
import type { IDL } from '@dfinity/candid';
import type { Command, CommandIo } from '../command.ts';
import { commandSpec, parseArgs } from '../parse.ts';
import { fail, usageError, writeJson } from '../output.ts';

type Kind = 'update' | 'query';

function callCommand(name: 'call' | 'query', kind: Kind, summary: string): Command {
  const spec = () => commandSpec(name, summary)
    .argument('<canister>', 'the canister id')
    .argument('<method>', 'the method')
    .argument('[args]', "the arguments in Candid text, e.g. '(42, \"text\", record { a = 1 })' (default: none)")
    .option('--did <file>', 'type the arguments and the reply with this .did file instead of the canister\'s metadata');
  return {
    name, summary,
    get usage() { return spec().helpInformation(); },
    run: (argv, io) => runCall(name, kind, spec(), argv, io),
  };
}

async function runCall(name: string, kind: Kind, spec: ReturnType<typeof commandSpec>, argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseArgs(spec, argv, io);
  if (parsed.kind === 'help') return 0;
  if (parsed.kind === 'error') return usageError(io, name, parsed.message);
  const [canister, method, argText = '()'] = parsed.args;
  const { Principal } = await import('@icp-sdk/core/principal');
  try {
    Principal.fromText(canister);
  } catch {
    return usageError(io, name, `${JSON.stringify(canister)} is not a canister id`);
  }
  const { connect, describeError, rejectCodeText, uncheckedAgent } = await import('../client.ts');
  const { canisterService, didFile } = await import('../candid.ts');
  const { encodeArgs, decodeToJson, decodeToText } = await import('../../candid-text/index.ts');
  const connected = await connect(io.globals);
  if (!connected.ok) return fail(io, connected.error);
  const { client } = connected;
  const did = parsed.opts.did as string | undefined;
  const service = did === undefined ? await canisterService(client, canister) : await didFile(did);
  // A .did given on the command line must be right; a canister's own interface that cannot be read is only a warning.
  if (!service.ok && (did !== undefined || service.error.message.startsWith('no replica'))) return fail(io, service.error);
  if (!service.ok && !io.json) io.err(`warning: ${service.error.message}; the arguments and the reply are untyped\n`);
  const func: IDL.FuncClass | undefined = service.ok ? service.value?.methods.get(method) : undefined;
  const encoded = encodeArgs(argText, func?.argTypes);
  if (!encoded.ok) return fail(io, { code: null, message: `bad Candid argument: ${encoded.error}` }, 2);
  let reply: Uint8Array;
  const cid = Principal.fromText(canister);
  try {
    if (kind === 'update') {
      reply = (await client.agent.update(cid, { methodName: method, arg: encoded.value, effectiveCanisterId: cid })).reply;
    } else {
      const fields = { methodName: method, arg: encoded.value, effectiveCanisterId: cid };
      // The agent checks a query's node signatures with keys read for the canister's subnet; for a
      // canister outside the subnet's ranges there are none, so ask again unchecked for the replica's own answer.
      const r = await client.agent.query(cid, fields).catch(async (e: unknown) => {
        if (!/canister_ranges/.test((e as Error)?.message ?? '')) throw e;
        return (await uncheckedAgent(client)).query(cid, fields);
      });
      if (r.status === 'rejected') {
        const code = r.error_code === undefined || r.error_code === '' ? null : r.error_code;
        return fail(io, { code, message: `${rejectCodeText(Number(r.reject_code))}${code === null ? '' : `, ${code}`}: ${r.reject_message}` });
      }
      reply = r.reply.arg;
    }
  } catch (e) {
    return fail(io, describeError(e, client.url));
  }
  const types = func?.retTypes;
  const text = decodeToText(reply, types);
  if (!text.ok) return fail(io, { code: null, message: `the reply does not decode${types === undefined ? '' : ' with the method\'s types'}: ${text.error}` });
  if (io.json) {
    const json = decodeToJson(reply, types);
    if (!json.ok) return fail(io, { code: null, message: `the reply does not decode: ${json.error}` });
    writeJson(io, { canister, method, kind, typed: func !== undefined, result: json.value, candid: text.value });
  } else io.out(`${text.value}\n`);
  return 0;
}

export const call = callCommand('call', 'update', 'call a canister method (an update call); Candid text in and out');
export const query = callCommand('query', 'query', 'query a canister method; Candid text in and out');
