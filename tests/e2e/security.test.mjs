// The attack suite (issue 16): each test is an attack that worked against the
// server before its fix, run against the real server, its in-process worker
// and the real renderer. One server for all of them; each login attack uses
// accounts of its own, and the two that use up a limit run last, so the
// limits of one attack never decide another.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPost, untilAnalysed } from './lib/session.mjs';
import { buildDirectory, repoRoot, startStack } from './lib/stack.mjs';

const METRICS_TOKEN = 'metrics-token-for-the-attack-suite';
const PASSWORD = 'correct horse battery staple';

/** A loopback TCP listener that records every connection (and its request line) made to it. */
async function startCanary() {
  const hits = [];
  const server = createServer((socket) => {
    const hit = { line: '' };
    hits.push(hit);
    socket.once('data', (chunk) => {
      hit.line = chunk.toString('latin1').split('\r\n')[0];
      const target = hit.line.split(' ')[1] || '';
      const to = /^\/redirect\?to=(.*)$/.exec(target);
      socket.end(to ? `HTTP/1.1 302 Found\r\nLocation: ${to[1]}\r\nContent-Length: 0\r\n\r\n`
        : 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 31\r\n\r\n<h1>canary: internal page</h1>\n');
    });
    socket.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, hits, close: () => new Promise((r) => server.close(r)) };
}

/** The hostile recording of tests/data/security aimed at `port`. */
function hostileRecording(port) {
  const text = readFileSync(join(repoRoot, 'tests/data/security/hostile-recording.json'), 'utf8')
    .replaceAll('{{DENIED}}', `127.0.0.1:${port}`)
    .replaceAll('{{ALLOWED}}', `allowed.localhost:${port}`)
    .replaceAll('{{PORT}}', String(port));
  return JSON.parse(text);
}

async function sendRecording(stack, sessionId, events) {
  const meta = events.find((e) => e.type === 4).data;
  await ingestPost(stack, '/api/sessions/start', {
    sessionId,
    metadata: { url: meta.href, viewport: { width: meta.width, height: meta.height }, timestamp: events[0].timestamp },
  });
  await ingestPost(stack, '/api/ingest', { sessionId, events, seq: 1, timestamp: events.at(-1).timestamp });
  await ingestPost(stack, '/api/sessions/end', { sessionId, timestamp: events.at(-1).timestamp, reason: 'pagehide' });
}

function login(stack, email, password, headers = {}) {
  return fetch(`${stack.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
}

/** Every file and directory under `dir` with its permission bits. */
function modes(dir) {
  const out = [];
  for (const name of readdirSync(dir, { recursive: true })) {
    const path = join(dir, name);
    out.push({ path, dir: statSync(path).isDirectory(), mode: statSync(path).mode & 0o777 });
  }
  return out;
}

describe('attacks', () => {
  let stack;
  let adminToken;
  before(async () => {
    stack = await startStack({ env: { METRICS_TOKEN, TRUST_PROXY: '1' } });
    const res = await login(stack, stack.adminEmail, stack.adminPassword);
    const body = await res.text();
    assert.equal(res.status, 200, body);
    adminToken = JSON.parse(body).token;
    // The attack recordings are a few seconds long: keep them.
    const patch = await fetch(`${stack.url}/api/projects/${stack.projectSlug}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ settings: { min_duration_ms: 0 } }),
    });
    assert.equal(patch.status, 200, await patch.text());
  });
  after(async () => {
    await stack?.stop();
  });

  test('render SSRF: a recording sent with the public ingest key reaches nothing on the machine, and still renders', async () => {
    const canary = await startCanary();
    try {
      await sendRecording(stack, 'hostile-1', hostileRecording(canary.port));
      const { sessions } = await stack.json('/api/sessions');
      const session = sessions.find((s) => s.client_id === 'hostile-1');
      await untilAnalysed(stack, session.id);
      const thumbnail = await stack.api(`/api/sessions/${session.id}/thumbnail`);
      assert.equal(thumbnail.status, 200);
      assert.deepEqual(canary.hits.map((h) => h.line || '(connection only)'), [], 'connections the render made to the canary');
    } finally {
      await canary.close();
    }
  });

  test('data files: the database, its WAL and stored objects are private to the server account', () => {
    // The render above stored a video and images.
    const files = modes(stack.dir).filter((f) => /incuera\.db|objects/.test(f.path));
    assert.ok(files.some((f) => f.path.endsWith('video.mp4')), 'the render stored its video');
    assert.ok(files.some((f) => f.path.endsWith('incuera.db-wal')), 'the database runs in WAL mode');
    for (const f of files) assert.equal(f.mode.toString(8), f.dir ? '700' : '600', f.path);

    // A first start with the defaults creates var/ with the secret key.
    const dir = mkdtempSync(join(tmpdir(), 'incuera-var-'));
    try {
      const env = { ...process.env, HOME: dir };
      for (const k of ['DATABASE_URL', 'STORAGE_URL', 'SECRET_KEY', 'QUEUE_URL', 'REDIS_URL']) delete env[k];
      execFileSync(join(buildDirectory(), 'apps/cli/incuera'), ['migrate'], { cwd: dir, env, stdio: 'pipe' });
      const created = modes(join(dir, 'var'));
      assert.ok(created.some((f) => f.path.endsWith('secret_key')), created.map((f) => f.path).join(', '));
      assert.equal((statSync(join(dir, 'var')).mode & 0o777).toString(8), '700', 'var/');
      for (const f of created) assert.equal(f.mode.toString(8), f.dir ? '700' : '600', f.path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('login CSRF: a cross-site form cannot sign the victim in', async () => {
    const email = 'csrf@example.test';
    stack.cli('user', 'add', '--email', email, '--password', PASSWORD);
    const forged = await login(stack, email, PASSWORD, { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' });
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.get('set-cookie'), null);
    const noOrigin = await login(stack, email, PASSWORD, { 'Sec-Fetch-Site': 'cross-site' });
    assert.equal(noOrigin.status, 403);
    const own = await login(stack, email, PASSWORD, { Origin: stack.url });
    assert.equal(own.status, 200);
  });

  test('password change: `incuera user passwd` signs out every existing login of the user', async () => {
    const email = 'stolen@example.test';
    stack.cli('user', 'add', '--email', email, '--password', PASSWORD);
    const res = await login(stack, email, PASSWORD);
    assert.equal(res.status, 200);
    const { token } = await res.json();
    const me = (t) => fetch(`${stack.url}/api/me`, { headers: { Authorization: `Bearer ${t}` } });
    assert.equal((await me(token)).status, 200);
    stack.cli('user', 'passwd', '--email', email, '--password', 'a brand new passphrase');
    assert.equal((await me(token)).status, 401);
    assert.equal((await me(adminToken)).status, 200, 'other users stay signed in');
  });

  test('login race: of 30 concurrent wrong passwords only 5 are checked; the owner then learns how long', async () => {
    const email = 'race@example.test';
    stack.cli('user', 'add', '--email', email, '--password', PASSWORD);
    const answers = await Promise.all(Array.from({ length: 30 }, () => login(stack, email, 'wrong guess')));
    const statuses = answers.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 401).length, 5, `statuses: ${statuses.join(' ')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 25, `statuses: ${statuses.join(' ')}`);

    const owner = await login(stack, email, PASSWORD);
    assert.equal(owner.status, 429);
    const wait = Number(owner.headers.get('retry-after'));
    assert.ok(wait > 60 && wait <= 900, `Retry-After ${wait}`);
    const { error } = await owner.json();
    assert.match(error.message, new RegExp(`blocked for ${wait} s`));
  });

  test('login limits: behind a trusted proxy each client address has its own bucket', async () => {
    // 20 failures (the per-address limit) from one client, on 20 accounts.
    const attacker = { 'X-Forwarded-For': '203.0.113.7' };
    const tries = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(stack, `nobody-${i}@example.test`, 'guess', attacker)),
    );
    assert.deepEqual([...new Set(tries.map((r) => r.status))], [401]);
    assert.equal((await login(stack, 'nobody-x@example.test', 'guess', attacker)).status, 429);
    // Another client behind the same proxy is not locked out with it.
    const email = 'neighbour@example.test';
    stack.cli('user', 'add', '--email', email, '--password', PASSWORD);
    const neighbour = await login(stack, email, PASSWORD, { 'X-Forwarded-For': '198.51.100.9' });
    assert.equal(neighbour.status, 200, await neighbour.text());
  });

  test('metrics: every tenant\'s counts need the metrics token', async () => {
    assert.equal((await fetch(`${stack.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${stack.url}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await stack.api('/metrics')).status, 401, 'a read key is not the metrics token');
    const ok = await fetch(`${stack.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(ok.status, 200);
  });

  test('framing and injection: the dashboard and /docs send CSP, X-Frame-Options and nosniff', async () => {
    for (const path of ['/', '/docs']) {
      const res = await fetch(`${stack.url}${path}`);
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy') || '';
      assert.match(csp, /default-src '(self|none)'/, `${path} CSP: ${csp}`);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });

  test('inputs: a min_duration filter too large to multiply finds nothing instead of everything', async () => {
    const { sessions } = await stack.json('/api/sessions');
    assert.ok(sessions.length > 0);
    const huge = await stack.json('/api/sessions?min_duration=18446744073709552');
    assert.deepEqual(huge.sessions, []);
  });
});

// Issue 16 item 6: a public ingest key is in every visitor's page, so a
// script can start sessions as fast as it likes. The hourly session quota
// cuts the flood off with 429 + Retry-After; another project on the same
// server records on.
describe('quotas', () => {
  const QUOTA = 40;
  let stack;
  before(async () => {
    stack = await startStack({ env: { QUOTA_SESSIONS_PER_HOUR: String(QUOTA) } });
  });
  after(async () => {
    await stack?.stop();
  });

  const start = (key, sessionId) =>
    fetch(`${stack.url}/api/sessions/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': key, Origin: 'https://attacker.example' },
      body: JSON.stringify({ sessionId, metadata: { url: 'https://shop.example/' } }),
    });

  test('session flood: new sessions from one public key are cut at the hourly quota with 429 + Retry-After, another project is unaffected', async () => {
    stack.cli('project', 'add', '--name', 'Blog', '--slug', 'blog', '--owner', stack.adminEmail);
    const out = stack.cli('key', 'create', '--project', 'blog', '--owner', stack.adminEmail, '--scope', 'ingest', '--name', 'blog');
    const blogKey = /inc_[A-Za-z0-9_-]+/.exec(out)[0];

    const statuses = [];
    const waits = [];
    for (let wave = 0; wave < 5; ++wave) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => start(stack.ingestKey, `flood-${wave}-${i}-${randomSuffix()}`)),
      );
      for (const res of answers) {
        statuses.push(res.status);
        if (res.status === 429) {
          waits.push(Number(res.headers.get('retry-after')));
          assert.equal(res.headers.get('access-control-expose-headers'), 'Retry-After');
          assert.match((await res.json()).error.message, /new sessions per hour/);
        } else {
          await res.body?.cancel();
        }
      }
    }
    const accepted = statuses.filter((s) => s === 200).length;
    assert.equal(accepted, QUOTA, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 100 - QUOTA);
    assert.ok(waits.every((w) => Number.isInteger(w) && w >= 1 && w <= 3600), `Retry-After: ${waits}`);

    // The flooded project holds exactly the quota's sessions.
    const { sessions } = await stack.json('/api/sessions?limit=500');
    assert.equal(sessions.length, QUOTA);
    // Known visitors keep recording: a batch for an accepted session is stored.
    const firstId = sessions.at(-1).client_id;
    const batch = await fetch(`${stack.url}/api/ingest`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': stack.ingestKey },
      body: JSON.stringify({ sessionId: firstId, events: [{ type: 4, timestamp: Date.now(), data: { href: 'https://shop.example/' } }], seq: 1 }),
    });
    assert.equal(batch.status, 200, await batch.text());

    // Another project's visitors are unaffected.
    for (let i = 0; i < 10; ++i) {
      const res = await start(blogKey, `blog-${i}-${randomSuffix()}`);
      assert.equal(res.status, 200, await res.text());
    }
    const usage = await stack.json(`/api/projects/${stack.projectSlug}/quota`);
    assert.deepEqual([usage.sessions_per_hour.limit, usage.sessions_per_hour.used], [QUOTA, QUOTA]);
  });
});

function randomSuffix() {
  return Math.random().toString(36).slice(2, 10);
}
