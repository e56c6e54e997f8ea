// Checks that the repository builds with exactly one rrweb: the version this
// package.json pins. The render player embeds rrweb from this folder's
// node_modules and the dashboard resolves it from here too, so no other
// package.json may name rrweb (that would be a second place to upgrade), and
// no package-lock.json may resolve a different rrweb. tests/data/** is left
// out: its recorders keep old rrweb versions on purpose, to re-make the
// compatibility fixtures the way they were made.
//
// Usage: node check-rrweb-pin.mjs [repo-root]   (exit 1 and a list of offenders)
// The build runs it after the SDK's npm ci; ctest runs it as `rrweb_pin`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const sdkManifest = join(root, 'bindings', 'browser', 'package.json');
const pin = JSON.parse(readFileSync(sdkManifest, 'utf8')).dependencies?.rrweb;
const problems = [];
if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(pin ?? '')) {
  problems.push(`${relative(root, sdkManifest)}: rrweb must be pinned to one exact version, not "${pin}"`);
}

const skipped = new Set(['node_modules', '.git', 'dist', 'var']);
function* manifests(dir) {
  const entries = readdirSync(dir, { withFileTypes: true });
  // a CMake build tree holds copies and generated files, not sources
  if (entries.some((e) => e.name === 'CMakeCache.txt')) return;
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skipped.has(e.name) && relative(root, path) !== join('tests', 'data')) yield* manifests(path);
    } else if (e.name === 'package.json' || e.name === 'package-lock.json') {
      yield path;
    }
  }
}

const sections = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
for (const file of manifests(root)) {
  const name = relative(root, file);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  if (file.endsWith('package-lock.json')) {
    for (const [path, entry] of Object.entries(json.packages ?? {})) {
      if (/(^|\/)node_modules\/rrweb$/.test(path) && entry.version !== pin) {
        problems.push(`${name}: ${path} resolves rrweb ${entry.version ?? entry.resolved}, the SDK pins ${pin}`);
      }
    }
  } else if (file !== sdkManifest && sections.some((s) => json[s]?.rrweb !== undefined)) {
    problems.push(`${name}: names rrweb; only bindings/browser/package.json may (one version, one place)`);
  }
}

if (problems.length) {
  console.error(`rrweb pin check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`rrweb ${pin}: the only rrweb in the repository`);
