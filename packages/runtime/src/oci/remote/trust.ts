import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { UserError } from '../../errors';

/**
 * Where docker keeps a registry's private CA: `<dir>/<host[:port]>/*.crt`, looked up in
 * `$DOCKER_CONFIG/certs.d` (default `~/.docker/certs.d`, the rootless and per-user place) and
 * then `/etc/docker/certs.d` (the daemon's). Client certificates (`*.cert`/`*.key`) are not read.
 */
export function certsDirs(host: string, env: NodeJS.ProcessEnv): string[] {
  const dockerConfig = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
  return [path.join(dockerConfig, 'certs.d', host), path.join('/etc/docker/certs.d', host)];
}

/**
 * The CAs to trust for `host`, or undefined for node's defaults: node's roots plus
 * `NODE_EXTRA_CA_CERTS` and docker's certs.d CAs for the host. The variable is read from `env`
 * (node reads it only from its own environment at start-up, and never adds it to an explicit list).
 */
export function trustedCas(host: string, env: NodeJS.ProcessEnv): string[] | undefined {
  const found = certsDirs(host, env).flatMap((dir) => crtFiles(dir));
  if (found.length === 0 && !env.NODE_EXTRA_CA_CERTS) return undefined;
  const extra = env.NODE_EXTRA_CA_CERTS ? [readCa(env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS')] : [];
  return [...tls.rootCertificates, ...extra, ...found.map((file) => readCa(file, 'docker certs.d'))];
}

function crtFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.crt'))
    .sort()
    .map((name) => path.join(dir, name));
}

function readCa(file: string, from: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the CA certificate ${file} (from ${from}): ${(err as Error).message}`);
  }
}
