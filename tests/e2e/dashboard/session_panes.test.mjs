// The session page's panes (events, console, network, notes), the ?t= link
// and the search filters of the session list, in Debian's headless Chromium
// against the real server, on sessions recorded by our SDK in a real browser
// (site.mjs: real fetch/XHR calls, console messages, an uncaught error).
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { untilAnalysed } from '../lib/session.mjs';
import { launchBrowser, repoRoot, startStack, waitFor } from '../lib/stack.mjs';
import { failureSteps } from '../lib/steps.mjs';
import { startSite } from './site.mjs';

const artifacts = join(repoRoot, 'tests/artifacts/dashboard');
const TYPED = 'Jane Secretholder';

/** Records one visit with the SDK; `act(page)` drives it. Resolves to the analysed session. */
async function recordVisit(browser, stack, site, path, act) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
  const page = await context.newPage();
  await page.goto(`${site.url}${path}`);
  await page.waitForFunction(() => document.readyState === 'complete' && window.incuera?.getSessionId());
  const clientId = await page.evaluate(() => window.incuera.getSessionId());
  // rrweb records from 'load'; give it its first snapshot before acting.
  await page.waitForTimeout(300);
  await act(page);
  await page.waitForTimeout(700);
  // Leaving the site: pagehide sends the tail and the end.
  await page.goto('about:blank');
  await context.close();
  const listed = await waitFor(async () => {
    const { sessions } = await stack.json(`/api/sessions?project=${stack.projectSlug}`);
    return sessions.find((s) => s.client_id === clientId);
  }, 15_000, `session ${clientId} to be listed`);
  return untilAnalysed(stack, listed.id);
}

describe('session page panes and search', () => {
  let stack;
  let site;
  let browser;
  let page;
  let rich;
  let quiet;

  const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  // A failing step marks the suite failed and saves a screenshot of the page.
  const steps = failureSteps((name) => (page ? shot(name) : Promise.resolve()), 'failure-panes');
  const { step } = steps;
  const clockMs = async () => Number(await page.getByTestId('replay-clock').getAttribute('data-current-ms'));
  const tab = (name) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
  const openSession = async (id, query = '') => {
    await page.goto(`${stack.url}/sessions/${id}${query}`);
    await page.getByTestId('replay-stage').frameLocator('iframe').locator('h1').first().waitFor();
  };

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    stack = await startStack();
    try {
      site = await startSite(stack);
      browser = await launchBrowser();
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
      await page.goto(`${stack.url}/projects/${stack.projectSlug}/settings`);
      await page.getByLabel('Email').fill(stack.adminEmail);
      await page.getByLabel('Password').fill(stack.adminPassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // The test visits last seconds; the default minimum (30 s) would discard them.
      await page.getByLabel('Minimum duration (s)').fill('1');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      rich = await recordVisit(browser, stack, site, '/site/index.html', async (p) => {
        await p.click('#add');
        await p.click('#products');
        await p.locator('#list').filter({ hasText: 'teapot' }).waitFor();
        await p.click('#broken');
        await p.click('#offline');
        await p.click('#xhr');
        await p.click('#logs');
        await p.click('#crash');
        await p.fill('#holder', TYPED);
        // A rage click: five quick clicks on one spot (mouse clicks, without the locator's checks).
        const box = await p.locator('#stuck').boundingBox();
        for (let i = 0; i < 5; i++) await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await p.waitForTimeout(1500);
        await p.click('#next');
        await p.waitForURL(/page2\.html/);
        await p.waitForTimeout(500);
        await p.click('#confirm');
      });
      quiet = await recordVisit(browser, stack, site, '/site/quiet.html', async (p) => {
        // Recorded events over more than the minimum duration (1 s).
        for (let i = 0; i < 4; i++) {
          await p.mouse.move(100 + i * 50, 200);
          await p.waitForTimeout(700);
        }
      });
    } catch (error) {
      await stack.stop({ printLog: true });
      stack = null;
      throw error;
    }
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await stack?.stop({ printLog: steps.failed });
  });

  step('the event list shows clicks with their text, a masked input, page loads, the error and the rage click, follows the playhead and seeks', async () => {
    await openSession(rich.id);
    const rows = page.getByTestId('event-row');
    await rows.first().waitFor();
    const texts = await rows.allTextContents();
    const has = (re) => assert.ok(texts.some((t) => re.test(t)), `no event row matching ${re} in ${JSON.stringify(texts)}`);
    has(/Click on “Add to cart”/);
    has(/Click on “Load products”/);
    has(/Click on “Confirm order”/);
    has(/Page load \/site\/index\.html/);
    has(/Page load \/site\/page2\.html/);
    has(/Input in Card holder/);
    has(/checkout crashed on purpose/);
    has(/Rage click ×[3-5] on “Stuck button”/);
    // What was typed is never shown.
    assert.ok(!(await page.getByTestId('inspector').textContent()).includes(TYPED));
    assert.equal(await rows.and(page.locator('[data-kind="rage"]')).count(), 1);

    // A row seeks the replay there, and becomes the row at the playhead.
    const confirm = rows.filter({ hasText: 'Confirm order' });
    await confirm.click();
    await waitFor(async () => (await confirm.getAttribute('data-active')) === 'true', 5_000, 'the clicked row to be active');
    const atConfirm = await clockMs();
    assert.ok(atConfirm > 1000, `clock at ${atConfirm}`);
    // Seeking back moves the highlight to an earlier row.
    const add = rows.filter({ hasText: 'Add to cart' });
    await add.click();
    await waitFor(async () => (await add.getAttribute('data-active')) === 'true', 5_000, 'the first click to be active');
    assert.ok((await clockMs()) < atConfirm);
    assert.equal(await confirm.getAttribute('data-active'), null);
    await shot('panes-events');
  });

  step('the console pane lists every level, filters by level and text, expands stack traces and seeks', async () => {
    await tab('Console').click();
    const rows = page.getByTestId('console-row');
    await rows.first().waitFor();
    const levels = await rows.evaluateAll((els) => els.map((el) => el.dataset.level));
    for (const level of ['log', 'info', 'warn', 'error']) assert.ok(levels.includes(level), `no ${level} line in ${levels}`);
    await rows.filter({ hasText: 'inventory loaded 3' }).waitFor();

    await page.getByLabel('Console level').selectOption('warn');
    await waitFor(async () => (await rows.evaluateAll((els) => els.every((el) => el.dataset.level === 'warn'))) && (await rows.count()) === 2, 5_000, 'only warnings');
    await page.getByLabel('Console level').selectOption('');
    await page.getByLabel('Search the console').fill('exploded');
    await waitFor(async () => (await rows.count()) === 1, 5_000, 'one matching line');
    const line = rows.first();
    await line.getByRole('button', { name: 'Stack' }).click();
    const trace = await line.getByTestId('console-trace').textContent();
    assert.match(trace, /site|index\.html|HTMLButtonElement|onclick/i);

    const before = await clockMs();
    await line.getByRole('button', { name: 'payment widget exploded' }).click();
    await waitFor(async () => (await clockMs()) !== before, 5_000, 'the replay to seek to the line');
    await shot('panes-console');
  });

  step('the network pane shows fetch and XHR with status, duration and sizes, flags failures, and shows bodies only where recorded', async () => {
    await tab('Network').click();
    const rows = page.getByTestId('network-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 4, `rows: ${await rows.allTextContents()}`);
    const row = (part) => rows.filter({ hasText: part });
    assert.equal(await row('/api-demo/products').getAttribute('data-failed'), null);
    assert.match(await row('/api-demo/products').textContent(), /GET.*200.*\d+ ms/);
    assert.match(await row('/api-demo/broken').textContent(), /POST.*500/);
    assert.equal(await row('/api-demo/broken').getAttribute('data-failed'), 'true');
    assert.equal(await row('/offline').getAttribute('data-failed'), 'true');
    assert.match(await row('/offline').getByTestId('network-status').textContent(), /network error/);
    assert.match(await row('/api-demo/items').textContent(), /GET.*200/);
    // The ingest requests of the SDK itself are never among them.
    assert.equal(await row('/api/ingest').count(), 0);

    await row('/api-demo/products').getByRole('button', { expanded: false }).click();
    const details = row('/api-demo/products').getByTestId('network-details');
    await details.getByText('"items":["teapot","kettle","mug"]', { exact: false }).waitFor();
    await details.getByText('application/json').first().waitFor();
    await row('/api-demo/broken').getByRole('button', { expanded: false }).click();
    await row('/api-demo/broken').getByText('Headers and bodies were not recorded for this URL.').waitFor();

    await page.getByLabel(/Failed only/).check();
    await waitFor(async () => (await rows.count()) === 2, 5_000, 'only the two failed requests');
    await shot('panes-network');
  });

  step('?t= opens the replay at that moment and the copy button copies a link to the current one', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    await openSession(rich.id, '?t=3');
    await waitFor(async () => (await clockMs()) === 3000, 10_000, 'the replay at 3 s');
    assert.equal(await page.getByTestId('replay-clock').getAttribute('data-state'), 'paused');
    await page.getByLabel('Replay position').fill('2050');
    await page.getByRole('button', { name: 'Copy link to this moment' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, `${stack.url}/sessions/${rich.id}?t=2`);
    await openSession(rich.id, '?t=2');
    await waitFor(async () => (await clockMs()) === 2000, 10_000, 'the replay at 2 s');
  });

  step('a note is added at the current moment, shows on the timeline and is deleted by its author', async () => {
    await tab('Notes').click();
    await page.getByLabel('New note').fill('Customer hesitates here');
    await page.getByRole('button', { name: 'Add note at 0:02' }).click();
    const note = page.getByTestId('note-row').filter({ hasText: 'Customer hesitates here' });
    await note.waitFor();
    await note.getByText(stack.adminEmail).waitFor();
    const marker = page.getByTestId('timeline-markers').locator('[data-kind="note"]');
    await marker.waitFor();
    assert.match(await marker.getAttribute('aria-label'), /Note: Customer hesitates here at 0:02/);
    const { notes } = await (await page.request.get(`${stack.url}/api/sessions/${rich.id}/notes`)).json();
    assert.deepEqual(notes.map((n) => [n.text, n.at_ms]), [['Customer hesitates here', 2000]]);
    await shot('panes-notes');

    // Still there after a reload, then deleted.
    await openSession(rich.id);
    await tab('Notes').click();
    await note.waitFor();
    await note.getByRole('button', { name: /Delete note/ }).click();
    await waitFor(async () => (await note.count()) === 0, 5_000, 'the note to go');
    assert.equal(await marker.count(), 0);
    const left = await (await page.request.get(`${stack.url}/api/sessions/${rich.id}/notes`)).json();
    assert.deepEqual(left.notes, []);
  });

  // Each search filter finds the rich visit and not the quiet one.
  const listed = async () => {
    await page.getByTestId('session-row').first().or(page.getByText('No sessions match these filters')).waitFor();
    return page.getByTestId('session-row').count();
  };
  for (const [label, key, value, kind] of [
    ['Visited URL', 'visited_url', 'page2.html', 'text'],
    ['Clicked text', 'clicked_text', 'add to CART', 'text'],
    ['Console message', 'console', 'low stock', 'text'],
    ['Requests', 'failed_request', 'true', 'select'],
    ['Rage clicks', 'rage_click', 'true', 'select'],
  ]) {
    step(`the "${label}" search filter finds the session where it happened`, async () => {
      await page.goto(`${stack.url}/projects/${stack.projectSlug}`);
      await waitFor(async () => (await listed()) === 2, 10_000, 'both sessions unfiltered');
      if (kind === 'text') await page.getByLabel(label).fill(value);
      else await page.getByLabel(label).selectOption(value);
      await waitFor(() => new URL(page.url()).searchParams.get(key) === value, 5_000, `${key} in the URL`);
      await waitFor(async () => (await listed()) === 1, 10_000, 'one matching session');
      const href = await page.getByTestId('session-row').first().getAttribute('href');
      assert.ok(href.endsWith(`/sessions/${rich.id}`), `the listed session is ${href}, not ${rich.id} (the quiet one is ${quiet.id})`);
      if (kind === 'text') {
        await page.getByLabel(label).fill(`${value} nowhere`);
        await page.getByText('No sessions match these filters').waitFor();
      }
    });
  }

  step('filters are saved per project, applied with a click and deleted', async () => {
    await page.goto(`${stack.url}/projects/${stack.projectSlug}?url=quiet.html&has_errors=false`);
    await waitFor(async () => (await listed()) === 1, 10_000, 'the filtered list');
    await page.getByRole('button', { name: 'Save these filters' }).click();
    await page.getByLabel('Name of the saved filter').fill('Quiet visits');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const chip = page.getByTestId('saved-filters').getByRole('button', { name: 'Quiet visits', exact: true });
    await chip.waitFor();
    const { saved_filters: saved } = await (await page.request.get(`${stack.url}/api/projects/${stack.projectSlug}/saved-filters`)).json();
    assert.deepEqual(saved.map((f) => [f.name, f.filters]), [['Quiet visits', { url: 'quiet.html', has_errors: 'false' }]]);

    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await waitFor(async () => (await listed()) === 2, 10_000, 'both sessions');
    await chip.click();
    await waitFor(() => {
      const query = new URL(page.url()).searchParams;
      return query.get('url') === 'quiet.html' && query.get('has_errors') === 'false';
    }, 5_000, 'the saved filters in the URL');
    await waitFor(async () => (await listed()) === 1, 10_000, 'the saved filter applied');
    assert.ok((await page.getByTestId('session-row').first().getAttribute('href')).endsWith(`/sessions/${quiet.id}`));
    await shot('saved-filters');

    await page.getByRole('button', { name: 'Delete saved filter Quiet visits' }).click();
    await waitFor(async () => (await chip.count()) === 0, 5_000, 'the chip to go');
    const left = await (await page.request.get(`${stack.url}/api/projects/${stack.projectSlug}/saved-filters`)).json();
    assert.deepEqual(left.saved_filters, []);
  });
});
