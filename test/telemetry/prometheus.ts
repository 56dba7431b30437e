// A strict parser of Prometheus' text exposition format 0.0.4, for tests:
// every sample belongs to a family declared by `# TYPE` before it, a
// family's lines are contiguous, names and labels are well formed, values
// are floats, no series repeats, and histograms are consistent (`le` on
// every bucket, cumulative counts, a `+Inf` bucket equal to `_count`).
// Anything else is an error naming the line.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: MetricType;
  help: string | undefined;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: [''], gauge: [''], untyped: [''], histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'],
};

/** A float as Prometheus reads it (Go's `strconv.ParseFloat`: NaN and Inf in any case — prom-client writes `Nan`). */
function parseValue(text: string, where: string): number {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special !== null) return special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

function unescape(text: string, quotes: boolean, where: string): string {
  return text.replace(/\\(.)/g, (_m, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quotes) return '"';
    throw new Error(`${where}: bad escape \\${c}`);
  });
}

/** `{a="x",b="y"}` at the start of `text`: the labels and the rest of the line. */
function parseLabels(text: string, where: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: unterminated labels`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`${where}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label ${name} value not quoted`);
    let j = eq + 2;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    if (j >= text.length) throw new Error(`${where}: unterminated label value`);
    labels[name] = unescape(text.slice(eq + 2, j), true, where);
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`${where}: expected , or } after label ${name}`);
  }
}

/** Parses `text` (see the module header). @throws {Error} naming the first bad line. */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seriesSeen = new Set<string>();
  let current: Family | undefined;
  const closed = new Set<string>();
  const pendingHelp = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the text does not end with a newline');
  for (const [n, line] of lines.slice(0, -1).entries()) {
    const where = `line ${n + 1}`;
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m === null) continue; // a comment
      const [, kind, name, rest] = m;
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name ${JSON.stringify(name)}`);
      if (closed.has(name)) throw new Error(`${where}: family ${name} is not contiguous`);
      if (current !== undefined && current.name !== name) {
        closed.add(current.name);
        current = undefined;
      }
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`${where}: bad type ${JSON.stringify(rest)}`);
        if (families.has(name)) throw new Error(`${where}: TYPE of ${name} twice`);
        const help = pendingHelp.get(name);
        current = { name, type: rest as MetricType, help, samples: [] };
        families.set(name, current);
      } else {
        const family = families.get(name);
        if (family !== undefined) {
          if (family.help !== undefined) throw new Error(`${where}: HELP of ${name} twice`);
          family.help = unescape(rest, false, where);
        } else {
          if (pendingHelp.has(name)) throw new Error(`${where}: HELP of ${name} twice`);
          pendingHelp.set(name, unescape(rest, false, where));
        }
      }
      continue;
    }
    const brace = line.search(/[{ ]/);
    if (brace < 0) throw new Error(`${where}: no value`);
    const name = line.slice(0, brace);
    if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name ${JSON.stringify(name)}`);
    let labels: Record<string, string> = {};
    let rest = line.slice(brace);
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, where));
    const parts = rest.trim().split(/\s+/);
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) throw new Error(`${where}: expected " value [timestamp]"`);
    const value = parseValue(parts[0], where);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`${where}: bad timestamp`);
    if (current === undefined || !SUFFIXES[current.type].some((s) => name === current?.name + s)) {
      throw new Error(`${where}: sample ${name} outside its family's TYPE (current: ${current?.name ?? 'none'})`);
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seriesSeen.has(key)) throw new Error(`${where}: series ${key} twice`);
    seriesSeen.add(key);
    current.samples.push({ name, labels, value });
  }
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}
/** Buckets by the other labels: each has `le`, counts cumulative, `+Inf` equal to `_count`. */
function checkHistogram(f: Family): void {
  const groups = new Map<string, { le: number; value: number }[]>();
  const counts = new Map<string, number>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${f.name}: a bucket without le`);
      const list = groups.get(key) ?? [];
      list.push({ le: parseValue(le, f.name), value: s.value });
      groups.set(key, list);
    } else if (s.name.endsWith('_count')) counts.set(key, s.value);
  }
  for (const [key, buckets] of groups) {
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i].le > buckets[i - 1].le)) throw new Error(`${f.name}${key}: buckets not in increasing le`);
      if (buckets[i].value < buckets[i - 1].value) throw new Error(`${f.name}${key}: bucket counts not cumulative`);
    }
    const inf = buckets.at(-1);
    if (inf?.le !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    if (counts.get(key) !== inf.value) throw new Error(`${f.name}${key}: +Inf bucket ${inf.value} ≠ _count ${counts.get(key)}`);
  }
}

/** The value of `name` with exactly `labels` (default none), or undefined. */
export function valueOf(families: ReadonlyMap<string, Family>, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      const keys = Object.keys(s.labels);
      if (keys.length === Object.keys(labels).length && keys.every((k) => s.labels[k] === labels[k])) return s.value;
    }
  }
  return undefined;
}
