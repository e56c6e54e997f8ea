// Records shop.json: loads page.html in headless Chromium with rrweb's recorder (and its
// console plugin) injected, performs ~30 s of scripted shopping, and writes the events.
//   npm ci && node record.mjs
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const dist = here('node_modules/rrweb/dist/');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/lib/chromium/chromium-headless-shell',
  args: ['--no-sandbox', '--disable-gpu', '--hide-scrollbars'],
});
const page = await browser.newPage({ viewport: { width: 1024, height: 640 } });
// One script (Playwright wraps each in a function scope, so `var` globals do not cross
// scripts); each bundle ends in a `//# sourceMappingURL` line comment, hence the newlines.
const bundles = ['record/rrweb-record.min.js', 'plugins/console-record.min.js'];
const start = `
window.__events = [];
window.addEventListener('DOMContentLoaded', () => {
  rrwebRecord({
    emit: (e) => window.__events.push(e),
    sampling: { mousemove: 50 },
    plugins: [rrwebConsoleRecord.getRecordConsolePlugin({ level: ['error', 'warn'] })],
  });
});`;
await page.addInitScript({
  content: bundles.map((name) => readFileSync(dist + name, 'utf8')).join('\n;\n') + '\n' + start,
});
await page.goto('file://' + here('page.html'));

const wait = (ms) => page.waitForTimeout(ms);
async function moveTo(selector) {
  const box = await page.locator(selector).boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 15 });
  await wait(300);
}
async function clickOn(selector) {
  await moveTo(selector);
  await page.mouse.down();
  await page.mouse.up();
  await wait(1200);
}

await wait(1500);
await clickOn('#add-mug');
await clickOn('#add-shirt');
await page.mouse.move(500, 400, { steps: 20 });
await wait(800);
await clickOn('#add-lamp');
await page.mouse.wheel(0, 300);
await wait(1200);
await page.mouse.wheel(0, -300);
await wait(7000);  // an idle gap, longer than the default idle threshold
await clickOn('#to-checkout');
await clickOn('#email');
await page.keyboard.type('shopper-at-example.com', { delay: 120 });
await wait(800);
await clickOn('#pay');
await clickOn('#email');
await page.keyboard.press('Control+A');
await page.keyboard.type('shopper@example.com', { delay: 100 });
await clickOn('#pay');
await wait(1500);
await page.mouse.move(300, 200, { steps: 10 });

const events = await page.evaluate(() => window.__events);
await browser.close();
writeFileSync(here('shop.json'), JSON.stringify(events));

const incremental = events.filter((e) => e.type === 3);
const expected = {
  events: events.length,
  full_snapshots: events.filter((e) => e.type === 2).length,
  meta_events: events.filter((e) => e.type === 4).length,
  clicks: incremental.filter((e) => e.data.source === 2 && e.data.type === 2).length,
  inputs: incremental.filter((e) => e.data.source === 5).length,
  console_errors: events.filter((e) => e.type === 6 && e.data.payload.level === 'error').length,
  duration_ms: events[events.length - 1].timestamp - events[0].timestamp,
  viewport: { width: 1024, height: 640 },
};
writeFileSync(here('expected.json'), JSON.stringify(expected, null, 2) + '\n');
console.log(expected);
