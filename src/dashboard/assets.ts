/**
 * The dashboard's static files (assets/: the page, its style sheet and ES
 * modules), served as they are — no build step — and read once. Only the
 * files listed here are served.
 */
import { readFileSync } from 'node:fs';

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/** The files of assets/ a browser may ask for. */
export const ASSET_NAMES: readonly string[] = ['dashboard.html', 'style.css', 'app.js', 'api.js', 'chart.js', 'format.js', 'overview.js', 'canister.js', 'dom.js', 'favicon.svg'];

/** A file to send. */
export interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

const cache = new Map<string, Asset>();

/** The asset `name` (one of {@link ASSET_NAMES}), or `undefined`. */
export function asset(name: string): Asset | undefined {
  if (!ASSET_NAMES.includes(name)) return undefined;
  let a = cache.get(name);
  if (a === undefined) {
    const ext = name.slice(name.lastIndexOf('.') + 1);
    a = { contentType: TYPES[ext], body: readFileSync(new URL(`./assets/${name}`, import.meta.url)) };
    cache.set(name, a);
  }
  return a;
}
