// Builds dist/incuera.esm.js (rrweb bundled in, for bundlers and <script type=module>)
// and dist/incuera.iife.js (window.Incuera, for a plain <script src=".../sdk.js">),
// both minified, plus type declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const common = {
  entryPoints: ['src/index.ts'],
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ['es2019'],
  legalComments: 'eof',
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: 'dist/incuera.esm.js' });
// The IIFE's global is the class itself, so `new Incuera({...})` works.
await build({
  ...common,
  format: 'iife',
  globalName: 'Incuera',
  footer: { js: 'Incuera=Incuera.default;' },
  outfile: 'dist/incuera.iife.js',
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });
