import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrometheusText, valueOf } from './prometheus.ts';

const GOOD = `# HELP a_total Things, with a \\\\ and a \\n.
# TYPE a_total counter
a_total{kind="x"} 3
a_total{kind="y\\"z"} 4.5

# TYPE b gauge
b -1e3 1700000000000
# TYPE lag gauge
lag{q="a"} Nan
lag{q="b"} -Inf
# a comment
# TYPE h histogram
h_bucket{le="0.1"} 1
h_bucket{le="1"} 2
h_bucket{le="+Inf"} 3
h_sum 4.2
h_count 3
`;

describe('parsePrometheusText', () => {
  it('reads families, types, help, labels and values', () => {
    const f = parsePrometheusText(GOOD);
    assert.deepEqual([...f.keys()], ['a_total', 'b', 'lag', 'h']);
    assert.ok(Number.isNaN(valueOf(f, 'lag', { q: 'a' })), 'NaN in any case, as Prometheus reads it');
    assert.equal(valueOf(f, 'lag', { q: 'b' }), -Infinity);
    assert.equal(f.get('a_total')?.type, 'counter');
    assert.equal(f.get('a_total')?.help, 'Things, with a \\ and a \n.');
    assert.equal(valueOf(f, 'a_total', { kind: 'y"z' }), 4.5);
    assert.equal(valueOf(f, 'b'), -1000);
    assert.equal(valueOf(f, 'h_bucket', { le: '+Inf' }), 3);
    assert.equal(valueOf(f, 'nope'), undefined);
  });

  it('refuses what the format does not allow', () => {
    const bad: Record<string, string> = {
      'sample before TYPE': 'x 1\n',
      'sample of another family': '# TYPE a counter\nb 1\n',
      'family split': '# TYPE a counter\na 1\n# TYPE b gauge\nb 1\n# TYPE a counter\n',
      'bad value': '# TYPE a gauge\na one\n',
      'bad special value': '# TYPE a gauge\na nana\n',
      'bad label name': '# TYPE a gauge\na{1x="v"} 1\n',
      'unquoted label': '# TYPE a gauge\na{k=v} 1\n',
      'series twice': '# TYPE a gauge\na{k="v"} 1\na{k="v"} 2\n',
      'bad type': '# TYPE a meter\n',
      'no final newline': '# TYPE a gauge\na 1',
      'histogram not cumulative': '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n',
      'histogram +Inf ≠ count': '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n',
      'histogram without +Inf': '# TYPE h histogram\nh_bucket{le="1"} 2\nh_count 2\n',
      'bad escape': '# TYPE a gauge\na{k="\\t"} 1\n',
    };
    for (const [why, text] of Object.entries(bad)) assert.throws(() => parsePrometheusText(text), Error, why);
  });
});
