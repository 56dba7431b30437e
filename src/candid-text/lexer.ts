// The Candid lexer (spec: "Lexical Syntax"), shared by .did files and textual
// values: whitespace, `//` and nested `/* */` comments, identifiers and
// keywords, naturals (decimal or `0x` hex, `_` separators), floats, text
// literals with `\n \r \t \\ \" \'`, `\HH` bytes and `\u{X}` escapes.
// Every token keeps its offset so errors can say `line:col`.
import { CandidTextError } from './result.ts';

export type Token =
  | { readonly kind: 'id'; readonly text: string; readonly at: number }
  | { readonly kind: 'nat'; readonly text: string; readonly at: number } // decimal digits, no separators
  | { readonly kind: 'float'; readonly text: string; readonly at: number }
  | { readonly kind: 'text'; readonly bytes: Uint8Array; readonly at: number }
  | { readonly kind: 'punct'; readonly text: string; readonly at: number }
  | { readonly kind: 'eof'; readonly at: number };

/** `line:col` (1-based) of an offset. */
export function position(source: string, at: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < at && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `${line}:${col}`;
}

export function fail(source: string, at: number, message: string): never {
  throw new CandidTextError(`${position(source, at)}: ${message}`);
}

const PUNCT = ['->', '(', ')', '{', '}', ';', ',', ':', '=', '.', '+', '-'];
const MAX_TOKENS = 1_000_000;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (true) {
    i = skipTrivia(source, i);
    if (tokens.length > MAX_TOKENS) fail(source, i, 'input too large');
    if (i >= n) {
      tokens.push({ kind: 'eof', at: i });
      return tokens;
    }
    const c = source[i]!;
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 1024))!;
      tokens.push({ kind: 'id', text: m[0], at: i });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      i = lexNumber(source, i, tokens);
    } else if (c === '"') {
      i = lexText(source, i, tokens);
    } else {
      const p = PUNCT.find((q) => source.startsWith(q, i));
      if (p === undefined) fail(source, i, `unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: 'punct', text: p, at: i });
      i += p.length;
    }
  }
}

function skipTrivia(s: string, i: number): number {
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (s.startsWith('//', i)) {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (s.startsWith('/*', i)) {
      const start = i;
      let depth = 0;
      do {
        if (i >= s.length) fail(s, start, 'unterminated comment');
        if (s.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (s.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0);
    } else break;
  }
  return i;
}

function lexNumber(s: string, i: number, out: Token[]): number {
  const start = i;
  const hex = /^0x[0-9a-fA-F][0-9a-fA-F_]*/.exec(s.slice(i, i + 4096));
  if (hex !== null) {
    const digits = hex[0].slice(2).replaceAll('_', '');
    out.push({ kind: 'nat', text: BigInt('0x' + digits).toString(), at: start });
    return i + hex[0].length;
  }
  const m = /^[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9][0-9_]*)?/.exec(s.slice(i, i + 4096))!;
  const raw = m[0];
  // `1.` followed by an identifier would be `func "p".m`; a number never precedes `.name`.
  const isFloat = m[1] !== undefined || m[2] !== undefined;
  const text = raw.replaceAll('_', '');
  out.push({ kind: isFloat ? 'float' : 'nat', text, at: start });
  return i + raw.length;
}

function lexText(s: string, i: number, out: Token[]): number {
  const start = i;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  i++;
  while (true) {
    if (i >= s.length) fail(s, start, 'unterminated text literal');
    const c = s[i]!;
    if (c === '"') {
      i++;
      break;
    }
    if (c === '\\') {
      const e = s[i + 1];
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, '"': 34, "'": 39 };
      if (e !== undefined && e in simple) {
        bytes.push(simple[e]!);
        i += 2;
      } else if (e === 'u' && s[i + 2] === '{') {
        const m = /^\\u\{([0-9a-fA-F][0-9a-fA-F_]{0,8})\}/.exec(s.slice(i, i + 16));
        const cp = m === null ? -1 : parseInt(m[1]!.replaceAll('_', ''), 16);
        if (m === null || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail(s, i, 'invalid unicode escape');
        bytes.push(...enc.encode(String.fromCodePoint(cp)));
        i += m[0].length;
      } else if (e !== undefined && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 3;
      } else fail(s, i, 'invalid escape sequence in text literal');
    } else if (c.charCodeAt(0) < 0x80) {
      bytes.push(c.charCodeAt(0));
      i++;
    } else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...enc.encode(ch));
      i += ch.length;
    }
  }
  out.push({ kind: 'text', bytes: Uint8Array.from(bytes), at: start });
  return i;
}

/** The UTF-8 text of a literal, or an error at its position. */
export function textOf(source: string, t: Token & { kind: 'text' }): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(t.bytes);
  } catch {
    return fail(source, t.at, 'text literal is not valid UTF-8');
  }
}

/** A cursor over tokens with the helpers both parsers need. */
export class Cursor {
  readonly source: string;
  private readonly tokens: Token[];
  private i = 0;

  constructor(source: string) {
    this.source = source;
    this.tokens = tokenize(source);
  }

  peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === p;
  }

  isKeyword(w: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'id' && t.text === w;
  }

  eatPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.next();
    return true;
  }

  expectPunct(p: string): void {
    if (!this.eatPunct(p)) this.fail(`expected '${p}' but found ${describe(this.peek())}`);
  }

  fail(message: string, at = this.peek().at): never {
    return fail(this.source, at, message);
  }
}

export function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'text':
      return 'a text literal';
    case 'id':
    case 'punct':
      return `'${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}
