import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import {fileURLToPath} from 'node:url';
import {type ProxyOptions, defineConfig} from 'vite';

const server = process.env.INCUERA_URL ?? 'http://127.0.0.1:8000';

// `npm run dev` forwards the API to a running incuera-server. The server
// refuses cookie-authenticated writes from other origins, so the proxy
// presents the server's own origin.
const toServer: ProxyOptions = {
  target: server,
  changeOrigin: true,
  configure: (proxy) => proxy.on('proxyReq', (request) => request.setHeader('Origin', server)),
};

// rrweb comes from the browser SDK's install, not from this package: the
// SDK's package.json is the one place that pins it, so the dashboard replays
// with the version that records (tsconfig.json's `paths` says the same to tsc).
// Run `npm ci` in bindings/browser before building; the CMake build does.
const rrweb = fileURLToPath(new URL('../../bindings/browser/node_modules/rrweb', import.meta.url));

export default defineConfig({
  base: '/',
  plugins: [react(), tailwindcss()],
  resolve: {alias: {rrweb}},
  // The server embeds exactly dist/index.html, dist/assets/index.js,
  // dist/assets/replay.js and dist/assets/index.css by name, so every output
  // name is fixed: the entry, one stylesheet and the one chunk split off, the
  // replay with rrweb that the session page imports dynamically
  // (session/LazyReplay.tsx), named after its module (session/Replay.tsx).
  // scripts/check-dist.mjs fails the build on any other file.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 100_000_000,
    cssCodeSplit: false,
    modulePreload: false,
    sourcemap: false,
    // The replay chunk is about 400 kB with rrweb 2.2, most of it rrweb.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/index.js',
        chunkFileNames: (chunk) => `assets/${chunk.name.toLowerCase()}.js`,
        assetFileNames: 'assets/index[extname]',
      },
    },
  },
  server: {
    proxy: {'/api': toServer, '/sdk.js': toServer},
  },
});
