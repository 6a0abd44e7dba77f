import { join } from 'node:path';
import { startChildServer } from './child-server';

/** Requests answered by method and status (`PUT 200`, `GET 404`, …) and bytes held per entry. */
export interface RemoteCacheStats {
  answered: Record<string, number>;
  entries: Record<string, number>;
}

/** The self-hosted Nx remote cache of `remote-cache-server.js`, run as a child process. */
export interface RemoteCacheServer {
  url: string;
  /** Env of an nx run that uses this cache. */
  env: Record<string, string>;
  stats(): Promise<RemoteCacheStats>;
  stop(): Promise<void>;
}

export async function startRemoteCacheServer(token = `e2e-${process.pid}-${Date.now()}`): Promise<RemoteCacheServer> {
  const server = await startChildServer(join(__dirname, 'remote-cache-server.js'), [token], 'remote cache server');
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    env: { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token },
    stats: async () => (await (await fetch(`${url}/-/stats`)).json()) as RemoteCacheStats,
    stop: server.stop,
  };
}
