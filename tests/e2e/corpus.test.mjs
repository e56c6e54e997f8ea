// The real-world corpus (tests/data/corpus and the two SDK-era recordings of
// tests/data/recording) through the whole product: each recording is sent to
// the real server through the ingest API in SDK-sized batches, rendered and
// analysed by the worker; the analysis the API serves equals the recording's
// truth, and the dashboard's player replays it to the end in Chromium without
// a page error or a console error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ingestPost, untilAnalysed } from './lib/session.mjs';
import { launchBrowser, repoRoot, startStack, waitFor } from './lib/stack.mjs';

const corpusDir = join(repoRoot, 'tests/data/corpus');
const BATCH = 100; // the SDK's default batchSize

function loadCorpus() {
  const entries = [];
  for (const dir of [corpusDir, join(corpusDir, 'legacy')]) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.truth.json')).sort()) {
      const truth = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const raw = readFileSync(join(dir, truth.file));
      const events = JSON.parse((truth.file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
      entries.push({ name: file.replace(/\.truth\.json$/, ''), truth, events });
    }
  }
  return entries;
}

// start, batches of 100 events with seq 1, 2, ..., end: what the SDK sends, with the
// events exactly as recorded.
async function send(stack, { name, events }) {
  const meta = events.find((e) => e.type === 4).data;
  const sessionId = `corpus-${name}`;
  await ingestPost(stack, '/api/sessions/start', {
    sessionId,
    metadata: {
      url: meta.href,
      referrer: '',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) corpus-e2e',
      screen: { width: meta.width, height: meta.height },
      viewport: { width: meta.width, height: meta.height },
      timestamp: events[0].timestamp,
    },
  });
  for (let i = 0, seq = 1; i < events.length; i += BATCH, seq++) {
    const batch = events.slice(i, i + BATCH);
    await ingestPost(stack, '/api/ingest', { sessionId, events: batch, seq, timestamp: batch.at(-1).timestamp });
  }
  const last = events.at(-1).timestamp;
  await ingestPost(stack, '/api/sessions/end', { sessionId, timestamp: last, reason: 'pagehide', finalEventCount: events.length });
  return sessionId;
}

function assertAnalysisMatchesTruth(analysis, truth) {
  const c = analysis.counts;
  const t = truth;
  assert.deepEqual(
    {
      clicks: c.clicks, inputs: c.inputs, keystrokes: c.keystrokes, scrolls: c.scrolls, page_loads: c.page_loads,
      navigations: c.navigations, errors: c.errors, rage_clicks: analysis.metrics.rage_clicks.length,
      dead_clicks: analysis.metrics.dead_clicks.length,
    },
    {
      clicks: t.clicks, inputs: t.inputs, keystrokes: t.keystrokes, scrolls: t.scrolls, page_loads: t.page_loads,
      navigations: t.navigations, errors: t.errors.total, rage_clicks: t.rage_clicks, dead_clicks: t.dead_clicks,
    },
  );
  const kinds = (k) => analysis.errors.filter((e) => e.kind === k).length;
  assert.equal(kinds('console'), t.errors.console_error + t.errors.console_assert, 'console errors');
  assert.equal(kinds('error'), t.errors.uncaught, 'uncaught errors');
  assert.equal(kinds('unhandledrejection'), t.errors.unhandled_rejection, 'unhandled rejections');
  assert.deepEqual(analysis.funnel.visits.map((v) => v.url), t.pages, 'the pages visited, in order');
  for (const [url, y] of Object.entries(t.max_scroll_y)) {
    assert.equal(analysis.metrics.scroll_depth.find((d) => d.url === url)?.max_scroll_y, y, `max scroll y of ${url}`);
  }
}

describe('corpus', () => {
  const corpus = loadCorpus();
  let stack;
  let browser;
  let context;
  const ids = new Map(); // name -> server session id

  before(async () => {
    // few video frames: the render is checked for success here, its frames elsewhere
    stack = await startStack({ env: { RENDER_FPS: '5' } });
    try {
      for (const entry of corpus) await send(stack, entry);
      const { sessions } = await stack.json(`/api/sessions?project=${stack.projectSlug}&limit=100`);
      for (const entry of corpus) {
        const s = sessions.find((x) => x.client_id === `corpus-${entry.name}`);
        assert.ok(s, `session of ${entry.name} listed`);
        ids.set(entry.name, s.id);
      }
      browser = await launchBrowser();
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${stack.url}/`);
      await page.getByLabel('Email').fill(stack.adminEmail);
      await page.getByLabel('Password').fill(stack.adminPassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Shop' }).first().waitFor();
      await page.close();
    } catch (error) {
      await stack.stop({ printLog: true });
      stack = null;
      throw error;
    }
  });

  after(async () => {
    await browser?.close();
    await stack?.stop({ printLog: process.exitCode > 0 });
  });

  for (const entry of corpus) {
    test(`${entry.name}: rendered, analysed as its truth, replayed to the end by the dashboard`, async () => {
      const id = ids.get(entry.name);
      const started = Date.now();
      await untilAnalysed(stack, id, 280_000);
      const ready = Date.now() - started;
      assertAnalysisMatchesTruth(await stack.json(`/api/sessions/${id}/analysis`), entry.truth);

      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        // the recorded site's own assets (its stylesheets and images, at the recording
        // server's 127.0.0.1 port, long gone) fail to load in the replay: not the player's error
        const url = m.location().url || '';
        if (m.text().startsWith('Failed to load resource') && url && !url.startsWith(stack.url)) return;
        problems.push(`console error: ${m.text()} (${url})`);
      });
      try {
        await page.goto(`${stack.url}/sessions/${id}`);
        const clock = page.getByTestId('replay-clock');
        await clock.waitFor();
        await page.getByRole('group', { name: 'Playback speed' }).getByRole('button').last().click(); // fastest
        const replayStart = Date.now();
        await page.getByRole('button', { name: 'Play replay' }).click();
        await waitFor(async () => (await clock.getAttribute('data-state')) === 'playing', 5_000, 'the replay to play');
        // the player stops by itself at the end ('finish' sets the clock to the total time)
        await waitFor(
          async () => (await clock.getAttribute('data-state')) === 'paused',
          200_000,
          `the replay of ${entry.name} to reach its end`,
          500,
        );
        const atMs = Number(await clock.getAttribute('data-current-ms'));
        const sessionMs = entry.events.at(-1).timestamp - entry.events[0].timestamp;
        assert.ok(atMs >= sessionMs - 1000, `the replay ends at the session's end (${atMs} of ${sessionMs} ms)`);
        assert.deepEqual(problems, [], 'no page or console error while replaying');
        console.log(`${entry.name}: ready after ${(ready / 1000).toFixed(1)} s, replayed in ${((Date.now() - replayStart) / 1000).toFixed(1)} s`);
      } finally {
        await page.close();
      }
    });
  }
});
