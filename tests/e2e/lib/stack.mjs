// The real product for end-to-end tests: incuera-server (with its in-process
// worker) on a free port over a fresh temp dir, seeded through the admin CLI
// with an admin user, a project, an ingest key and a read key.
//
//   const stack = await startStack({ database: 'sqlite' | 'postgres', queue: 'db' | 'redis', env });
//   ... stack.url, stack.ingestKey, await stack.json('/api/sessions') ...
//   await stack.stop();
//
// Or `await withStack(opts, async (stack) => { ... })`, which prints the
// server's log when the body throws and always stops the stack.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The build directory holding the binaries: INCUERA_BUILD_DIR (set by run.sh) or build/. */
export function buildDirectory(buildDir) {
  return resolve(repoRoot, buildDir || process.env.INCUERA_BUILD_DIR || 'build');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` (sync or async) every `intervalMs` until it returns a truthy
 * value, which is returned; throws after `timeoutMs` naming `what` and the
 * last value or error seen.
 */
export async function waitFor(fn, timeoutMs = 10_000, what = 'condition', intervalMs = 200) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      if (e?.fatal) throw e;
      last = e;
    }
    if (Date.now() > end) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's headless Chromium through playwright-core (never a downloaded browser). */
export function launchBrowser(options = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args || [])],
  });
}

function psql(url, sql) {
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function required(name, what) {
  const v = process.env[name];
  if (!v) throw new Error(`${what} needs ${name} (tests/services.sh exports it; run through tests/run.sh)`);
  return v;
}

/**
 * Starts the server as configured. `env` adds or overrides environment
 * variables (e.g. INACTIVITY_TIMEOUT_SECONDS). Resolves once it answers
 * /health and the CLI has seeded the database.
 */
export async function startStack({ buildDir, database = 'sqlite', queue = 'db', env = {} } = {}) {
  const build = buildDirectory(buildDir);
  const serverBin = join(build, 'apps/server/incuera-server');
  const cliBin = join(build, 'apps/cli/incuera');
  const dir = mkdtempSync(join(tmpdir(), 'incuera-e2e-'));
  const token = randomBytes(6).toString('hex');
  const cleanups = [() => rmSync(dir, { recursive: true, force: true })];

  let databaseUrl = `sqlite://${dir}/incuera.db`;
  if (database === 'postgres') {
    const admin = required('INCUERA_TEST_POSTGRES_URL', 'database: postgres');
    const name = `incuera_e2e_${token}`;
    psql(admin, `CREATE DATABASE ${name}`);
    cleanups.unshift(() => psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    databaseUrl = withDatabase(admin, name);
  } else if (database !== 'sqlite') {
    throw new Error(`unknown database '${database}'`);
  }
  let queueUrl = 'db';
  if (queue === 'redis') {
    // a prefix of its own, so parallel stacks sharing the Redis server never see each other's jobs
    queueUrl = `${required('INCUERA_TEST_REDIS_URL', 'queue: redis')}?prefix=e2e_${token}`;
  } else if (queue !== 'db') {
    throw new Error(`unknown queue '${queue}'`);
  }

  const fullEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    QUEUE_URL: queueUrl,
    REDIS_URL: queueUrl,
    STORAGE_URL: `file://${dir}/objects`,
    SECRET_KEY: randomBytes(32).toString('hex'),
    END_GRACE_SECONDS: '2',
    // Ended sessions are finalized by the sweep; the default 30 s between
    // sweeps would be most of every test's wall time.
    SWEEP_INTERVAL_SECONDS: '2',
    ...env,
  };
  const logPath = join(dir, 'server.log');

  // The CLI and the server run in the temp dir, so no ./.env of the checkout is read.
  const cli = (...args) => execFileSync(cliBin, args, { cwd: dir, env: fullEnv, encoding: 'utf8' });

  let child = null;
  let port = 0;
  let exited = null; // a promise while the child runs

  async function startServer() {
    const logStart = readLog().length; // this start's lines only
    const log = openSync(logPath, 'a');
    child = spawn(serverBin, ['--port', String(port)], { cwd: dir, env: fullEnv, stdio: ['ignore', log, log] });
    closeSync(log);
    const proc = child;
    exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    let gone = null;
    exited.then((e) => (gone = e));
    await waitFor(
      () => {
        if (gone) throw new Error(`incuera-server exited (${gone.code ?? gone.signal}) during start:\n${readLog()}`);
        const m = /listening on http:\/\/[\d.]+:(\d+)/.exec(readLog().slice(logStart));
        return m && Number(m[1]);
      },
      15_000,
      'incuera-server to listen',
      50,
    ).then((p) => (port = p));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 10_000, '/health', 50);
  }

  /** Ends the server (SIGTERM, SIGKILL after 10 s); resolves once the process is gone. */
  async function stopServer(signal = 'SIGTERM') {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  const readLog = () => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };

  const stack = {
    dir,
    databaseUrl,
    queueUrl,
    env: fullEnv,
    adminEmail: `admin-${token}@example.test`,
    adminPassword: `pw-${randomBytes(12).toString('hex')}`,
    projectSlug: 'shop',
    ingestKey: '',
    readKey: '',
    url: '',
    port: 0,
    cli,
    readLog,
    printLog() {
      process.stderr.write(`--- incuera-server log (${logPath}) ---\n${readLog()}--- end of log ---\n`);
    },
    stopServer,
    async startServer() {
      await startServer();
      stack.port = port;
      stack.url = `http://127.0.0.1:${port}`;
    },
    /** Stops the server and starts it again on the same port and database. */
    async restart() {
      await stopServer();
      await stack.startServer();
    },
    /** fetch(stack.url + path) with the read key as Bearer unless opts.headers says otherwise. */
    api(path, opts = {}) {
      return fetch(`${stack.url}${path}`, {
        ...opts,
        headers: { Authorization: `Bearer ${stack.readKey}`, ...(opts.headers || {}) },
      });
    },
    /** stack.api, then the JSON body; throws with the status and body unless 2xx. */
    async json(path, opts = {}) {
      const res = await stack.api(path, opts);
      const text = await res.text();
      if (!res.ok) throw new Error(`${opts.method || 'GET'} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    async stop({ printLog = false } = {}) {
      if (printLog) stack.printLog();
      await stopServer();
      for (const c of cleanups) {
        try {
          c();
        } catch (e) {
          process.stderr.write(`e2e cleanup: ${e.message}\n`);
        }
      }
    },
  };

  try {
    cli('migrate');
    cli('user', 'add', '--email', stack.adminEmail, '--password', stack.adminPassword, '--admin');
    cli('project', 'add', '--name', 'Shop', '--slug', stack.projectSlug, '--owner', stack.adminEmail);
    const secret = (scope) => {
      const out = cli('key', 'create', '--project', stack.projectSlug, '--owner', stack.adminEmail, '--scope', scope, '--name', `e2e ${scope}`);
      return /inc_[A-Za-z0-9_-]+/.exec(out)[0];
    };
    stack.ingestKey = secret('ingest');
    stack.readKey = secret('read');
    await stack.startServer();
  } catch (e) {
    await stack.stop({ printLog: true });
    throw e;
  }
  return stack;
}

/** Runs `fn(stack)` on a fresh stack; prints the server log if it throws; always stops. */
export async function withStack(options, fn) {
  const stack = await startStack(options);
  let failed = false;
  try {
    return await fn(stack);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await stack.stop({ printLog: failed });
  }
}
