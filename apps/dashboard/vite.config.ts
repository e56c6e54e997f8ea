import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
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

export default defineConfig({
  base: '/',
  plugins: [react(), tailwindcss()],
  // The server embeds exactly dist/index.html, dist/assets/index.js and
  // dist/assets/index.css by name, so every output name is fixed and nothing
  // is split into extra chunks or emitted as a separate asset.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 100_000_000,
    cssCodeSplit: false,
    modulePreload: false,
    sourcemap: false,
    rolldownOptions: {
      onwarn(warning, warn) {
        // rrweb's canvas-recording worker loader probes Node's worker_threads
        // inside a try block; the replayer never reaches it in a browser.
        if (warning.message.includes('"worker_threads" has been externalized')) return;
        warn(warning);
      },
      output: {
        entryFileNames: 'assets/index.js',
        chunkFileNames: 'assets/index.js',
        assetFileNames: 'assets/index[extname]',
        codeSplitting: false,
      },
    },
  },
  server: {
    proxy: {'/api': toServer, '/sdk.js': toServer},
  },
});
