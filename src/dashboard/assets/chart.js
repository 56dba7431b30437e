// A small line chart on <canvas>: an area under a line, three horizontal
// grid lines with labels, time on the x axis (a sliding window ending now,
// or the span of the data), a hover read-out. Colours come from the page's
// CSS variables, so it follows the light/dark theme.

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

export class LineChart {
  /**
   * @param {HTMLElement} box the element the chart fills
   * @param {{ color: string, format: (v: number) => string, windowMs?: number, gapMs?: number, timeLabel?: (t: number) => string }} opts
   *   `color` a CSS variable name (`--s1`); `windowMs` a sliding window ending now (else the data's span);
   *   `gapMs` breaks the line where points are further apart; `unit` the axis maximum is a round multiple of (1 MiB for bytes)
   */
  constructor(box, opts) {
    this.opts = opts;
    this.points = [];
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
  }

  /** Replaces the points: `[{ t: ms since the epoch, v: number }]`, oldest first. */
  setPoints(points) {
    this.points = points;
    this.canvas.dataset.points = String(points.length);
    this.emptyLabel.style.display = points.length === 0 ? '' : 'none';
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
    const pts = this.points;
    const now = Date.now();
    let t0;
    let t1;
    if (opts.windowMs !== undefined) {
      t1 = Math.max(now, pts.length > 0 ? pts[pts.length - 1].t : now);
      t0 = t1 - opts.windowMs;
    } else {
      t0 = pts.length > 0 ? pts[0].t : now - 60_000;
      t1 = pts.length > 0 ? pts[pts.length - 1].t : now;
      if (t1 - t0 < 1000) t0 = t1 - 1000;
    }
    let max = 0;
    for (const p of pts) if (p.t >= t0 && p.v > max) max = p.v;
    const unit = opts.unit ?? 1;
    const yMax = niceCeil((max * 1.08) / unit) * unit;
    g.font = `11px ${css('--sans')}`;
    const yLabels = [0, 0.5, 1].map((f) => [f, tidy(opts.format(yMax * f))]);
    const pad = { l: Math.ceil(Math.max(...yLabels.map(([, text]) => g.measureText(text).width))) + 14, r: 10, t: 8, b: 22 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    const x = (t) => pad.l + ((t - t0) / (t1 - t0)) * pw;
    const y = (v) => pad.t + ph - (v / yMax) * ph;
    const color = css(opts.color) || '#4f46e5';
    const grid = css('--grid');
    const faint = css('--faint');
    g.textBaseline = 'middle';
    // grid and y labels
    g.strokeStyle = grid;
    g.lineWidth = 1;
    g.fillStyle = faint;
    g.textAlign = 'right';
    for (const [f, text] of yLabels) {
      const yy = Math.round(y(yMax * f)) + 0.5;
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
    const visible = pts.filter((p) => p.t >= t0 - 1000);
    if (visible.length === 0) return;
    // segments (split at gaps)
    const segments = [[]];
    for (let i = 0; i < visible.length; i++) {
      if (i > 0 && opts.gapMs !== undefined && visible[i].t - visible[i - 1].t > opts.gapMs) segments.push([]);
      segments[segments.length - 1].push(visible[i]);
    }
    g.save();
    g.beginPath();
    g.rect(pad.l, pad.t - 2, pw + 2, ph + 4);
    g.clip();
    const fill = g.createLinearGradient(0, pad.t, 0, pad.t + ph);
    fill.addColorStop(0, withAlpha(color, 0.28));
    fill.addColorStop(1, withAlpha(color, 0.02));
    for (const seg of segments) {
      g.beginPath();
      seg.forEach((p, i) => (i === 0 ? g.moveTo(x(p.t), y(p.v)) : g.lineTo(x(p.t), y(p.v))));
      g.lineTo(x(seg[seg.length - 1].t), y(0));
      g.lineTo(x(seg[0].t), y(0));
      g.closePath();
      g.fillStyle = fill;
      g.fill();
      g.beginPath();
      seg.forEach((p, i) => (i === 0 ? g.moveTo(x(p.t), y(p.v)) : g.lineTo(x(p.t), y(p.v))));
      g.strokeStyle = color;
      g.lineWidth = 1.8;
      g.lineJoin = 'round';
      g.stroke();
    }
    g.restore();
    const last = visible[visible.length - 1];
    this.#dot(g, x(last.t), y(last.v), color);
    if (this.hover !== undefined && this.hover >= pad.l) {
      let best = visible[0];
      for (const p of visible) if (Math.abs(x(p.t) - this.hover) < Math.abs(x(best.t) - this.hover)) best = p;
      const bx = x(best.t);
      g.strokeStyle = faint;
      g.setLineDash([3, 3]);
      g.beginPath();
      g.moveTo(Math.round(bx) + 0.5, pad.t);
      g.lineTo(Math.round(bx) + 0.5, pad.t + ph);
      g.stroke();
      g.setLineDash([]);
      this.#dot(g, bx, y(best.v), color);
      this.tip.textContent = `${(opts.tipFormat ?? opts.format)(best.v)} · ${new Date(best.t).toLocaleTimeString()}`;
      this.tip.style.left = `${bx}px`;
      this.tip.style.top = `${y(best.v)}px`;
      this.tip.style.opacity = '1';
    }
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
