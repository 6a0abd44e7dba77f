import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The faults a registry and the network between do to a client. */
export const FAULTS = ['status-500', 'status-502', 'status-503', 'status-429', 'reset', 'lost-answer', 'reset-mid-body', 'truncated-body', 'slow-body', 'no-location'] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultProxy {
  host: string;
  /** Chance that a request meets a fault; 0 lets everything through. */
  rate: number;
  /** Faults injected so far, by kind. */
  injected: Record<Fault, number>;
  requests: number;
  close(): Promise<void>;
}

/**
 * A proxy in front of the real registry that, with probability `rate` per request (drawn from
 * `random`, so a seed replays a run), answers 500/502/503 or 429 with `Retry-After: 1` itself,
 * resets the connection before or in the middle of the answer, cuts a body short of its
 * Content-Length, dribbles it slowly, drops the `Location` of an upload it started, or lets the
 * registry carry a request out and loses its answer (the client cannot tell whether it happened).
 */
export async function startFaultProxy(registryHost: string, random: () => number, rate: number): Promise<FaultProxy> {
  const [hostname, port] = registryHost.split(':');
  const proxy: FaultProxy = {
    host: '',
    rate,
    injected: Object.fromEntries(FAULTS.map((fault) => [fault, 0])) as Record<Fault, number>,
    requests: 0,
    close: () => Promise.resolve(),
  };

  const pick = (req: http.IncomingMessage): Fault | undefined => {
    if (random() >= proxy.rate) return undefined;
    const isUploadStart = req.method === 'POST' && /\/blobs\/uploads\/$/.test(req.url!.split('?')[0]);
    // Body faults where there is a body to break (manifests, tag lists, blobs), a Location where one is due.
    const candidates = FAULTS.filter((fault) => {
      if (fault === 'no-location') return isUploadStart;
      if (fault === 'reset-mid-body' || fault === 'truncated-body' || fault === 'slow-body') return req.method === 'GET';
      return true;
    });
    return candidates[Math.floor(random() * candidates.length)];
  };

  const server = http.createServer((req, res) => {
    proxy.requests++;
    const fault = pick(req);
    if (fault) proxy.injected[fault]++;
    const status = fault && /^status-(\d+)$/.exec(fault);
    if (status) {
      req.resume();
      res.writeHead(Number(status[1]), { 'content-type': 'application/json', ...(status[1] === '429' ? { 'retry-after': '1' } : {}) });
      res.end('{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}');
      return;
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    const upstream = http.request({ host: hostname, port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (fault === 'lost-answer') {
        answer.resume();
        answer.on('end', () => res.socket?.destroy());
        return;
      }
      const headers = { ...answer.headers };
      if (fault === 'no-location') delete headers.location;
      res.writeHead(answer.statusCode!, headers);
      if (fault === 'reset-mid-body' || fault === 'truncated-body') {
        cutShort(answer, res, fault);
        return;
      }
      if (fault === 'slow-body') {
        slowly(answer, res);
        return;
      }
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.keepAliveTimeout = 100;
  proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

/** Sends half the body (at least one byte less than promised), then resets or closes the connection. */
function cutShort(answer: http.IncomingMessage, res: http.ServerResponse, fault: 'reset-mid-body' | 'truncated-body'): void {
  const chunks: Buffer[] = [];
  answer.on('data', (chunk: Buffer) => chunks.push(chunk));
  answer.on('end', () => {
    const body = Buffer.concat(chunks);
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    if (fault === 'reset-mid-body') res.socket?.resetAndDestroy();
    else res.socket?.end();
  });
}

/** Passes the body on with a pause before each chunk: a slow link, not a dead one. */
function slowly(answer: http.IncomingMessage, res: http.ServerResponse): void {
  answer.on('data', (chunk: Buffer) => {
    answer.pause();
    setTimeout(() => {
      res.write(chunk);
      answer.resume();
    }, 20);
  });
  answer.on('end', () => setTimeout(() => res.end(), 30));
}
