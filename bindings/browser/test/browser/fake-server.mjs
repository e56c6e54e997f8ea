// A stand-in for the Incuera ingest API: records every request (gzip bodies
// decoded), answers CORS like the real server, and can be told to fail the
// next ingest requests with given statuses.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

export async function startFakeServer() {
  const requests = [];
  const forced = []; // statuses for the next /api/ingest requests
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-API-Key, Content-Encoding');
        res.setHeader('Access-Control-Max-Age', '600');
        res.writeHead(204).end();
        return;
      }
      let raw = Buffer.concat(chunks);
      const wireBytes = raw.length;
      const gzip = req.headers['content-encoding'] === 'gzip';
      if (gzip) raw = gunzipSync(raw);
      let body = null;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        // recorded as null; the test asserts on it
      }
      const status = req.url === '/api/ingest' && forced.length ? forced.shift() : 200;
      requests.push({ path: req.url, method: req.method, headers: req.headers, gzip, wireBytes, body, text: raw.toString('utf8'), status, at: Date.now() });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { success: true, message: 'ok', events_received: body?.events?.length ?? 0 } : { error: { code: 'forced', message: 'forced failure' } }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNextIngest: (...statuses) => forced.push(...statuses),
    /** Stop answering at all (connections refused) for `ms`, as when the server restarts. */
    async outage(ms) {
      await new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      });
      await new Promise((r) => setTimeout(r, ms));
      await new Promise((r) => server.listen(port, '127.0.0.1', r));
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Serves the test pages and the SDK bundle as /sdk.js (a different origin from the API). */
export async function startPageServer(files) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = files[path];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(file.body());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://localhost:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
