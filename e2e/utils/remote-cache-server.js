// A self-hosted Nx remote cache on loopback, speaking Nx's HTTP API
// (NX_SELF_HOSTED_REMOTE_CACHE_SERVER): PUT /v1/cache/{hash} stores a task's archive (409 when
// the entry exists: entries are immutable), GET /v1/cache/{hash} returns it (404 when unknown);
// every request carries `Authorization: Bearer <token>` (401 without, 403 when wrong).
// GET /-/stats (no token) reports what it answered and holds, for the test. A process of its own:
// the test runs nx with spawnSync, which would block a server living in the test's event loop.
//   node remote-cache-server.js <token>   → prints the port it listens on
'use strict';
const http = require('node:http');

const token = process.argv[2];
const store = new Map();
const answered = {};
const ENTRY = /^\/v1\/cache\/([A-Za-z0-9._-]+)$/;

const server = http.createServer((req, res) => {
  const answer = (status, body) => {
    const key = `${req.method} ${status}`;
    answered[key] = (answered[key] || 0) + 1;
    res.writeHead(status, body ? { 'content-type': 'application/octet-stream', 'content-length': body.length } : {});
    res.end(body);
  };
  const drain = (then) => {
    req.resume();
    req.on('end', then);
  };
  if (req.method === 'GET' && req.url === '/-/stats') {
    const entries = Object.fromEntries([...store].map(([hash, bytes]) => [hash, bytes.length]));
    // The test asks now and then; a kept-alive socket would be closed by the server's idle timeout
    // just as the next question reuses it ("other side closed").
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    return void res.end(JSON.stringify({ answered, entries }));
  }
  const hash = ENTRY.exec(req.url || '')?.[1];
  if (!req.headers.authorization) return drain(() => answer(401));
  if (req.headers.authorization !== `Bearer ${token}`) return drain(() => answer(403));
  if (!hash) return drain(() => answer(404));
  if (req.method === 'GET') return drain(() => (store.has(hash) ? answer(200, store.get(hash)) : answer(404)));
  if (req.method === 'PUT') {
    if (store.has(hash)) return drain(() => answer(409));
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      store.set(hash, Buffer.concat(chunks));
      answer(200);
    });
    return;
  }
  drain(() => answer(405));
});

server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
