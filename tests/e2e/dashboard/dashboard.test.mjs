// The dashboard in Debian's headless Chromium against the real server (served
// from the binary's embedded build), with the recorded shop session ingested,
// rendered and analysed by the in-process worker.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, repoRoot, startStack, waitFor } from '../lib/stack.mjs';
import { failureSteps } from '../lib/steps.mjs';
import { continueVisit, recordingFacts, seedRecordedSession, startEmptyVisits, startRecordedVisit } from './seed.mjs';

const artifacts = join(repoRoot, 'tests/artifacts/dashboard');
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };

describe('dashboard', () => {
  let stack;
  let session;
  let analysis;
  let browser;
  let page;

  const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  // A failing step marks the suite failed and saves a screenshot of the page.
  const steps = failureSteps((name) => (page ? shot(name) : Promise.resolve()));
  const { step } = steps;
  const clockMs = async () => Number(await page.getByTestId('replay-clock').getAttribute('data-current-ms'));
  const noHorizontalOverflow = () =>
    page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    stack = await startStack();
    try {
      session = await seedRecordedSession(stack, { clientId: 'seeded-visit' });
      analysis = await stack.json(`/api/sessions/${session.id}/analysis`);
      browser = await launchBrowser();
      page = await browser.newPage({ viewport: desktop });
      page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
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

  step('a session link opened while logged out shows the session once signed in', async () => {
    // The dashboard asks for the session and its first events as it starts,
    // before it knows that nobody is logged in; those 401s are asked again.
    await page.goto(`${stack.url}/sessions/${session.id}`);
    await page.getByLabel('Email').fill(stack.adminEmail);
    await page.getByLabel('Password').fill(stack.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('replay-stage').frameLocator('iframe').getByText('Incuera test shop').waitFor();
    await page.getByTestId('count-clicks').waitFor();
    assert.equal(new URL(page.url()).pathname, `/sessions/${session.id}`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  step('a wrong password shows the server message, the right one logs in', async () => {
    await page.goto(`${stack.url}/projects/${stack.projectSlug}`);
    await page.getByLabel('Email').fill(stack.adminEmail);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid email or password' }).waitFor();
    await shot('login-error');

    await page.getByLabel('Password').fill(stack.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Logging in keeps the page that was asked for.
    await page.getByRole('heading', { name: 'Shop' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/projects/${stack.projectSlug}`);
  });

  step('the sessions list shows the seeded session with its thumbnail, user, status and error badge', async () => {
    const row = page.getByTestId('session-row').filter({ hasText: 'shopper@example.com' });
    await row.waitFor();
    await row.getByText('Ready').waitFor();
    await row.getByText('1 error').waitFor();
    await waitFor(() => row.locator('img').evaluate((img) => img.complete && img.naturalWidth > 0), 10_000, 'thumbnail to load');
    await shot('sessions');

    // Filters live in the URL; a status with no sessions empties the list.
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No sessions match these filters').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('status'), 'failed');
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await row.waitFor();
  });

  step('a visit that is still recording updates its status in the list without a reload', async () => {
    const visit = await startRecordedVisit(stack, { clientId: 'live-visit', userId: 'live-user', userEmail: '' });
    // The list polls every 30 s when nothing on it is busy; a reload shows the visit at once.
    await page.reload();
    const row = page.getByTestId('session-row').filter({ hasText: 'live-user' });
    await row.getByText('Recording').waitFor();
    await shot('sessions-recording');
    const finished = await visit.finish();
    assert.equal(finished.status, 'ready');
    await row.getByText('Ready').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('session-row').count(), 2);
    await page.getByTestId('session-row').first().filter({ hasText: 'live-user' }).waitFor();
  });

  step('the list loads the next page of the cursor when scrolled to its end', async () => {
    // One more than a page (30) beyond the two visits already listed.
    await startEmptyVisits(stack, 31);
    await page.reload();
    const rows = page.getByTestId('session-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 30);
    await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
    await waitFor(async () => (await rows.count()) === 33, 10_000, 'the second page');
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0, 'no third page');
  });

  step('a new project gets a key whose secret is shown once in the copy dialog', async () => {
    await page.goto(`${stack.url}/`);
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Name').fill('Marketing site');
    assert.equal(await page.getByLabel('Slug').inputValue(), 'marketing-site');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Marketing site' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/projects/marketing-site/keys');

    await page.getByLabel('Key name').fill('Website');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('api-key-secret').textContent()).trim();
    assert.match(secret, /^inc_[A-Za-z0-9_-]{20,}$/);
    const snippet = await page.getByTestId('install-snippet').textContent();
    assert.equal(
      snippet,
      `<script src="${stack.url}/sdk.js"></script><script>new Incuera({apiKey:'${secret}', apiHost:'${stack.url}'}).init();</script>`,
    );
    await shot('key-created');
    await page.getByRole('button', { name: 'I have copied it' }).click();

    const keys = await (await page.request.get(`${stack.url}/api/projects/marketing-site/api-keys`)).json();
    assert.deepEqual(
      keys.api_keys.map((k) => [k.name, k.scope, secret.startsWith(k.prefix)]),
      [['Website', 'ingest', true]],
    );
    const row = page.getByTestId('api-key-row').filter({ hasText: 'Website' });
    await row.waitFor();

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText(/^Revoked/).waitFor();
    const after = await (await page.request.get(`${stack.url}/api/projects/marketing-site/api-keys`)).json();
    assert.ok(after.api_keys[0].revoked_at > 0);
    await shot('keys');
  });

  step('each project card counts its sessions', async () => {
    await page.goto(`${stack.url}/`);
    const card = (name) => page.getByRole('link', { name: new RegExp(name) }).getByTestId('project-session-count');
    // The seeded visit, the live one and the 31 empty ones; the read key sees the same count.
    const [shop] = (await stack.json('/api/projects')).projects;
    assert.equal(shop.session_count, 33);
    await card('Shop').filter({ hasText: /^33 sessions$/ }).waitFor();
    await card('Marketing site').filter({ hasText: /^No sessions yet$/ }).waitFor();
    await shot('projects');

    const out = stack.cli('key', 'create', '--project', 'marketing-site', '--owner', stack.adminEmail, '--scope', 'ingest', '--name', 'count');
    const key = /inc_[A-Za-z0-9_-]+/.exec(out)[0];
    const started = await fetch(`${stack.url}/api/sessions/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
      body: JSON.stringify({ sessionId: 'marketing-visit', metadata: { url: 'http://marketing.test/' } }),
    });
    assert.equal(started.status, 200);
    await page.reload();
    await card('Marketing site').filter({ hasText: /^1 session$/ }).waitFor();
    await page.getByRole('link', { name: /Marketing site/ }).click();
    await page.getByRole('heading', { name: 'Marketing site' }).waitFor();
  });

  step('project settings save seconds as milliseconds and funnel steps in order', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Minimum duration (s)').fill('45');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByLabel('Step 1 name').fill('Catalogue');
    await page.getByLabel('Step 1 URL pattern').fill('/demo/*');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByLabel('Step 2 name').fill('Checkout');
    await page.getByLabel('Step 2 URL pattern').fill('/checkout*');
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await shot('settings');

    const project = await (await page.request.get(`${stack.url}/api/projects/marketing-site`)).json();
    assert.equal(project.settings.min_duration_ms, 45000);
    assert.deepEqual(project.settings.funnel_steps, [
      { name: 'Checkout', url_pattern: '/checkout*' },
      { name: 'Catalogue', url_pattern: '/demo/*' },
    ]);
  });

  step('project quotas are saved (empty: the server default) and show what was used', async () => {
    await page.getByLabel('New sessions per hour').fill('250');
    await page.getByLabel('Events per day').fill('');
    await page.getByText(/used this hour of 250 \(this project\)|used this hour of 5,000 \(server default\)/).waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const project = await (await page.request.get(`${stack.url}/api/projects/marketing-site`)).json();
    assert.deepEqual(project.settings.quotas, { sessions_per_hour: 250, events_per_day: null, render_minutes_per_day: null });
  });

  step('deleting a project asks first and removes it', async () => {
    await page.getByRole('button', { name: 'Delete project' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete project' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.getByRole('link', { name: /Shop/ }).waitFor();
    assert.equal(await page.getByText('Marketing site').count(), 0);
    assert.equal((await page.request.get(`${stack.url}/api/projects/marketing-site`)).status(), 404);
  });

  step('the session page replays the recording', async () => {
    await page.getByRole('link', { name: /Shop/ }).click();
    // Thirty newer visits push it to the second page: find it with the user filter.
    await page.getByLabel('User').fill('shopper@example.com');
    await waitFor(() => new URL(page.url()).searchParams.get('user') === 'shopper@example.com', 5_000, 'the filter in the URL');
    await waitFor(async () => (await page.getByTestId('session-row').count()) === 1, 10_000, 'one matching session');
    await page.getByTestId('session-row').filter({ hasText: 'shopper@example.com' }).click();
    await page.getByRole('heading', { name: 'shopper@example.com' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/sessions/${session.id}`);

    const stage = page.getByTestId('replay-stage');
    await stage.frameLocator('iframe').getByText('Incuera test shop').waitFor();
    await page.getByRole('button', { name: 'Play replay' }).click();
    await waitFor(async () => (await clockMs()) > 1500, 15_000, 'the replay clock to advance');
    await page.getByRole('button', { name: 'Pause replay' }).click();
    const paused = await clockMs();
    await page.waitForTimeout(400);
    assert.equal(await clockMs(), paused, 'the clock stands still while paused');

    // One marker per recorded click, error and dead click on the scrubber.
    const markers = page.getByTestId('timeline-markers').locator('button');
    assert.equal(await markers.and(page.locator('[data-kind="click"]')).count(), recordingFacts.clicks);
    assert.equal(await markers.and(page.locator('[data-kind="error"]')).count(), analysis.errors.length);
    assert.equal(await markers.and(page.locator('[data-kind="dead"]')).count(), analysis.metrics.dead_clicks.length);
  });

  step('the rendered video loads and seeks with byte ranges', async () => {
    const video = page.getByTestId('session-video');
    await waitFor(() => video.evaluate((v) => v.readyState >= 1), 15_000, 'video metadata');
    const duration = await video.evaluate((v) => v.duration);
    assert.ok(Math.abs(duration * 1000 - session.video.duration_ms) < 500, `video duration ${duration}s`);
    const seekedTo = await video.evaluate(
      (v) =>
        new Promise((resolve, reject) => {
          v.addEventListener('seeked', () => resolve(v.currentTime), { once: true });
          v.addEventListener('error', () => reject(new Error('video error')), { once: true });
          v.currentTime = 12;
        }),
    );
    assert.ok(Math.abs(seekedTo - 12) < 0.1, `seeked to ${seekedTo}`);
    const ranged = await page.evaluate(async (url) => {
      const res = await fetch(url, { headers: { Range: 'bytes=100-199' } });
      return [res.status, res.headers.get('Content-Range'), (await res.arrayBuffer()).byteLength];
    }, `/api/sessions/${session.id}/video`);
    assert.deepEqual(ranged, [206, `bytes 100-199/${session.video.size}`, 100]);
  });

  step('the analysis cards show the numbers of GET /analysis', async () => {
    for (const [key, value] of Object.entries(analysis.counts)) {
      assert.equal(await page.getByTestId(`count-${key}`).textContent(), value.toLocaleString('en-US'), key);
    }
    assert.equal(analysis.counts.clicks, recordingFacts.clicks);
    assert.equal(await page.getByTestId('errors-list').locator('li').count(), analysis.errors.length);
    await page.getByTestId('errors-list').getByText(analysis.errors[0].message).waitFor();
    assert.equal(await page.getByTestId('dead-list').locator('li').count(), analysis.metrics.dead_clicks.length);
    await page.getByTestId('summary-card').getByText(analysis.summary.reason).waitFor();
    const heatmap = page.getByTestId('heatmap-card').locator('img');
    await waitFor(() => heatmap.evaluate((img) => img.complete && img.naturalWidth > 0), 10_000, 'heatmap image');
    await shot('session');
  });

  step('jump buttons and keyframes seek the replay to their moment', async () => {
    const error = analysis.errors[0];
    await page.getByTestId('errors-card').getByRole('button', { name: /^Jump to/ }).first().click();
    await waitFor(async () => Math.abs((await clockMs()) - error.time_ms) <= 50, 5_000, 'the replay at the error');
    // The video follows, at the video time the render's time map gives.
    const { keyframes, time_map: timeMap } = await stack.json(`/api/sessions/${session.id}/keyframes`);
    assert.ok(timeMap.length >= 2, 'the render has a time map');
    const at = timeMap.findIndex(([, s]) => s >= error.time_ms);
    assert.ok(at > 0, 'the error lies inside the time map');
    const [[v0, s0], [v1, s1]] = [timeMap[at - 1], timeMap[at]];
    const expectedS = (v0 + ((error.time_ms - s0) * (v1 - v0)) / (s1 - s0)) / 1000;
    const errorVideoS = await page.getByTestId('session-video').evaluate((v) => v.currentTime);
    assert.ok(Math.abs(errorVideoS - expectedS) < 0.1, `video at ${errorVideoS} s, expected ${expectedS} s`);

    assert.ok(keyframes.length > 0);
    const last = keyframes[keyframes.length - 1];
    await page.getByTestId('keyframe').last().click();
    await waitFor(async () => Math.abs((await clockMs()) - last.session_time_ms) <= 50, 5_000, 'the replay at the keyframe');
    const videoTime = await page.getByTestId('session-video').evaluate((v) => v.currentTime);
    assert.ok(Math.abs(videoTime - last.video_time_ms / 1000) < 0.1, `video at ${videoTime}`);
  });

  step('the parts of a continued visit link to each other and the replay plays on into the next', async () => {
    const next = await continueVisit(stack, session);
    assert.equal(next.previous, session.id);
    await page.goto(`${stack.url}/sessions/${session.id}`);
    await page.getByTestId('visit-parts').getByText('Part 1').waitFor();
    assert.equal(await page.getByTestId('visit-previous').count(), 0);
    await page.getByTestId('visit-next').waitFor();
    await page.getByTestId('replay-stage').frameLocator('iframe').getByText('Incuera test shop').waitFor();
    // Near the end of part 1, play: when it ends the next part plays.
    const total = Number(await page.getByLabel('Replay position').getAttribute('max'));
    await page.getByLabel('Replay position').fill(String(Math.max(0, Math.floor((total - 500) / 50) * 50)));
    await page.getByRole('button', { name: 'Play replay' }).click();
    await waitFor(() => new URL(page.url()).pathname === `/sessions/${next.id}`, 15_000, 'the next part');
    await page.getByTestId('visit-previous').waitFor();
    await page.getByRole('button', { name: 'Pause replay' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('visit-previous').click();
    await waitFor(() => new URL(page.url()).pathname === `/sessions/${session.id}`, 5_000, 'back to part 1');
  });

  step('at phone width nothing scrolls sideways', async () => {
    await page.setViewportSize(phone);
    for (const [path, name, ready] of [
      [`/sessions/${session.id}`, 'phone-session', () => page.getByTestId('count-clicks').waitFor()],
      [`/projects/${stack.projectSlug}`, 'phone-sessions', () => page.getByTestId('session-row').first().waitFor()],
      [`/projects/${stack.projectSlug}/keys`, 'phone-keys', () => page.getByTestId('api-key-row').first().waitFor()],
      [`/projects/${stack.projectSlug}/settings`, 'phone-settings', () => page.getByRole('button', { name: 'Save changes' }).waitFor()],
    ]) {
      await page.goto(`${stack.url}${path}`);
      await ready();
      assert.ok(await noHorizontalOverflow(), `${path} overflows at ${phone.width}px`);
      await shot(name);
    }
    await page.setViewportSize(desktop);
  });

  step('a long render or analysis failure reason wraps inside its card at phone and desktop width', async () => {
    // The worker's reason can be one long token (a raw CDP exception's JSON
    // once was): the server's answers are rewritten to a failed session.
    const reason = `replayer page script failed: ${JSON.stringify({ exceptionDetails: { text: 'Uncaught', exception: { description: 'HierarchyRequestError: Failed to execute insertBefore on Node: The new child element contains the parent.'.replace(/ /g, '_') } } })}`;
    await page.route(`**/api/sessions/${session.id}`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), status: 'failed', failure_reason: reason, video: null } });
    });
    await page.route(`**/api/sessions/${session.id}/analysis`, (route) =>
      route.fulfill({ json: { ...analysis, status: 'failed', error: reason, counts: null, metrics: null } }),
    );
    try {
      for (const viewport of [phone, desktop]) {
        await page.setViewportSize(viewport);
        await page.goto(`${stack.url}/sessions/${session.id}`);
        const failure = page.getByTestId('render-failure');
        await failure.waitFor();
        await page.getByRole('alert').filter({ hasText: 'Analysis failed' }).waitFor();
        assert.ok(await noHorizontalOverflow(), `the session page overflows at ${viewport.width}px`);
        for (const alert of await page.getByRole('alert').filter({ hasText: 'replayer page script failed' }).all()) {
          const inside = await alert.evaluate((el) => {
            const card = el.closest('section').getBoundingClientRect();
            const box = el.getBoundingClientRect();
            return el.scrollWidth <= el.clientWidth && box.left >= card.left && box.right <= card.right;
          });
          assert.ok(inside, `a failure reason overflows its card at ${viewport.width}px`);
        }
        await shot(`failure-reason-${viewport.width}`);
      }
    } finally {
      await page.unrouteAll();
      await page.setViewportSize(desktop);
    }
  });

  step('a login that stops working sends the next API call back to the login page', async () => {
    const cookies = await page.context().cookies();
    await page.context().clearCookies();
    await page.getByRole('link', { name: 'Incuera' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.context().addCookies(cookies);
    await page.reload();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
  });

  step('changing the password keeps this tab signed in and refuses the old one', async () => {
    // Another login, outside the browser (its cookie must not replace the tab's).
    const login = (password) =>
      fetch(`${stack.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: stack.adminEmail, password }),
      });
    const other = await (await login(stack.adminPassword)).json();
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Current password').fill(stack.adminPassword);
    await dialog.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await dialog.getByLabel('Repeat the new password').fill('a brand new passphrase');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    assert.equal((await page.request.get(`${stack.url}/api/me`)).status(), 200);
    const otherLogin = await fetch(`${stack.url}/api/projects`, { headers: { Authorization: `Bearer ${other.token}` } });
    assert.equal(otherLogin.status, 401);
    assert.equal((await login(stack.adminPassword)).status, 401);
    assert.equal((await login('a brand new passphrase')).status, 200);
  });

  step('logging out ends the login', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal((await page.request.get(`${stack.url}/api/me`)).status(), 401);
  });

  step('repeated wrong passwords get a message that says how long to wait', async () => {
    // An account of its own, so the admin's login is not the one locked.
    await page.getByLabel('Email').fill('guesser@example.test');
    const statuses = [];
    while (statuses.length < 8 && statuses.at(-1) !== 429) {
      await page.getByLabel('Password').fill(`guess-${statuses.length}`);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      statuses.push(response.status());
    }
    assert.equal(statuses.at(-1), 429, `statuses ${statuses}`);
    assert.ok(statuses.slice(0, -1).every((status) => status === 401), `statuses ${statuses}`);
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: /Too many attempts\. Try again in \d+ (seconds|minutes)\./ }).waitFor();
    await shot('login-rate-limited');
  });
});
