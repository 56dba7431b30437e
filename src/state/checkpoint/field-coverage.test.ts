// A field added to a state class and not kept by checkpoints fails here.
//
// Plain data (interfaces: messages, call contexts, SchedulerState,
// ExecutionState, snapshots, SystemMetadata's fields, …) is checked by the
// compiler: `struct` and `variant` need a codec for every property. Classes
// with private fields are checked here from their source: every instance
// field must be written by `toCheckpoint()` and restored by
// `static fromCheckpoint()` (derived ones — recomputed from the others —
// only restored); classes the codec reads through public fields must have
// every field read by the codec.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HOW = 'keep it in checkpoints: add it to the class\'s checkpoint type, toCheckpoint and fromCheckpoint, and to its codec in src/state/checkpoint/';
const stateDir = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string): string => readFileSync(`${stateDir}/${file}`, 'utf8');

/** The text between the braces opened after `start` (brace-balanced). */
function block(src: string, start: number): string {
  const open = src.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return src.slice(open + 1, i);
  }
  throw new Error('unbalanced braces');
}

/** The class's instance fields (declarations at the class body's top level; static ones left out). */
export function instanceFields(src: string, className: string): string[] {
  const at = src.search(new RegExp(`export class ${className}\\b`));
  assert.ok(at >= 0, `class ${className} not found`);
  const body = block(src, at);
  const fields: string[] = [];
  let depth = 0;
  for (const line of body.split('\n')) {
    if (depth === 0) {
      const m = /^ {2}(?:readonly |private |protected |public |declare )*(#?[A-Za-z_$][\w$]*)[?!]?\s*[:=;]/.exec(line);
      if (m !== null && !/^ {2}static\b/.test(line)) fields.push(m[1]);
    }
    for (const ch of line) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
  }
  return fields;
}

function method(src: string, className: string, name: string): string {
  const cls = src.search(new RegExp(`export class ${className}\\b`));
  const body = block(src, cls);
  const at = body.search(new RegExp(`^ {2}(?:static )?${name}\\b`, 'm'));
  assert.ok(at >= 0, `${className}.${name} not found`);
  const open = /\{\s*$/m.exec(body.slice(at)) as RegExpExecArray; // the brace ending the signature's last line
  return block(body, at + open.index);
}

/** Classes with `toCheckpoint`/`fromCheckpoint`, and the fields they recompute instead of keeping. */
/** `byConstructor`: fields `fromCheckpoint` passes to the (private) constructor. */
const FRIENDS: readonly { file: string; cls: string; derived?: readonly string[]; byConstructor?: readonly string[] }[] = [
  { file: 'system-state.ts', cls: 'SystemState' },
  { file: 'canister-queues.ts', cls: 'CanisterQueues' },
  { file: 'canister-queue.ts', cls: 'CanisterQueue', derived: ['#requestSlots', '#responseSlots'] },
  { file: 'canister-queue.ts', cls: 'IngressQueue', derived: ['#count', '#sizeBytes'] },
  { file: 'input-schedule.ts', cls: 'InputSchedule', derived: ['#scheduled'] },
  { file: 'call-context-manager.ts', cls: 'CallContextManager', derived: ['#outstanding'] },
  { file: 'task-queue.ts', cls: 'TaskQueue' },
  { file: 'canister-history.ts', cls: 'CanisterLog', derived: ['#used'] },
  { file: 'canister-history.ts', cls: 'CanisterHistory', derived: ['#memoryUsage'] },
  { file: 'wasm-chunk-store.ts', cls: 'WasmChunkStore' },
  { file: 'ingress-history.ts', cls: 'IngressHistoryState', derived: ['#memoryUsage', '#shared'] },
  { file: 'subnet-call-context-manager.ts', cls: 'SubnetCallContextManager' },
  { file: 'streams.ts', cls: 'Stream', derived: ['#sizeBytes', '#responsesBytes'], byConstructor: ['#begin', '#messages', '#signalsEnd', '#rejectSignals', '#sizeBytes', '#responsesBytes'] },
  { file: 'streams.ts', cls: 'Streams', derived: ['#sorted'] },
  { file: 'canister-snapshots.ts', cls: 'CanisterSnapshots', derived: ['#memoryUsage'], byConstructor: ['#byId', '#memoryUsage'] },
];

/** Classes the codec reads through their public fields: each field must appear as `.field` in the codec file. */
const PUBLIC: readonly { file: string; cls: string; codec: string; internal?: readonly string[] }[] = [
  { file: 'canister-state.ts', cls: 'CanisterState', codec: 'checkpoint/canister.ts' },
  // The canisters go through canisters()/putCanister; the ownership set and the sorted keys are bookkeeping.
  { file: 'replicated-state.ts', cls: 'ReplicatedState', codec: 'checkpoint/state.ts', internal: ['#canisters', '#owned', '#sortedKeys'] },
];

describe('checkpoint field coverage', () => {
  for (const { file, cls, derived = [], byConstructor = [] } of FRIENDS) {
    it(`${cls}: every field is kept by toCheckpoint and restored by fromCheckpoint`, () => {
      const src = read(file);
      const fields = instanceFields(src, cls);
      assert.ok(fields.length > 0);
      const to = method(src, cls, 'toCheckpoint');
      const from = method(src, cls, 'fromCheckpoint');
      for (const f of fields) {
        const ref = new RegExp(`\\.${f.replace('$', '\\$')}\\b`);
        if (!derived.includes(f)) assert.match(to, new RegExp(`this${ref.source}`), `${cls}.${f} is not written by toCheckpoint() (${HOW})`);
        if (byConstructor.includes(f)) assert.match(from, new RegExp(`new ${cls}\\(`), `${cls}.${f}: fromCheckpoint() does not construct`);
        else assert.match(from, ref, `${cls}.${f} is not restored by fromCheckpoint() (${HOW})`);
      }
      for (const d of derived) assert.ok(fields.includes(d), `${cls}: derived field ${d} no longer exists`);
    });
  }
  for (const { file, cls, codec, internal = [] } of PUBLIC) {
    it(`${cls}: every field is read by the codec`, () => {
      const code = read(codec);
      for (const f of instanceFields(read(file), cls)) {
        if (internal.includes(f)) continue;
        assert.match(code, new RegExp(`\\.${f}\\b`), `${cls}.${f} is not encoded by src/state/${codec} (${HOW})`);
      }
    });
  }

  it('finds fields the way the checks above rely on', () => {
    const src = 'export class X {\n  static readonly S = 1;\n  readonly a: number;\n  #b = 0;\n  c?: string;\n  get d(): number { return 1; }\n  e(): void {\n    const f = 1;\n  }\n}\n';
    assert.deepEqual(instanceFields(src, 'X'), ['a', '#b', 'c']);
  });
});
