// A small site recorded by our SDK (the bundle the stack serves at /sdk.js)
// for the session page's panes and the search filters: pages with buttons
// that make real fetch/XHR calls (one answered 500, one to a closed port),
// log to the console at every level and throw an error.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const page = (name) => readFileSync(new URL(`./site/${name}`, import.meta.url));

/** Starts the site on a free 127.0.0.1 port; resolves to { url, close() }. */
export async function startSite(stack) {
  const res = await fetch(`${stack.url}/sdk.js`);
  if (!res.ok) throw new Error(`GET /sdk.js: ${res.status}`);
  const sdk = Buffer.from(await res.arrayBuffer());
  let origin = '';
  const init = () =>
    `window.incuera = new Incuera(${JSON.stringify({
      apiKey: stack.ingestKey,
      apiHost: stack.url,
      captureConsole: ['log', 'info', 'warn', 'error'],
      flushIntervalMs: 500,
      network: { recordUrls: [`${origin}/api-demo/products`], recordHeaders: ['content-type'], recordBodies: true },
    })}).init();`;
  const routes = {
    '/sdk.js': ['text/javascript', () => sdk],
    '/init.js': ['text/javascript', init],
    '/site/index.html': ['text/html', () => page('index.html')],
    '/site/page2.html': ['text/html', () => page('page2.html')],
    '/site/quiet.html': ['text/html', () => page('quiet.html')],
    '/api-demo/products': ['application/json', () => JSON.stringify({ items: ['teapot', 'kettle', 'mug'] })],
    '/api-demo/items': ['text/plain', () => 'item list'],
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/api-demo/broken') return res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"boom"}');
    const route = routes[path];
    if (!route) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': route[0], 'Cache-Control': 'no-store' }).end(route[1]());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  return { url: origin, close: () => new Promise((resolve) => server.close(resolve)) };
}
