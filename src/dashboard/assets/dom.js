// Building DOM nodes: h('td', { class: 'r', title: '…' }, 'text', child).

/** An element with attributes (`class`, `title`, `data-*`, `href`…; `null`/`undefined` skipped) and children (strings or nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Sets an element's text (and its title when given), touching the DOM only on change. */
export function setText(el, text, title) {
  if (el.textContent !== text) el.textContent = text;
  if (title !== undefined && el.title !== title) el.title = title;
}

/** A stat tile: `{ el, value, hint }`. */
export function tile(label, id, hint = '') {
  const value = h('div', { class: 'value', id }, '–');
  const hintEl = h('div', { class: 'hint' }, hint);
  return { el: h('div', { class: 'card tile' }, h('div', { class: 'label' }, label), value, hintEl), value, hint: hintEl };
}

/** A chart card: `{ el, box, now }` (the chart goes into `box`, the latest value into `now`). */
export function chartCard(title, id) {
  const now = h('span', { class: 'now' });
  const box = h('div', { class: 'chart-box', id });
  return { el: h('section', { class: 'card chart-card' }, h('header', {}, h('span', { class: 'title' }, title), now), box), box, now };
}
