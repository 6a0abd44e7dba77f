import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A self-hosted Nx remote cache on loopback, speaking Nx's HTTP API
 * (`NX_SELF_HOSTED_REMOTE_CACHE_SERVER`): `PUT /v1/cache/{hash}` stores a task's archive (409
 * when the entry exists: entries are immutable), `GET /v1/cache/{hash}` returns it (404 when
 * unknown); every request carries `Authorization: Bearer <token>` (401 without, 403 when wrong).
 */
export interface RemoteCacheServer {
  url: string;
  token: string;
  /** Requests answered, by method and status (`PUT 200`, `GET 404`, …). */
  readonly answered: Map<string, number>;
  /** Bytes held, per entry. */
  readonly entries: Map<string, number>;
  /** Env of an nx run that uses this cache. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

const ENTRY = /^\/v1\/cache\/([A-Za-z0-9._-]+)$/;

export async function startRemoteCacheServer(token = `e2e-${process.pid}-${Date.now()}`): Promise<RemoteCacheServer> {
  const store = new Map<string, Buffer>();
  const answered = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const answer = (status: number, body?: Buffer) => {
      const key = `${req.method} ${status}`;
      answered.set(key, (answered.get(key) ?? 0) + 1);
      res.writeHead(status, body ? { 'content-type': 'application/octet-stream', 'content-length': body.length } : {});
      res.end(body);
    };
    const hash = ENTRY.exec(req.url ?? '')?.[1];
    const auth = req.headers.authorization;
    if (!auth) return void drain(req, () => answer(401));
    if (auth !== `Bearer ${token}`) return void drain(req, () => answer(403));
    if (!hash) return void drain(req, () => answer(404));
    if (req.method === 'GET') {
      const entry = store.get(hash);
      return void drain(req, () => (entry ? answer(200, entry) : answer(404)));
    }
    if (req.method === 'PUT') {
      if (store.has(hash)) return void drain(req, () => answer(409));
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        store.set(hash, Buffer.concat(chunks));
        answer(200);
      });
      return;
    }
    drain(req, () => answer(405));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    token,
    answered,
    get entries() {
      return new Map([...store].map(([hash, bytes]) => [hash, bytes.length]));
    },
    env: () => ({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function drain(req: http.IncomingMessage, then: () => void): void {
  req.resume();
  req.on('end', then);
}
