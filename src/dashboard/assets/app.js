// The dashboard's entry point: picks the view from the path and fills the
// top bar (crumbs, subnet id; the live indicator is api.js's).
import { getJson } from './api.js';
import { canisterPage } from './canister.js';
import { h } from './dom.js';
import { overview } from './overview.js';

const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');
const match = /^\/_\/dashboard\/canister\/([^/]+)\/?$/.exec(location.pathname);

if (match !== null) {
  const id = decodeURIComponent(match[1]);
  crumbs.replaceChildren(h('a', { href: '/_/dashboard' }, 'Subnet'), h('span', { class: 'sep' }, '/'), h('span', { class: 'here' }, id));
  canisterPage(main, id);
  void getJson('/_/api/status').then((r) => {
    if (r.ok) document.getElementById('subnet').textContent = r.body.subnetId;
  });
} else {
  overview(main);
}
