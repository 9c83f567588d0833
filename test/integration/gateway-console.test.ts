// The web console in a real headless browser (Debian's chromium driven by playwright-core): every page
// renders from the gateway's own APIs — topics with partitions, offsets and sizes; creating a topic;
// the message browser seeking by offset and time and decoding text/JSON/hex; live charts fed by the
// WebSocket stats stream; consumer groups. Screenshots go to $GREGOR_SCREENSHOT_DIR (docs/ for the
// README) or a temporary directory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { http, postJson, startGatewayBroker, WsClient, type GatewayBroker } from './gateway-helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('gateway web console in headless chromium', () => {
  let gw: GatewayBroker;
  let browser: BrowserContext;
  let page: Page;
  let userDir: string;
  const shots = process.env.GREGOR_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'gregor-shots-'));
  const shot = async (name: string) => {
    const path = join(shots, `console-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 5000, `${name} screenshot has content`);
  };

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    mkdirSync(shots, { recursive: true });
    gw = await startGatewayBroker({ 'num.partitions': 1 });
    await postJson(`${gw.http}/topics`, { name: 'payments', partitions: 3, configs: { 'retention.ms': '86400000' } });
    await postJson(`${gw.http}/topics/payments`, { records: Array.from({ length: 60 }, (_, i) => ({ key: `acct-${i % 7}`, value: { id: i, amount: (i * 37) % 500, currency: 'EUR' }, headers: { source: 'web' } })) });
    await postJson(`${gw.http}/topics`, { name: 'live-load', partitions: 4 });
    await postJson(`${gw.http}/topics/clicks/partitions/0`, { records: Array.from({ length: 25 }, (_, i) => ({ value: `click ${i} on /home`, timestamp: 1_700_000_000_000 + i * 60_000 })) });
    userDir = mkdtempSync(join(tmpdir(), 'gregor-chromium-'));
    // A fresh profile directory (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(userDir, {
      executablePath: CHROMIUM, headless: true, timeout: 60_000, viewport: { width: 1280, height: 800 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
    await gw?.broker.close();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  test('topics page lists topics with partitions, records and sizes, and creates a topic', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gw.http}/#/topics`);
    const row = page.locator('tr[data-topic="payments"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells[0], 'payments');
    assert.equal(cells[1], '3');
    assert.equal(cells[2], '60');
    assert.match(cells[4]!, /retention\.ms=86400000/);
    await row.click(); // partition details
    await page.locator('tr[data-partitions-of="payments"] >> text=High watermark').waitFor();
    assert.equal(await page.locator('tr[data-partitions-of="payments"] tbody tr').count(), 3, 'one row per partition');
    await page.fill('#new-topic-name', 'orders-from-console');
    await page.fill('#new-topic-partitions', '6');
    await page.click('#create-topic');
    await page.locator('#create-result.okc').waitFor();
    await page.locator('tr[data-topic="orders-from-console"]').waitFor();
    const created = await http('GET', `${gw.http}/topics/orders-from-console`);
    assert.equal(created.body.partitions.length, 6, 'created through the UI, visible through the API');
    await page.fill('#new-topic-name', 'payments');
    await page.click('#create-topic');
    await page.locator('#create-result.err').waitFor();
    assert.match(await page.locator('#create-result').textContent() ?? '', /TOPIC_ALREADY_EXISTS/);
    await page.fill('#new-topic-name', '');
    await shot('topics');
    assert.deepEqual(errors, []);
  });

  test('message browser seeks by offset and by time and decodes JSON and hex', async () => {
    await page.goto(`${gw.http}/#/browse?topic=payments`);
    await page.locator('#browse-partition option').first().waitFor({ state: 'attached' });
    await page.fill('#browse-at', '2');
    await page.selectOption('#browse-decode', 'json');
    await page.click('#browse-go');
    await page.locator('#browse-table tbody tr').first().waitFor();
    const first = await page.locator('#browse-table tbody tr').first().locator('td').allTextContents();
    assert.equal(first[0], '2');
    assert.match(first[3]!, /"currency": "EUR"/, 'pretty-printed JSON');
    assert.equal(first[4], 'source=web');
    await shot('browse');
    await page.selectOption('#browse-decode', 'hex');
    const hex = await page.locator('#browse-table tbody tr').first().locator('td').nth(3).textContent();
    assert.match(hex!, /^7b 22 69 64 22/, 'hex of {"id"');
    // Seek by time on another topic: records are a minute apart.
    await page.goto(`${gw.http}/#/browse?topic=clicks`);
    await page.locator('#browse-partition option').first().waitFor({ state: 'attached' });
    await page.selectOption('#browse-mode', 'timestamp');
    await page.fill('#browse-at', new Date(1_700_000_000_000 + 10 * 60_000).toISOString());
    await page.selectOption('#browse-decode', 'text');
    await page.click('#browse-go');
    await page.locator('#browse-table tbody tr').first().waitFor();
    const t = await page.locator('#browse-table tbody tr').first().locator('td').allTextContents();
    assert.equal(t[0], '10');
    assert.equal(t[3], 'click 10 on /home');
  });

  test('live page charts throughput and latency from the WebSocket stats stream', async () => {
    await page.goto(`${gw.http}/#/live`);
    // A WebSocket subscriber so that bytes flow out too.
    const sub = await WsClient.open(gw.ws);
    sub.send({ type: 'subscribe', topic: 'live-load', from: 'latest', credit: null });
    let stop = false;
    const load = (async () => {
      let i = 0;
      while (!stop) {
        await postJson(`${gw.http}/topics/live-load`, { records: Array.from({ length: 200 }, () => ({ key: `k${i++ % 50}`, value: 'x'.repeat(200) })) });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const state = () => page.evaluate('document.body.getAttribute("data-stats") + " " + document.getElementById("status").textContent + " " + document.getElementById("kpi-prodRate").textContent');
    try {
      // Functions passed as strings run in the page (this file is compiled without DOM types).
      await page.waitForFunction('Number(document.body.getAttribute("data-stats") || 0) >= 12', undefined, { timeout: 30_000 });
      await page.waitForFunction('/[1-9]/.test(document.getElementById("kpi-prodRate").textContent)', undefined, { timeout: 20_000 });
      const rate = await page.locator('#kpi-prodRate').textContent();
      assert.notEqual(rate, '–');
      await shot('live');
    } catch (e) {
      throw new Error(`${(e as Error).message}; page state: ${await state()}`);
    } finally {
      stop = true;
      await load;
      await sub.close();
    }
  });

  test('consumer groups page shows a group with committed offsets and lag per partition', async () => {
    // A WebSocket group member reads 20 records and commits them.
    const member = await WsClient.open(gw.ws);
    try {
      member.send({ type: 'subscribe', group: 'billing', topics: ['payments'], reset: 'earliest', credit: 20 });
      await member.until('20 records', () => member.records.length >= 20, 30_000);
      const acked: Record<string, number> = {};
      for (const r of member.records) acked[r.partition] = r.offset + 1;
      member.send({ type: 'ack', offsets: Object.entries(acked).map(([p, o]) => ({ topic: 'payments', partition: Number(p), offset: o })) });
      await member.until('committed', () => member.texts.some((t) => t.type === 'committed'));
      await page.goto(`${gw.http}/#/groups`);
      const card = page.locator('[data-group="billing"]');
      await card.waitFor();
      assert.equal(await card.locator('tbody tr').count(), 3, 'one row per partition');
      const text = await card.textContent();
      assert.match(text!, /total lag 40/, 'lag = 60 records - 20 committed');
      await shot('groups');
    } finally {
      await member.close();
    }
  });
});
