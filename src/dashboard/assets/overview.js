// /_/dashboard: the subnet at a glance — tiles, live charts of the last two
// minutes of rounds, and the canisters table.
import { getJson, listen } from './api.js';
import { LineChart } from './chart.js';
import { chartCard, h, setText, tile } from './dom.js';
import * as fmt from './format.js';

const WINDOW_MS = 120_000;

/** Rounds (RoundSample JSON, by height) → per-second points of the three charts. */
function seriesOf(rounds) {
  const buckets = [];
  for (const r of rounds) {
    const key = Math.floor(r.endedAtMs / 1000);
    const b = buckets[buckets.length - 1];
    if (b !== undefined && b.key === key) {
      b.last = r;
      b.n += 1;
      b.instructions += Number(r.instructions);
      b.executions += r.executions;
      b.queued = Math.max(b.queued, r.queuedMessages);
    } else {
      buckets.push({ key, last: r, n: 1, instructions: Number(r.instructions), executions: r.executions, queued: r.queuedMessages });
    }
  }
  const rate = [];
  const instructions = [];
  const queued = [];
  const executed = [];
  // The second in progress is left out until it is complete (its figures would jump).
  const complete = buckets.length > 0 && buckets[buckets.length - 1].key >= Math.floor(Date.now() / 1000) ? buckets.length - 1 : buckets.length;
  for (let i = 0; i < complete; i++) {
    const b = buckets[i];
    const t = b.last.endedAtMs;
    instructions.push({ t, v: b.instructions / b.n });
    queued.push({ t, v: b.queued });
    if (i === 0) continue;
    const p = buckets[i - 1].last;
    const dt = (t - p.endedAtMs) / 1000;
    if (dt <= 0) continue;
    const perSecond = (Number(b.last.height) - Number(p.height)) / dt;
    rate.push({ t, v: perSecond });
    // The events sample the rounds (≤ 10/s): executions per second = the mean per round seen × rounds per second.
    executed.push({ t, v: (b.executions / b.n) * perSecond });
  }
  return { rate, instructions, queued, executed };
}

function statusPill(status) {
  return h('span', { class: `pill ${status}` }, status);
}

function canisterRow(c, fresh) {
  const href = `/_/dashboard/canister/${encodeURIComponent(c.id)}`;
  return h('tr', { 'data-id': c.id, class: fresh ? 'fresh' : null },
    h('td', {}, h('a', { class: 'mono', href }, c.id), fmt.knownName(c.id) === undefined ? null : h('span', { class: 'tag' }, fmt.knownName(c.id))),
    h('td', {}, statusPill(c.status)),
    h('td', { class: 'r num', title: fmt.fullCycles(c.cycles) }, fmt.cycles(c.cycles)),
    h('td', { class: 'r num', title: fmt.fullBytes(c.memoryBytes) }, fmt.bytes(c.memoryBytes)),
    h('td', {}, c.moduleHash === null
      ? h('span', { class: 'pill empty-module' }, 'empty')
      : h('span', { class: 'mono', title: c.moduleHash }, fmt.shortHash(c.moduleHash))),
    h('td', { class: 'muted', title: c.controllers.join('\n') },
      c.controllers.length === 0 ? 'none' : h('span', { class: 'mono' }, fmt.shortPrincipal(c.controllers[0])),
      c.controllers.length > 1 ? ` +${c.controllers.length - 1}` : null),
  );
}

/** Renders the overview into `main`. */
export function overview(main) {
  const t = {
    height: tile('Height', 'tile-height', 'committed rounds'),
    rate: tile('Round rate', 'tile-rate', 'rounds per second'),
    instr: tile('Instructions / round', 'tile-instructions', 'mean over 10 s'),
    pool: tile('Ingress pool', 'tile-ingress', 'messages waiting'),
    queued: tile('Queued messages', 'tile-queued', 'waiting to execute'),
    canisters: tile('Canisters', 'tile-canisters', ''),
    uptime: tile('Uptime', 'tile-uptime', ''),
  };
  const c1 = chartCard('Round rate', 'chart-rounds');
  const c2 = chartCard('Instructions per round', 'chart-instructions');
  const c3 = chartCard('Messages', 'chart-messages');
  const legend = { executed: h('b', {}, '0'), queued: h('b', {}, '0') };
  c3.now.replaceChildren(
    h('span', { class: 'key' }, h('i', { class: 'dot', style: 'background: var(--s4)' }), legend.executed, ' executed/s'),
    h('span', { class: 'key' }, h('i', { class: 'dot', style: 'background: var(--s3)' }), legend.queued, ' queued'));
  const tbody = h('tbody', { id: 'canister-rows' });
  const empty = h('div', { class: 'empty', id: 'canisters-empty' },
    'No canisters yet. Deploy one with ', h('code', {}, 'ic-exec deploy'), ' or any agent pointed at this replica.');
  const table = h('table', { id: 'canisters' },
    h('thead', {}, h('tr', {},
      h('th', {}, 'Canister'), h('th', {}, 'Status'), h('th', { class: 'r' }, 'Cycles'), h('th', { class: 'r' }, 'Memory'),
      h('th', {}, 'Module hash'), h('th', {}, 'Controllers'))),
    tbody);
  const countNote = h('span', { class: 'muted', id: 'canisters-count' });
  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', {}, 'Subnet'), h('span', { class: 'sub mono', id: 'subnet-id' })),
    h('div', { class: 'tiles' }, Object.values(t).map((x) => x.el)),
    h('div', { class: 'section' }, h('div', { class: 'charts' }, c1.el, c2.el, c3.el)),
    h('div', { class: 'section' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Canisters'), countNote),
      h('div', { class: 'card table-card' }, table, empty)),
  );
  const charts = {
    rate: new LineChart(c1.box, { color: '--s1', format: (v) => fmt.count(v), tipFormat: (v) => `${fmt.rate(v)} rounds/s`, windowMs: WINDOW_MS, gapMs: 5000 }),
    instructions: new LineChart(c2.box, { color: '--s2', format: (v) => fmt.count(v), tipFormat: (v) => `${fmt.count(v)} instructions`, windowMs: WINDOW_MS, gapMs: 5000 }),
    messages: new LineChart(c3.box, { color: '--s4', format: (v) => fmt.count(v), windowMs: WINDOW_MS, gapMs: 5000 }),
  };

  let rounds = [];
  let status;
  let known;
  const redraw = () => {
    const s = seriesOf(rounds);
    charts.rate.setPoints(s.rate);
    charts.instructions.setPoints(s.instructions);
    charts.messages.setSeries([
      { points: s.executed, color: '--s4', label: 'executed/s' },
      { points: s.queued, color: '--s3', label: 'queued' },
    ]);
    const last = (a) => (a.length === 0 ? undefined : a[a.length - 1].v);
    setText(c1.now, last(s.rate) === undefined ? '' : `${fmt.rate(last(s.rate))} /s`);
    setText(c2.now, last(s.instructions) === undefined ? '' : fmt.count(last(s.instructions)));
    setText(legend.executed, fmt.count(Math.round(last(s.executed) ?? 0)));
    setText(legend.queued, fmt.count(last(s.queued) ?? 0));
  };
  const showHeight = () => {
    const fromRounds = rounds.length > 0 ? BigInt(rounds[rounds.length - 1].height) : 0n;
    const fromStatus = status === undefined ? 0n : BigInt(status.height);
    const hgt = fromRounds > fromStatus ? fromRounds : fromStatus;
    setText(t.height.value, fmt.integer(hgt), `height ${hgt}`);
  };
  const showStatus = () => {
    if (status === undefined) return;
    setText(document.getElementById('subnet-id'), status.subnetId);
    showHeight();
    setText(t.rate.value, fmt.rate(status.roundsPerSecond));
    setText(t.instr.value, fmt.count(status.instructionsPerRound), `${fmt.integer(status.instructionsPerRound)} instructions`);
    setText(t.pool.value, fmt.integer(status.ingressPool));
    setText(t.canisters.value, fmt.integer(status.canisters));
    setText(t.canisters.hint, status.dataDir === null ? 'state in memory' : `state in ${status.dataDir}`, status.dataDir ?? '');
    setText(t.uptime.value, fmt.duration(status.uptimeMs));
  };
  const showCanisters = (list) => {
    const fresh = known !== undefined;
    const before = known ?? new Set();
    known = new Set(list.canisters.map((c) => c.id));
    tbody.replaceChildren(...list.canisters.map((c) => canisterRow(c, fresh && !before.has(c.id))));
    empty.style.display = list.canisters.length === 0 ? '' : 'none';
    table.style.display = list.canisters.length === 0 ? 'none' : '';
    setText(countNote, list.canisters.length === 1 ? '1 canister' : `${fmt.integer(list.canisters.length)} canisters`);
    if (status !== undefined) {
      status.canisters = list.canisters.length;
      setText(t.canisters.value, fmt.integer(status.canisters));
    }
  };
  const loadStatus = async () => {
    const r = await getJson('/_/api/status');
    if (r.ok) {
      status = r.body;
      showStatus();
    }
  };
  const loadCanisters = async () => {
    const r = await getJson('/_/api/canisters');
    if (r.ok) showCanisters(r.body);
  };
  const loadRounds = async () => {
    const r = await getJson('/_/api/rounds?limit=1500');
    if (r.ok) {
      rounds = r.body.rounds;
      if (rounds.length > 0) setText(t.queued.value, fmt.integer(rounds[rounds.length - 1].queuedMessages));
      redraw();
      showHeight();
    }
  };
  const onRound = (r) => {
    if (rounds.length > 0 && BigInt(r.height) <= BigInt(rounds[rounds.length - 1].height)) return;
    rounds.push(r);
    const cutoff = Date.now() - WINDOW_MS - 10_000;
    while (rounds.length > 0 && rounds[0].endedAtMs < cutoff) rounds.shift();
    setText(t.queued.value, fmt.integer(r.queuedMessages));
    showHeight();
    redraw();
  };
  listen({ round: onRound, canisters: showCanisters }, () => {
    void loadStatus();
    void loadRounds();
  });
  void loadStatus();
  void loadCanisters();
  void loadRounds();
  setInterval(loadStatus, 2000);
  setInterval(loadCanisters, 5000);
  setInterval(() => Object.values(charts).forEach((c) => c.request()), 1000);
}
