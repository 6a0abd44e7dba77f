import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../errors';

export interface Credentials {
  username: string;
  password: string;
  /**
   * A refresh token (docker's `identitytoken`, or a helper's `<token>` user): exchanged at the
   * token realm with an OAuth2 POST instead of sending the password; `password` is empty then.
   */
  identityToken?: string;
  /** Where they came from, for error messages (never the secret itself). */
  source: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

const DOCKER_HUB = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/**
 * Credentials for `host`: env MODELOS_REGISTRY_USERNAME/PASSWORD, else docker config.json
 * (`credHelpers[host]`, then `credsStore`, then `auths[host]`); undefined means anonymous.
 */
export async function resolveCredentials(host: string, env: NodeJS.ProcessEnv): Promise<Credentials | undefined> {
  const username = env.MODELOS_REGISTRY_USERNAME;
  const password = env.MODELOS_REGISTRY_PASSWORD;
  if (username || password) {
    if (!username || !password) {
      throw new UserError('set both MODELOS_REGISTRY_USERNAME and MODELOS_REGISTRY_PASSWORD, or neither');
    }
    return { username, password, source: 'env MODELOS_REGISTRY_USERNAME' };
  }
  const file = dockerConfigPath(env);
  const config = readDockerConfig(file);
  if (!config) return undefined;

  const helperKey = findKey(config.credHelpers, host);
  if (helperKey !== undefined) {
    const helper = config.credHelpers![helperKey];
    return runCredentialHelper(helper, helperKey, env, `${file} credHelpers`);
  }
  if (config.credsStore) {
    const serverUrl = findKey(config.auths, host) ?? serverUrlFor(host);
    const stored = await runCredentialHelper(config.credsStore, serverUrl, env, `${file} credsStore`);
    if (stored) return stored;
  }
  const authKey = findKey(config.auths, host);
  return authKey === undefined ? undefined : fromAuthEntry(config.auths![authKey], `${file} auths["${authKey}"]`);
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  if (env.DOCKER_CONFIG) return path.join(env.DOCKER_CONFIG, 'config.json');
  return path.join(env.HOME || os.homedir(), '.docker', 'config.json');
}

function readDockerConfig(file: string): DockerConfig | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read docker config ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as DockerConfig;
  } catch {
    throw new UserError(`docker config ${file} is not valid JSON`);
  }
}

/** Config keys may be `host`, `https://host` or `https://host/v1/`; Docker Hub has several names. */
function findKey(entries: Record<string, unknown> | undefined, host: string): string | undefined {
  if (!entries) return undefined;
  const wanted = DOCKER_HUB.includes(host) ? DOCKER_HUB.map(serverHost) : [host.toLowerCase()];
  return Object.keys(entries).find((key) => wanted.includes(serverHost(key)));
}

function serverHost(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').split('/')[0].toLowerCase();
}

function serverUrlFor(host: string): string {
  return DOCKER_HUB.includes(host) ? DOCKER_HUB[0] : host;
}

function fromAuthEntry(entry: AuthEntry, source: string): Credentials | undefined {
  if (entry.identitytoken) {
    const username = entry.username ?? (entry.auth ? Buffer.from(entry.auth, 'base64').toString('utf8').split(':')[0] : '');
    return { username: username || '<token>', password: '', identityToken: entry.identitytoken, source };
  }
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new UserError(`${source}.auth is not base64 of "username:password"`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password, source };
  return undefined;
}

/** Runs `docker-credential-<helper> get` with the server URL on stdin; undefined when it knows none. */
function runCredentialHelper(helper: string, serverUrl: string, env: NodeJS.ProcessEnv, source: string): Promise<Credentials | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    // A helper waiting for a keychain prompt that never comes must not hang the command.
    const timer = setTimeout(() => child.kill(), 30_000).unref();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => undefined); // a helper that exits early closes its stdin
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new UserError(`credential helper ${program} (from ${source}) is not installed or not on PATH`)
          : new UserError(`credential helper ${program} (from ${source}) could not run: ${error.message}`),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8').trim();
      if (code !== 0) {
        if (/credentials not found/i.test(stdout)) {
          resolve(undefined);
          return;
        }
        const reason = (Buffer.concat(err).toString('utf8').trim() || stdout).split('\n')[0].slice(0, 200);
        reject(new UserError(`credential helper ${program} (from ${source}) failed for ${serverUrl}: ${reason || `exit code ${code}`}`));
        return;
      }
      try {
        const parsed = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!parsed.Username || !parsed.Secret) resolve(undefined);
        // docker's convention: the user "<token>" means the secret is an identity (refresh) token.
        else if (parsed.Username === '<token>') resolve({ username: '<token>', password: '', identityToken: parsed.Secret, source: program });
        else resolve({ username: parsed.Username, password: parsed.Secret, source: program });
      } catch {
        reject(new UserError(`credential helper ${program} (from ${source}) printed something other than JSON`));
      }
    });
    child.stdin.end(serverUrl);
  });
}
