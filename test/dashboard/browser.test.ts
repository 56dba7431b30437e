// The dashboard in a real headless Chromium (Debian's, installed by
// scripts/setup.mjs) driven by Playwright (playwright-core, no browser
// download). Screenshots go to test-artifacts/dashboard/ (ignored by git).
//
// Test steps:
// 1. Open /_/dashboard on a fresh replica: the canisters table is empty,
//    the page says it is live (its event stream is open).
// 2. The round chart and the height move by themselves (rounds every
//    100 ms while idle).
// 3. Create and install a canister and have it print a line (through the
//    Replica, beside the page): its row appears without reloading, with
//    its status and the start of its module hash.
// 4. Follow its link: the canister page shows the full module hash and
//    the line it printed; in dark mode too.
// 5. No script error on any page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { proxyWasm } from '../replica/mgmt-proxy.ts';
import { CHROMIUM, browserSkipReason, serveDashboard } from './support.ts';
import type { ServedDashboard } from './support.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/dashboard/', import.meta.url));
const skip = browserSkipReason();

describe('dashboard in headless Chromium', { skip }, () => {
  let served: ServedDashboard;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  const number = async (selector: string): Promise<number> => Number((await page.locator(selector).textContent() ?? '').replace(/,/g, ''));

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    [served, browser] = await Promise.all([
      serveDashboard(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      }),
    ]);
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('shows the subnet with an empty canisters table, live', async () => {
    await page.goto(`${served.url}/_/dashboard`);
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
    await page.locator('#canisters-empty').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#canister-rows tr').count(), 0);
    assert.equal(await page.locator('#tile-canisters').textContent(), '0');
    await shot('overview-empty');
  });

  it('updates the round chart and the height by itself', async () => {
    await page.waitForFunction(() => Number(document.querySelector('#chart-rounds canvas')?.getAttribute('data-points') ?? 0) >= 1, undefined, { timeout: 10_000 });
    const points = Number(await page.locator('#chart-rounds canvas').getAttribute('data-points'));
    const height = await number('#tile-height');
    await page.waitForFunction(([p, h]) => Number(document.querySelector('#chart-rounds canvas')?.getAttribute('data-points')) > p
      && Number(document.querySelector('#tile-height')?.textContent?.replace(/,/g, '')) > h, [points, height], { timeout: 10_000 });
  });

  it('shows a deployed canister without reloading, then its page with the module hash and its log', async () => {
    const wasm = await proxyWasm();
    const hash = createHash('sha256').update(wasm).digest('hex');
    const id = await served.replica.createCanister();
    await served.replica.installCode(id, wasm);
    await served.replica.updateCall(id, 'print', new TextEncoder().encode('hello from the dashboard test'));
    const row = page.locator(`#canister-rows tr[data-id="${id.toText()}"]`);
    await row.waitFor({ timeout: 10_000 });
    await page.waitForFunction((h) => document.querySelector('#canister-rows')?.textContent?.includes(h.slice(0, 8)) === true, hash, { timeout: 10_000 });
    assert.match(await row.textContent() ?? '', /running/);
    assert.equal(await page.locator('#tile-canisters').textContent(), '1');
    await page.waitForTimeout(1500); // a little more chart for the screenshot
    await shot('overview');

    await row.locator('a').click();
    await page.waitForURL(`**/_/dashboard/canister/${id.toText()}`);
    await page.locator('#module-hash').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#module-hash').textContent(), hash);
    await page.locator('#logs', { hasText: 'hello from the dashboard test' }).waitFor({ timeout: 10_000 });
    await shot('canister');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(300);
    await shot('canister-dark');
  });

  it('had no script errors', () => {
    assert.deepEqual(errors, []);
  });
});
