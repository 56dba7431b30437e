// A small Wadler-style pretty printer (the layout algorithm of the Rust
// `pretty` crate that didc and dfx print with): a group is laid out on one
// line when it fits in the width together with what follows it up to the
// next line break, and broken otherwise.

export type Doc =
  | { readonly t: 'text'; readonly s: string }
  /** A line break; in flat mode the text `flat` (' ' for `line`, '' for `line_`). */
  | { readonly t: 'line'; readonly flat: string }
  | { readonly t: 'cat'; readonly ds: readonly Doc[] }
  | { readonly t: 'nest'; readonly n: number; readonly d: Doc }
  | { readonly t: 'group'; readonly d: Doc }
  /** `broken` in break mode, `flat` in flat mode (the crate's `flat_alt`). */
  | { readonly t: 'alt'; readonly broken: Doc; readonly flat: Doc };

export const nil: Doc = { t: 'cat', ds: [] };
export const line: Doc = { t: 'line', flat: ' ' };
export const line_: Doc = { t: 'line', flat: '' };
export const text = (s: string): Doc => ({ t: 'text', s });
export const cat = (...ds: Doc[]): Doc => ({ t: 'cat', ds });
export const nest = (n: number, d: Doc): Doc => ({ t: 'nest', n, d });
export const group = (d: Doc): Doc => ({ t: 'group', d });

const INDENT = 2;

function isNil(d: Doc): boolean {
  return d.t === 'cat' && d.ds.every(isNil);
}

/** `left doc right`, broken as `left⏎  doc⏎right`; `left right` when empty. */
export function enclose(left: string, d: Doc, right: string, sep: Doc = line_): Doc {
  if (isNil(d)) return text(left + right);
  return group(cat(nest(INDENT, cat(text(left), sep, d)), sep, text(right)));
}

export function encloseSpace(left: string, d: Doc, right: string): Doc {
  return enclose(left, d, right, line);
}

/** Items separated by `sep`; when broken each item, the last too, ends with `sep`. */
export function concat(docs: readonly Doc[], sep: string): Doc {
  if (docs.length === 0) return nil;
  const parts: Doc[] = [];
  docs.forEach((d, i) => {
    if (i > 0) parts.push(text(sep), line);
    parts.push(d);
  });
  const single = cat(...parts);
  return { t: 'alt', broken: cat(single, text(sep)), flat: single };
}

type Cmd = readonly [indent: number, flat: boolean, doc: Doc];

export function render(doc: Doc, width = 80): string {
  const out: string[] = [];
  let col = 0;
  const stack: Cmd[] = [[0, false, doc]];
  while (stack.length > 0) {
    const [ind, flat, d] = stack.pop()!;
    switch (d.t) {
      case 'text':
        out.push(d.s);
        col += d.s.length;
        break;
      case 'line':
        if (flat) {
          out.push(d.flat);
          col += d.flat.length;
        } else {
          out.push('\n' + ' '.repeat(ind));
          col = ind;
        }
        break;
      case 'cat':
        for (let i = d.ds.length - 1; i >= 0; i--) stack.push([ind, flat, d.ds[i]!]);
        break;
      case 'nest':
        stack.push([ind + d.n, flat, d.d]);
        break;
      case 'alt':
        stack.push([ind, flat, flat ? d.flat : d.broken]);
        break;
      case 'group':
        stack.push([ind, flat || fits(width - col, [ind, true, d.d], stack), d.d]);
        break;
    }
  }
  // The crate trims no trailing spaces; neither do we, but lines never end with one here.
  return out.join('');
}

function fits(room: number, first: Cmd, rest: readonly Cmd[]): boolean {
  const local: Cmd[] = [first];
  let ri = rest.length - 1;
  while (room >= 0) {
    let cmd = local.pop();
    if (cmd === undefined) {
      if (ri < 0) return true;
      cmd = rest[ri--]!;
    }
    const [ind, flat, d] = cmd;
    switch (d.t) {
      case 'text':
        room -= d.s.length;
        break;
      case 'line':
        if (!flat) return true;
        room -= d.flat.length;
        break;
      case 'cat':
        for (let i = d.ds.length - 1; i >= 0; i--) local.push([ind, flat, d.ds[i]!]);
        break;
      case 'nest':
        local.push([ind + d.n, flat, d.d]);
        break;
      case 'alt':
        local.push([ind, flat, flat ? d.flat : d.broken]);
        break;
      case 'group':
        local.push([ind, flat, d.d]);
        break;
    }
  }
  return false;
}
