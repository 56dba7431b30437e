// /_/dashboard/canister/<id>: one canister — status, module, controllers,
// settings, cycles and memory over time, recent logs (refreshed every 2 s).
import { getJson, listen } from './api.js';
import { LineChart } from './chart.js';
import { chartCard, h, setText, tile } from './dom.js';
import * as fmt from './format.js';

const REFRESH_MS = 2000;
const LOG_LIMIT = 200;

function kv(rows) {
  return h('dl', {}, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function seconds(text) {
  const s = Number(text);
  if (s % 86400 === 0 && s > 0) return `${fmt.integer(s / 86400)} days`;
  return `${fmt.integer(text)} s`;
}

function details(c) {
  const s = c.settings;
  return kv([
    ['Status', h('span', { class: `pill ${c.status}` }, c.status)],
    ['Module hash', c.moduleHash === null ? h('span', { class: 'muted' }, 'no module installed') : h('span', { class: 'hash', id: 'module-hash' }, c.moduleHash)],
    ['Controllers', c.controllers.length === 0 ? h('span', { class: 'muted' }, 'none')
      : h('div', { class: 'chips' }, c.controllers.map((p) => h('span', { class: 'chip' }, p)))],
    ['Compute allocation', `${s.computeAllocation} %`],
    ['Memory allocation', s.memoryAllocation === '0' ? h('span', { class: 'muted' }, 'best effort') : h('span', { title: fmt.fullBytes(s.memoryAllocation) }, fmt.bytes(s.memoryAllocation))],
    ['Freezing threshold', h('span', { title: `${fmt.integer(s.freezingThreshold)} seconds` }, seconds(s.freezingThreshold))],
    ['Reserved cycles limit', h('span', { title: fmt.fullCycles(s.reservedCyclesLimit) }, fmt.cycles(s.reservedCyclesLimit))],
    ['Wasm memory limit', s.wasmMemoryLimit === '0' ? h('span', { class: 'muted' }, 'none') : h('span', { title: fmt.fullBytes(s.wasmMemoryLimit) }, fmt.bytes(s.wasmMemoryLimit))],
    ['Log visibility', s.logVisibility],
  ]);
}

function logLine(r) {
  return h('div', { class: 'line' },
    h('span', { class: 'idx' }, r.idx),
    h('span', { class: 'ts', title: fmt.dateTime(r.timestampNanos) }, fmt.clockTime(r.timestampNanos)),
    h('span', { class: r.content.startsWith('[TRAP]') ? 'msg trap' : 'msg' }, r.content));
}

/** The notice shown while the canister does not exist (it may be created later: the page keeps looking). */
function notFound(id) {
  const text = h('p', { class: 'muted' }, `No canister ${id} on this subnet.`);
  const el = h('div', { class: 'card notice', id: 'not-found', style: 'display: none' },
    h('h1', {}, 'Canister not found'), text,
    h('p', {}, h('a', { href: '/_/dashboard' }, '← back to the subnet')));
  return { el, text };
}

/** Renders the page of canister `id` into `main`. */
export function canisterPage(main, id) {
  const t = {
    cycles: tile('Cycles', 'tile-cycles', ''),
    memory: tile('Memory', 'tile-memory', 'charged usage'),
    module: tile('Module', 'tile-module', ''),
    controllers: tile('Controllers', 'tile-controllers', ''),
  };
  const cc = chartCard('Cycles', 'chart-cycles');
  const cm = chartCard('Memory', 'chart-memory');
  const pill = h('span', { class: 'pill', id: 'canister-status' });
  const info = h('div', { class: 'card kv', id: 'canister-details' });
  const logs = h('div', { class: 'logs', id: 'logs' }, h('div', { class: 'none' }, 'loading…'));
  const logNote = h('span', { class: 'muted' });
  const missing = notFound(id);
  const content = h('div', { id: 'canister-page', style: 'display: none' });
  main.replaceChildren(missing.el, content);
  content.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', { class: 'mono', id: 'canister-id' }, id), pill,
      fmt.knownName(id) === undefined ? null : h('span', { class: 'sub' }, fmt.knownName(id))),
    h('div', { class: 'tiles' }, Object.values(t).map((x) => x.el)),
    h('div', { class: 'section grid-2' },
      h('div', { class: 'charts', style: 'grid-template-columns: 1fr' }, cc.el, cm.el),
      info),
    h('div', { class: 'section' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Logs'), logNote),
      logs),
  );
  const timeLabel = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const charts = {
    cycles: new LineChart(cc.box, { color: '--s1', zero: false, format: (v, span) => fmt.cyclesAxis(v, span), tipFormat: (v) => fmt.fullCycles(BigInt(Math.round(v))), timeLabel, gapMs: 30_000 }),
    memory: new LineChart(cm.box, { color: '--s4', unit: 1024 * 1024, format: (v) => fmt.bytes(BigInt(Math.round(v))), tipFormat: (v) => fmt.bytes(BigInt(Math.round(v))), timeLabel, gapMs: 30_000 }),
  };
  // Without the server's series (no telemetry), the page keeps what it saw itself.
  const seen = { cycles: [], memory: [] };
  let lastLogIdx;

  const showDetail = (c) => {
    document.title = `${c.id} · ic-exec`;
    pill.className = `pill ${c.status}`;
    setText(pill, c.status);
    setText(t.cycles.value, fmt.cycles(c.cycles), fmt.fullCycles(c.cycles));
    setText(t.cycles.hint, fmt.fullCycles(c.cycles));
    setText(t.memory.value, fmt.bytes(c.memoryBytes), fmt.fullBytes(c.memoryBytes));
    setText(t.module.value, c.moduleHash === null ? 'empty' : fmt.shortHash(c.moduleHash), c.moduleHash ?? 'no module installed');
    setText(t.module.hint, c.moduleHash === null ? 'no module installed' : 'SHA-256 of the module');
    setText(t.controllers.value, String(c.controllers.length));
    setText(t.controllers.hint, c.controllers.map(fmt.shortPrincipal).join(', '), c.controllers.join('\n'));
    info.replaceChildren(details(c));
    const now = Date.now();
    seen.cycles.push({ t: now, v: Number(c.cycles) });
    seen.memory.push({ t: now, v: Number(c.memoryBytes) });
    for (const a of Object.values(seen)) if (a.length > 600) a.shift();
    const fromServer = c.series.length > 1;
    charts.cycles.setPoints(fromServer ? c.series.map((s) => ({ t: s.atMs, v: Number(s.cycles) })) : seen.cycles);
    charts.memory.setPoints(fromServer ? c.series.map((s) => ({ t: s.atMs, v: Number(s.memoryBytes) })) : seen.memory);
    setText(cc.now, fmt.cycles(c.cycles));
    setText(cm.now, fmt.bytes(c.memoryBytes));
  };
  const showLogs = (records) => {
    const newest = records.length === 0 ? undefined : records[records.length - 1].idx;
    setText(logNote, records.length === 0 ? 'auto-refresh' : `${records.length === LOG_LIMIT ? 'last ' : ''}${records.length} record${records.length === 1 ? '' : 's'} · auto-refresh`);
    if (newest === lastLogIdx && logs.dataset.loaded === '1') return;
    lastLogIdx = newest;
    logs.dataset.loaded = '1';
    const atBottom = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 8;
    logs.replaceChildren(...(records.length === 0
      ? [h('div', { class: 'none' }, 'No log records yet (debug_print and traps appear here).')]
      : records.map(logLine)));
    if (atBottom || logs.dataset.scrolled !== '1') {
      logs.scrollTop = logs.scrollHeight;
      logs.dataset.scrolled = '1';
    }
  };
  const path = `/_/api/canisters/${encodeURIComponent(id)}`;
  const load = async () => {
    const [d, l] = await Promise.all([getJson(path), getJson(`${path}/logs?limit=${LOG_LIMIT}`)]);
    const absent = d.status === 404;
    missing.el.style.display = absent ? '' : 'none';
    content.style.display = absent ? 'none' : '';
    if (absent) setText(missing.text, d.body.error ?? `No canister ${id} on this subnet.`);
    if (d.ok) showDetail(d.body);
    if (l.ok) showLogs(l.body.records);
  };
  listen({ canisters: () => void load() }, () => void load());
  void load();
  setInterval(load, REFRESH_MS);
}
