/**
 * Walks the instructions of one function body without allocating per
 * instruction: {@link OperatorReader.next} decodes the next operator into
 * the reader's own fields (opcode, immediates, byte range) and returns
 * false after the function's final `end`.
 *
 * The reader checks the binary structure (known opcodes, immediates that
 * fit, balanced blocks, nothing after the final `end`), not types: type
 * checking is the engine's (`WebAssembly.validate`), as the replica leaves
 * it to wasmtime.
 */
import { ByteReader } from './reader.ts';
import { Imm, OPS, OPS_FC, OPS_FD, PREFIX_FC, PREFIX_FD, PREFIX_FE_THREADS, PREFIX_FB_GC } from './opcodes.ts';
import type { OpInfo } from './opcodes.ts';

/** Block type: `EMPTY_BLOCK` (0x40), a negative value-type code, or a type index ≥ 0. */
export const EMPTY_BLOCK = -64;
const BLOCK_VALTYPES = new Set([-1, -2, -3, -4, -5, -16, -17]);

export class OperatorReader {
  private readonly r: ByteReader;

  /** The current operator. */
  op!: OpInfo;
  /** 0 for single-byte opcodes, else the prefix byte (0xFC, 0xFD). */
  prefix = 0;
  /** The opcode byte, or the sub-opcode of a prefixed operator. */
  code = 0;
  /** Offset (relative to the body code) of the opcode's first byte. */
  start = 0;
  /** Offset just past the immediates. */
  end = 0;
  /** Offset where the immediates begin. */
  immStart = 0;
  /**
   * First index immediate: function (call, ref.func), local, global, table,
   * label depth (br, br_if), type (call_indirect), data or element segment,
   * memory (memory.size/grow/fill, first of memory.copy), tag, or the block
   * type of block/loop/if.
   */
  a = 0;
  /** Second index immediate: table of call_indirect, memory of memory.init/memarg, second of copy. */
  b = 0;
  /** memarg offset (loads and stores). Exact up to 2^53; larger offsets always trap at run time. */
  memOffset = 0;
  /** memarg alignment exponent (loads and stores). */
  memAlign = 0;
  /** Nesting depth after this operator (0 = function level; -1 after the final `end`). */
  depth = 0;
  /** br_table targets (label depths), valid when `op.imm === Imm.brTable`; the last is the default. */
  readonly targets: number[] = [];

  constructor(code: Uint8Array) {
    this.r = new ByteReader(code);
  }

  /** Decodes the next operator; false once the final `end` has been read. */
  next(): boolean {
    const r: ByteReader = this.r;
    if (this.depth < 0) {
      return false;
    }
    if (r.eof) r.fail('function body must end with the `end` opcode');
    this.start = r.pos;
    const byte = r.u8();
    let op: OpInfo | undefined;
    if (byte === PREFIX_FC) {
      this.prefix = byte;
      this.code = r.u32();
      op = OPS_FC[this.code];
    } else if (byte === PREFIX_FD) {
      this.prefix = byte;
      this.code = r.u32();
      op = OPS_FD[this.code];
    } else {
      this.prefix = 0;
      this.code = byte;
      op = OPS[byte];
      if (op === undefined && byte === PREFIX_FE_THREADS) {
        r.fail(`threads and atomics are not supported on the IC: atomic instruction 0xfe 0x${r.u32().toString(16)}`, this.start);
      }
      if (op === undefined && byte === PREFIX_FB_GC) r.fail('garbage collection instructions are not supported (0xfb prefix)', this.start);
    }
    if (op === undefined) {
      const name = this.prefix ? `0x${this.prefix.toString(16)} 0x${this.code.toString(16)}` : `0x${byte.toString(16).padStart(2, '0')}`;
      r.fail(`unknown opcode ${name}`, this.start);
    }
    this.op = op;
    this.immStart = r.pos;
    this.readImmediates(op.imm);
    this.end = r.pos;
    this.trackDepth();
    return true;
  }

  /** True when the body was read through its final `end` with no bytes left. */
  get finished(): boolean {
    return this.depth < 0 && this.r.eof;
  }

  private trackDepth(): void {
    if (this.prefix !== 0) return;
    switch (this.code) {
      case 0x02: case 0x03: case 0x04: case 0x06: case 0x1f:
        this.depth++;
        break;
      case 0x0b: case 0x18: // end, delegate
        this.depth--;
        if (this.depth < 0 && !this.r.eof) this.r.fail('operators remaining after the end of the function');
        break;
    }
  }

  private readImmediates(imm: Imm): void {
    const r: ByteReader = this.r;
    switch (imm) {
      case Imm.none:
        return;
      case Imm.blockType: {
        const bt = r.s33();
        if (bt < 0 && bt !== EMPTY_BLOCK && !BLOCK_VALTYPES.has(bt)) r.fail('invalid or unsupported block type', this.immStart);
        this.a = bt;
        return;
      }
      case Imm.label: case Imm.func: case Imm.local: case Imm.global: case Imm.table:
      case Imm.tag: case Imm.data: case Imm.elem: case Imm.typeIndex: case Imm.memory:
        this.a = r.u32();
        return;
      case Imm.brTable: {
        const n = r.count(1);
        const t = this.targets;
        t.length = 0;
        for (let i = 0; i <= n; i++) t.push(r.u32());
        this.a = t[n];
        return;
      }
      case Imm.callIndirect: case Imm.dataMemory: case Imm.memoryMemory: case Imm.elemTable: case Imm.tableTable:
        this.a = r.u32();
        this.b = r.u32();
        return;
      case Imm.memarg: case Imm.memargLane: {
        let align = r.u32();
        this.b = 0;
        if ((align & 0x40) !== 0) {
          align &= ~0x40;
          this.b = r.u32();
        }
        if (align >= 64) r.fail('malformed memop alignment', this.immStart);
        this.memAlign = align;
        const at = r.pos;
        let off = 0;
        let mul = 1;
        for (let i = 0; ; i++) {
          const byte = r.u8();
          if (i === 9 && (byte & 0xfe) !== 0) r.fail('memarg offset too large', at);
          off += (byte & 0x7f) * mul;
          mul *= 128;
          if ((byte & 0x80) === 0) break;
          if (i === 9) r.fail('memarg offset representation too long', at);
        }
        this.memOffset = off;
        if (imm === Imm.memargLane) this.a = r.u8();
        return;
      }
      case Imm.i32:
        this.a = r.s32();
        return;
      case Imm.i64:
        r.skipLeb(10);
        return;
      case Imm.f32:
        r.skip(4);
        return;
      case Imm.f64:
        r.skip(8);
        return;
      case Imm.v128: case Imm.shuffle:
        r.skip(16);
        return;
      case Imm.lane:
        this.a = r.u8();
        return;
      case Imm.selectT: {
        const n = r.count(1);
        if (n !== 1) r.fail('invalid result arity for select', this.immStart);
        readValTypeCode(r);
        return;
      }
      case Imm.heapType: {
        const ht = r.u8();
        if (ht !== 0x70 && ht !== 0x6f) r.fail('unsupported heap type in ref.null', this.immStart);
        this.a = ht;
        return;
      }
      case Imm.tryTable: {
        r.s33();
        const n = r.count(2);
        for (let i = 0; i < n; i++) {
          const kind = r.u8();
          if (kind > 3) r.fail('invalid catch clause kind', this.immStart);
          if (kind < 2) r.u32();
          r.u32();
        }
        return;
      }
    }
  }
}

/** Reads one value-type byte, rejecting the typed-reference forms of later proposals. */
export function readValTypeCode(r: ByteReader): number {
  const at = r.pos;
  const t = r.u8();
  switch (t) {
    case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x7b: case 0x70: case 0x6f:
      return t;
    case 0x63: case 0x64:
      return r.fail('typed function references are not supported', at);
    default:
      return r.fail(`invalid value type 0x${t.toString(16)}`, at);
  }
}
