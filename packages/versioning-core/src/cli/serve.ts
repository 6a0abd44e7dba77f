import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { UserError } from '../errors';
import { parsePackageRef } from '../install/package-ref';
import { prepareServerPackage, serverArgs } from '@modelos/runtime';

export interface ServeInput {
  ref: string;
  port: number;
  host: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * `mdl serve <registry>:<resource>-pkg-v<version>`: runs the server package in the foreground,
 * its output passed through, until it exits or this process is interrupted. Resolves to the
 * server's exit code.
 */
export async function serve(input: ServeInput): Promise<number> {
  const ref = parsePackageRef(input.ref, input.cwd);
  if (ref.kind !== 'server' || !ref.version) {
    throw new UserError(`serve runs server packages: use <registry>:<resource>-pkg-v<version>, not a client package (${input.ref})`);
  }
  const { dir } = await prepareServerPackage({ registry: ref.registry, resource: ref.resource, version: ref.version, env: input.env });
  const child = spawn(process.execPath, serverArgs(dir, input.port, input.host), { cwd: dir, env: input.env, stdio: ['pipe', 'inherit', 'inherit'] });
  // Ctrl-C reaches the whole foreground group; a TERM sent to mdl alone is passed on.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
    });
  } finally {
    process.off('SIGINT', forward).off('SIGTERM', forward);
  }
}
