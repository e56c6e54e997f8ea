// Fails the build when dist/ holds anything but the four files the server
// embeds by name, so a stray chunk or asset is caught here and not at runtime.
import {readdirSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const expected = ['assets/index.css', 'assets/index.js', 'assets/replay.js', 'index.html'];

function list(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? list(path) : [relative(dist, path)];
  });
}

const found = list(dist).sort();
if (JSON.stringify(found) !== JSON.stringify(expected)) {
  console.error(`dist/ must contain exactly ${expected.join(', ')}; found ${found.join(', ')}`);
  process.exit(1);
}
