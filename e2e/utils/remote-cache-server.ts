import { spawn } from 'node:child_process';
import { join } from 'node:path';

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
  const child = spawn(process.execPath, [join(__dirname, 'remote-cache-server.js'), token], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(\d+)\n/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`remote cache server exited with ${code} before listening: ${out}`)));
  });
  child.stdout.resume();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    env: { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token },
    stats: async () => (await (await fetch(`${url}/-/stats`)).json()) as RemoteCacheStats,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
