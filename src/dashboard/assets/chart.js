// A small line chart on <canvas>: one or more series (the first with an
// area under its line), three horizontal grid lines with labels, time on
// the x axis (a sliding window ending now, or the span of the data), a
// hover read-out. Colours come from the page's CSS variables, so it follows
// the light/dark theme.

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** The smallest 1/2/2.5/5 × 10^k at or above `v` (an axis maximum). */
function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** An axis label without zero decimals: `2.50 MiB` → `2.5 MiB`, `200.0 T` → `200 T`. */
function tidy(text) {
  return text.replace(/\.(\d*?)0+(?=\D|$)/, (_m, kept) => (kept === '' ? '' : `.${kept}`));
}

/** `#rrggbb` with an alpha, as `rgba(…)` (canvas gradients need a plain colour). */
function withAlpha(color, alpha) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (m === null) return color;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}

/** The y range: from 0 to a round maximum, or (`zero: false`) around the data so small changes show. */
function yRange(values, opts) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) return [0, 1];
  if (opts.zero !== false) {
    const unit = opts.unit ?? 1;
    return [0, niceCeil((hi * 1.08) / unit) * unit];
  }
  const span = hi - lo > 0 ? hi - lo : Math.max(Math.abs(hi) * 0.002, 1);
  return [Math.max(0, lo - span * 0.25), hi + span * 0.25];
}

export class LineChart {
  /**
   * @param {HTMLElement} box the element the chart fills
   * @param {{ color: string, format: (v: number, span: number) => string, tipFormat?: (v: number) => string,
   *   windowMs?: number, gapMs?: number, unit?: number, zero?: boolean, timeLabel?: (t: number) => string }} opts
   *   `color` a CSS variable name (`--s1`); `windowMs` a sliding window ending now (else the data's span);
   *   `gapMs` breaks the line where points are further apart; `unit` the axis maximum is a round multiple of
   *   (1 MiB for bytes); `zero: false` fits the axis to the data instead of starting at 0
   */
  constructor(box, opts) {
    this.opts = opts;
    this.series = [];
    this.canvas = document.createElement('canvas');
    this.tip = document.createElement('div');
    this.tip.className = 'chart-tip';
    this.emptyLabel = document.createElement('div');
    this.emptyLabel.className = 'chart-empty';
    this.emptyLabel.textContent = 'waiting for data…';
    box.append(this.canvas, this.emptyLabel, this.tip);
    this.box = box;
    this.hover = undefined;
    this.pending = false;
    this.canvas.addEventListener('mousemove', (e) => {
      this.hover = e.offsetX;
      this.draw();
    });
    this.canvas.addEventListener('mouseleave', () => {
      this.hover = undefined;
      this.tip.style.opacity = '0';
      this.draw();
    });
    new ResizeObserver(() => this.request()).observe(box);
    // Colours are read when drawing: redraw when the system switches light/dark.
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.request());
  }

  /** One series: `[{ t: ms since the epoch, v: number }]`, oldest first, in the chart's colour. */
  setPoints(points) {
    this.setSeries([{ points, color: this.opts.color }]);
  }

  /** Several series: `[{ points, color, label? }]`; the first is filled and sets `data-points`. */
  setSeries(series) {
    this.series = series;
    const n = series.length === 0 ? 0 : series[0].points.length;
    this.canvas.dataset.points = String(n);
    this.emptyLabel.style.display = n === 0 ? '' : 'none';
    this.request();
  }

  /** Draws at the next animation frame (calls coalesce). */
  request() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    const { canvas, opts } = this;
    const dpr = window.devicePixelRatio || 1;
    const w = this.box.clientWidth;
    const h = this.box.clientHeight;
    if (w === 0 || h === 0) return;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const main = this.series[0]?.points ?? [];
    const now = Date.now();
    let t0;
    let t1;
    if (opts.windowMs !== undefined) {
      t1 = Math.max(now, main.length > 0 ? main[main.length - 1].t : now);
      t0 = t1 - opts.windowMs;
    } else {
      t0 = main.length > 0 ? main[0].t : now - 60_000;
      t1 = main.length > 0 ? main[main.length - 1].t : now;
      if (t1 - t0 < 1000) t0 = t1 - 1000;
    }
    const shown = this.series.map((s) => ({ ...s, points: s.points.filter((p) => p.t >= t0 - 1000) }));
    const [yMin, yMax] = yRange(shown.flatMap((s) => s.points.map((p) => p.v)), opts);
    g.font = `11px ${css('--sans')}`;
    const yLabels = [0, 0.5, 1].map((f) => [f, tidy(opts.format(yMin + (yMax - yMin) * f, yMax - yMin))]);
    const pad = { l: Math.ceil(Math.max(...yLabels.map(([, text]) => g.measureText(text).width))) + 14, r: 10, t: 8, b: 22 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    const x = (t) => pad.l + ((t - t0) / (t1 - t0)) * pw;
    const y = (v) => pad.t + ph - ((v - yMin) / (yMax - yMin)) * ph;
    const grid = css('--grid');
    const faint = css('--faint');
    // grid and y labels
    g.textBaseline = 'middle';
    g.strokeStyle = grid;
    g.lineWidth = 1;
    g.fillStyle = faint;
    g.textAlign = 'right';
    for (const [f, text] of yLabels) {
      const yy = Math.round(pad.t + ph - f * ph) + 0.5;
      g.beginPath();
      g.moveTo(pad.l, yy);
      g.lineTo(w - pad.r, yy);
      g.stroke();
      g.fillText(text, pad.l - 8, yy);
    }
    // x labels
    g.textBaseline = 'alphabetic';
    const xLabels = opts.windowMs !== undefined
      ? [[t0, `−${Math.round(opts.windowMs / 60_000)}m`], [t0 + (t1 - t0) / 2, `−${Math.round(opts.windowMs / 120_000)}m`], [t1, 'now']]
      : [[t0, (opts.timeLabel ?? String)(t0)], [t1, (opts.timeLabel ?? String)(t1)]];
    xLabels.forEach(([t, text], i) => {
      g.textAlign = i === 0 ? 'left' : i === xLabels.length - 1 ? 'right' : 'center';
      g.fillText(text, x(t), h - 5);
    });
    g.save();
    g.beginPath();
    g.rect(pad.l, pad.t - 2, pw + 2, ph + 4);
    g.clip();
    shown.forEach((s, i) => this.#line(g, s.points, css(s.color) || '#4f46e5', i === 0, x, y, y(yMin), pad.t, ph));
    g.restore();
    shown.forEach((s) => {
      const last = s.points[s.points.length - 1];
      if (last !== undefined) this.#dot(g, x(last.t), y(last.v), css(s.color));
    });
    this.#hoverReadout(g, shown, x, y, pad, ph, faint);
  }

  #line(g, points, color, filled, x, y, yBase, top, ph) {
    if (points.length === 0) return;
    const segments = [[]];
    for (let i = 0; i < points.length; i++) {
      if (i > 0 && this.opts.gapMs !== undefined && points[i].t - points[i - 1].t > this.opts.gapMs) segments.push([]);
      segments[segments.length - 1].push(points[i]);
    }
    const fill = g.createLinearGradient(0, top, 0, top + ph);
    fill.addColorStop(0, withAlpha(color, 0.28));
    fill.addColorStop(1, withAlpha(color, 0.02));
    for (const seg of segments) {
      const path = () => seg.forEach((p, i) => (i === 0 ? g.moveTo(x(p.t), y(p.v)) : g.lineTo(x(p.t), y(p.v))));
      if (filled) {
        g.beginPath();
        path();
        g.lineTo(x(seg[seg.length - 1].t), yBase);
        g.lineTo(x(seg[0].t), yBase);
        g.closePath();
        g.fillStyle = fill;
        g.fill();
      }
      g.beginPath();
      path();
      g.strokeStyle = color;
      g.lineWidth = filled ? 1.8 : 1.5;
      g.lineJoin = 'round';
      g.stroke();
    }
  }

  #hoverReadout(g, shown, x, y, pad, ph, faint) {
    const main = shown[0]?.points ?? [];
    if (this.hover === undefined || this.hover < pad.l || main.length === 0) return;
    let best = main[0];
    for (const p of main) if (Math.abs(x(p.t) - this.hover) < Math.abs(x(best.t) - this.hover)) best = p;
    const bx = x(best.t);
    g.strokeStyle = faint;
    g.setLineDash([3, 3]);
    g.beginPath();
    g.moveTo(Math.round(bx) + 0.5, pad.t);
    g.lineTo(Math.round(bx) + 0.5, pad.t + ph);
    g.stroke();
    g.setLineDash([]);
    const parts = [];
    shown.forEach((s, i) => {
      const near = i === 0 ? best : s.points.reduce((a, p) => (Math.abs(p.t - best.t) < Math.abs(a.t - best.t) ? p : a), s.points[0]);
      if (near === undefined) return;
      this.#dot(g, x(near.t), y(near.v), css(s.color));
      const text = (this.opts.tipFormat ?? this.opts.format)(near.v);
      parts.push(s.label === undefined ? text : `${text} ${s.label}`);
    });
    this.tip.textContent = `${parts.join(' · ')} · ${new Date(best.t).toLocaleTimeString()}`;
    this.tip.style.left = `${Math.min(Math.max(bx, 120), this.box.clientWidth - 120)}px`;
    this.tip.style.top = `${y(best.v)}px`;
    this.tip.style.opacity = '1';
  }

  #dot(g, cx, cy, color) {
    g.beginPath();
    g.arc(cx, cy, 3.5, 0, Math.PI * 2);
    g.fillStyle = css('--card');
    g.fill();
    g.lineWidth = 2;
    g.strokeStyle = color;
    g.stroke();
  }
}
