// Storage in the dashboard, in Debian's headless Chromium against the real
// server: the Storage card of the project settings and the storage line of
// the session page show the figures the API gives (GET
// /api/projects/{p}/usage and the session's `storage`), for a rendered and
// analysed session (events, video, images) and a visit with events only.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ingestPost } from '../lib/session.mjs';
import { launchBrowser, repoRoot, startStack } from '../lib/stack.mjs';
import { failureSteps } from '../lib/steps.mjs';
import { seedRecordedSession } from './seed.mjs';

const artifacts = join(repoRoot, 'tests/artifacts/dashboard');

// A size as people read it on the page: bytes below 1 KiB, then KB and MB
// with one decimal.
function shown(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

describe('dashboard storage figures', () => {
  let stack;
  let rendered;
  let browser;
  let page;

  const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  // A failing step marks the suite failed and saves a screenshot of the page.
  const steps = failureSteps((name) => (page ? shot(name) : Promise.resolve()));
  const { step } = steps;
  // The figures of the Storage card, by term: the exact bytes of each <data>
  // and the text it shows.
  const cardFigures = async () => {
    const usage = page.getByLabel('Storage used');
    await usage.waitFor();
    const figure = async (term, nth = 0) => {
      const data = usage.locator('div').filter({ has: page.getByText(term, { exact: true }) }).locator('data').nth(nth);
      return { value: Number(await data.getAttribute('value')), text: await data.textContent() };
    };
    return {
      total: await figure('Total'),
      sessions: await figure('Total', 1),
      events: await figure('Events'),
      received: await figure('Events', 1),
      files: await figure('Videos and images'),
    };
  };
  const assertCardMatches = (figures, usage) => {
    assert.deepEqual(figures.total, { value: usage.total_bytes, text: shown(usage.total_bytes) });
    assert.deepEqual(figures.sessions, { value: usage.sessions, text: `${usage.sessions} session${usage.sessions === 1 ? '' : 's'}` });
    assert.deepEqual(figures.events, { value: usage.event_bytes, text: shown(usage.event_bytes) });
    assert.deepEqual(figures.received, { value: usage.raw_event_bytes, text: shown(usage.raw_event_bytes) });
    assert.deepEqual(figures.files, { value: usage.object_bytes, text: shown(usage.object_bytes) });
  };

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    stack = await startStack();
    try {
      rendered = await seedRecordedSession(stack, { clientId: 'storage-visit' });
      browser = await launchBrowser();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
      await page.goto(`${stack.url}/projects/${stack.projectSlug}/settings`);
      await page.getByLabel('Email').fill(stack.adminEmail);
      await page.getByLabel('Password').fill(stack.adminPassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Storage used').waitFor();
    } catch (error) {
      await stack.stop({ printLog: true });
      stack = null;
      throw error;
    }
  });

  after(async () => {
    await browser?.close();
    await stack?.stop({ printLog: steps.failed });
  });

  step('the session page shows the storage the API gives for a rendered session', async () => {
    const session = await stack.json(`/api/sessions/${rendered.id}`);
    const { event_bytes, object_bytes, total_bytes } = session.storage;
    // Rendered and analysed: events, a video, a thumbnail, keyframes and a heatmap.
    assert.ok(event_bytes > 0 && object_bytes > 0, JSON.stringify(session.storage));
    assert.equal(total_bytes, event_bytes + object_bytes);

    await page.goto(`${stack.url}/sessions/${rendered.id}`);
    const line = page.locator('span').filter({ hasText: / stored$/ }).filter({ has: page.locator('data') });
    await line.waitFor();
    assert.equal(Number(await line.locator('data').getAttribute('value')), total_bytes);
    assert.equal(await line.textContent(), `${shown(total_bytes)} stored`);
    assert.equal(await line.getAttribute('title'), `events ${shown(event_bytes)}, videos and images ${shown(object_bytes)}`);
    await shot('storage-session');
  });

  step('the Storage card of the project settings shows the project usage the API gives', async () => {
    const usage = await stack.json(`/api/projects/${stack.projectSlug}/usage`);
    const { storage } = await stack.json(`/api/sessions/${rendered.id}`);
    assert.equal(usage.sessions, 1);
    assert.equal(usage.event_bytes, storage.event_bytes);
    assert.equal(usage.object_bytes, storage.object_bytes);

    await page.goto(`${stack.url}/projects/${stack.projectSlug}/settings`);
    assertCardMatches(await cardFigures(), usage);
    await shot('storage-settings');
  });

  step('the card is read again when the tab opens: a new visit adds its events to the figures', async () => {
    const before = await stack.json(`/api/projects/${stack.projectSlug}/usage`);
    const now = Date.now();
    const events = [
      { type: 4, data: { href: 'http://shop.test/demo/index.html', width: 1280, height: 720 }, timestamp: now - 2000 },
      ...Array.from({ length: 200 }, (_, i) => ({ type: 3, data: { source: 2, type: 2, id: 5, x: i, y: 20 }, timestamp: now - 1900 + i })),
    ];
    await ingestPost(stack, '/api/ingest', { sessionId: 'events-only-visit', events, seq: 0, timestamp: now });
    const after = await stack.json(`/api/projects/${stack.projectSlug}/usage`);
    assert.equal(after.sessions, 2);
    assert.ok(after.event_bytes > before.event_bytes && after.raw_event_bytes > before.raw_event_bytes);
    assert.equal(after.object_bytes, before.object_bytes, 'the new visit has no files yet');
    // The project's figures are the sum of its sessions'.
    const { sessions } = await stack.json(`/api/sessions?project=${stack.projectSlug}`);
    assert.equal(after.event_bytes, sessions.reduce((sum, s) => sum + s.storage.event_bytes, 0));
    assert.equal(after.object_bytes, sessions.reduce((sum, s) => sum + s.storage.object_bytes, 0));

    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    assertCardMatches(await cardFigures(), after);
  });
});
