import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** A small programmable HTTP proxy in front of the real test registry, to cut or alter requests. */
export interface RegistryProxy {
  host: string;
  /** Answers a request itself by returning true; otherwise the request goes to the registry. */
  intercept: Handler;
  seen: Array<{ method: string; url: string; authorization?: string }>;
  close(): Promise<void>;
}

export async function startRegistryProxy(registryHost = process.env.MODELOS_TEST_REGISTRY!): Promise<RegistryProxy> {
  const [hostname, port] = registryHost.split(':');
  const server = http.createServer((req, res) => {
    proxy.seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
    if (proxy.intercept(req, res)) return;
    // The Host header stays the proxy's, so the registry's Location headers point back here.
    const upstream = http.request({ host: hostname, port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: RegistryProxy = {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    intercept: () => false,
    seen: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.keepAliveTimeout = 100;
  return proxy;
}
