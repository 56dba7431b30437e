// Host writes into the heap are reported (`onHeapWrite`), so that the
// hypervisor can mark their pages dirty: every byte an import changes lies
// in a range it reported, for every import, with valid arguments and with
// arguments that trap.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IC0_IMPORTS } from '../config/index.ts';
import type { Ic0ImportName } from '../config/index.ts';
import { API_TYPE_KINDS } from './api-type.ts';
import { isAvailable } from './availability.ts';
import { HostTrap } from './host-trap.ts';
import { apiTypeOf, layout, prepareValid } from './test-support.ts';

const BACKGROUND = 0xa5;

/** Runs `name` with valid arguments in the first context that allows it; the bytes it changed and the ranges it reported. */
function probe(name: Ic0ImportName): { changed: number[]; reported: Array<[number, number]>; trapped: boolean } {
  const kind = API_TYPE_KINDS.find((k) => isAvailable(name, apiTypeOf(k))) ?? 'update';
  const reported: Array<[number, number]> = [];
  const { s, call } = prepareValid(name, kind, { params: { onHeapWrite: (dst, size) => reported.push([dst, size]) } });
  s.heap.fill(BACKGROUND);
  layout(s.heap);
  reported.length = 0; // call_new (made by prepareValid) writes nothing, but start clean
  const before = s.heap.slice();
  let trapped = false;
  try {
    call();
  } catch (e) {
    if (!(e instanceof HostTrap)) throw e;
    trapped = true;
  }
  const changed: number[] = [];
  for (let i = 0; i < before.length; i++) if (s.heap[i] !== before[i]) changed.push(i);
  return { changed, reported, trapped };
}

describe('host writes into the heap are reported', () => {
  test('every changed byte is inside a reported range, for every import', () => {
    const writers: string[] = [];
    for (const name of IC0_IMPORTS) {
      const { changed, reported } = probe(name);
      for (const at of changed) {
        assert.ok(reported.some(([dst, size]) => at >= dst && at < dst + size), `${name} changed byte ${at} without reporting it`);
      }
      for (const [dst, size] of reported) assert.ok(size > 0 && dst + size <= 65_536, `${name} reported [${dst}, +${size})`);
      if (changed.length > 0) writers.push(name);
    }
    // Not vacuous: the copies, 128-bit amounts, cost_* and stable reads all wrote here.
    for (const name of ['msg_arg_data_copy', 'canister_self_copy', 'msg_cycles_available128', 'cost_call', 'stable64_read', 'stable_read',
      'env_var_value_copy', 'data_certificate_copy', 'root_key_copy', 'cost_http_request_v2']) {
      assert.ok(writers.includes(name), `${name} wrote nothing (writers: ${writers.join(', ')})`);
    }
  });

  test('a call that traps before writing reports nothing', () => {
    const reported: Array<[number, number]> = [];
    const { s } = prepareValid('msg_arg_data_copy', 'update', { params: { onHeapWrite: (dst, size) => reported.push([dst, size]) } });
    assert.throws(() => s.ic0.msg_arg_data_copy(65_530, 0, 3 + 10), HostTrap); // past the heap
    assert.throws(() => s.ic0.msg_arg_data_copy(0, 2, 5), HostTrap); // past the argument
    s.ic0.msg_arg_data_copy(100, 0, 0); // nothing to write
    assert.deepEqual(reported, []);
    s.ic0.msg_arg_data_copy(100, 1, 2);
    assert.deepEqual(reported, [[100, 2]]);
  });
});
