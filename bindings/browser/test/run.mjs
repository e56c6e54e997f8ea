// `npm test`: unit tests of the pure logic (node:test), then the in-browser
// tests (playwright-core driving Debian's Chromium against a fake ingest server).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';

const unit = readdirSync('test/unit').filter((f) => f.endsWith('.test.ts'));
rmSync('test/.build', { recursive: true, force: true });
await build({
  entryPoints: unit.map((f) => `test/unit/${f}`),
  outdir: 'test/.build',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});

const run = (args) => spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
let status = run(['--test', ...unit.map((f) => `test/.build/${f.replace(/\.ts$/, '.mjs')}`)]);
if (process.argv.includes('--unit')) process.exit(status);
status = run(['scripts/build.mjs']) || status;
status = run(['--test', '--test-concurrency=1', 'test/browser/sdk.test.mjs']) || status;
process.exit(status);
