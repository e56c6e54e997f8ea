import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import {defineConfig} from 'vite';

// The server embeds exactly dist/index.html, dist/assets/index.js and
// dist/assets/index.css by name, so every output name is fixed and nothing is
// split into extra chunks or emitted as a separate asset.
export default defineConfig({
  base: '/',
  plugins: [react(), tailwindcss()],
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
    // `npm run dev` proxies the API to a local incuera-server.
    proxy: {
      '/api': process.env.INCUERA_URL ?? 'http://127.0.0.1:8000',
      '/sdk.js': process.env.INCUERA_URL ?? 'http://127.0.0.1:8000',
    },
  },
});
