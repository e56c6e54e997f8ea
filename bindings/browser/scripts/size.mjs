// Prints the size of the built bundles: minified, and minified + gzip (what a browser downloads).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

for (const file of ['dist/incuera.iife.js', 'dist/incuera.esm.js']) {
  const code = readFileSync(file);
  const gz = gzipSync(code, { level: 9 }).length;
  console.log(`${file}: ${(code.length / 1024).toFixed(1)} KiB min, ${(gz / 1024).toFixed(1)} KiB min+gzip (${gz} bytes)`);
}
