import { spawn } from 'node:child_process';

export interface ChildServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * Runs `node <script> <args>` as a server of its own (tests run nx under spawnSync, which would
 * block a server in the test's event loop) and waits for the port it prints on its first line.
 */
export async function startChildServer(script: string, args: string[], what: string): Promise<ChildServer> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(\d+)\n/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before listening: ${out}`)));
  });
  child.stdout.resume();
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
