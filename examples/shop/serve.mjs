#!/usr/bin/env node
// Serves the demo shop without the Incuera server, for trying the SDK against
// any ingest endpoint:
//   node examples/shop/serve.mjs [--port 8080 (0: any free port)] [--key <API key>] [--host <server origin>] [--sdk <path to incuera.iife.js>]
// The shop is served at / and at /demo/, the SDK bundle at /sdk.js, and
// shop-config.js is generated from --key/--host.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const port = Number(arg('port', 8080));
const config = { apiKey: arg('key', ''), apiHost: arg('host', '') };
const sdk = arg('sdk', join(here, '../../bindings/browser/dist/incuera.iife.js'));
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

const server = createServer(async (req, res) => {
  let path = new URL(req.url, 'http://x').pathname.replace(/^\/demo(?=\/|$)/, '') || '/';
  if (path.endsWith('/')) path += 'index.html';
  try {
    let body;
    if (path === '/sdk.js') body = await readFile(sdk);
    else if (path === '/shop-config.js') body = `window.INCUERA_CONFIG = ${JSON.stringify(config)};\n`;
    else {
      const file = normalize(join(here, path));
      if (!file.startsWith(here) || !types[extname(file)]) throw new Error('not found');
      body = await readFile(file);
    }
    res.writeHead(200, { 'Content-Type': types[extname(path)] || 'text/plain', 'Cache-Control': 'no-store' }).end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});
server.listen(port, '127.0.0.1', () => {
  console.log(`Incuera demo shop: http://127.0.0.1:${server.address().port}/demo/`);
  if (!config.apiKey) console.log('No --key given: recording stays off unless the URL has ?key=…');
});
