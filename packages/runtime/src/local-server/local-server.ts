import { spawn, type ChildProcess } from 'node:child_process';
import { UserError } from '../errors';
import { unknownResource } from '../packages/pull-package';
import { openRepository, parseRegistryReference, type RegistryReference } from '../oci';
import * as semver from 'semver';
import { findLock, lockedVersion } from '../requirements/lock-file';
import { parseSpec } from '../requirements/spec';
import { classifyTag, compareVersions, formatVersion, isStable, parseVersion, versionTag, type Version } from '../tags';
import { prepareServerPackage, serverArgs } from './server-package';

export interface LocalServerInput {
  /** Registry reference, e.g. `oci://127.0.0.1:5000/ml-project` or a layout path; env MODELOS_REGISTRY overrides it. */
  registry: string;
  resource: string;
  /** `v1.4.2` or `1.4.2`. */
  version: string;
  /** Credentials, MODELOS_REGISTRY, cache location and the server's environment; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long the server may take to report that it listens; default 30 s. */
  startTimeoutMs?: number;
}

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `v1.4.2` */
  version: string;
  /** Digest of the server package's tarball. */
  digest: string;
  /** Stops the server; resolves once it has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

const LISTENING = /^listening on (http:\/\/\S+)\s*$/;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 5_000;
const KEPT_STDERR = 16 * 1024;

/**
 * Pulls the server package `pkg-v<version>` of `resource` (cached by digest), starts
 * `node server.js --port 0 --host 127.0.0.1` and resolves once it listens. The server does not
 * keep this process alive, and dies with it.
 */
export async function startLocalServer(input: LocalServerInput): Promise<LocalServer> {
  const env = input.env ?? process.env;
  const version = parseVersion(input.version);
  const { dir, artifact } = await prepareServerPackage({ registry: registryOf(input.registry, env), resource: input.resource, version, env });
  const what = `server ${input.resource} ${versionTag(version)}`;
  const { url, child } = await spawnServer(dir, what, env, input.startTimeoutMs);
  return { url, version: versionTag(version), digest: artifact.tarball.digest, stop: () => stopChild(child) };
}

/**
 * Starts the server of an extracted package on a free loopback port and resolves once it
 * listens; it does not keep this process alive, and dies with it. `child` tells when it exits.
 */
export async function spawnServer(dir: string, what: string, env: NodeJS.ProcessEnv, startTimeoutMs = DEFAULT_START_TIMEOUT_MS): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, serverArgs(dir, 0, '127.0.0.1'), { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const url = await waitUntilListening(child, what, startTimeoutMs);
  detach(child);
  return { url, child };
}

/**
 * The newest stable `v<major>.x.y` of `resource` that has a server package (`pkg-v…` tag) and
 * meets `range` when given, e.g. `v1.4.2`. One tag listing; no manifest is read.
 */
export async function newestServerVersion(input: { registry: string; resource: string; major: number; range?: semver.Range; env?: NodeJS.ProcessEnv }): Promise<string> {
  const env = input.env ?? process.env;
  const repo = openRepository(registryOf(input.registry, env), input.resource, { env });
  const tags = await repo.listTags();
  if (tags.length === 0) throw unknownResource(repo, input.resource);
  const versions = tags
    .map(classifyTag)
    .filter((info) => info.kind === 'server-package' && info.version && isStable(info.version) && info.version.major === input.major)
    .map((info) => info.version as Version)
    .filter((version) => !input.range || input.range.test(formatVersion(version)));
  if (versions.length === 0) {
    const wanted = input.range ? ` meeting ${input.range.raw}` : '';
    throw new UserError(`${repo.reference} has no server package of ${input.resource} v${input.major}.x.y${wanted} (no such pkg-v${input.major}.* tag)`);
  }
  return versionTag(versions.reduce((newest, v) => (compareVersions(v, newest) > 0 ? v : newest)));
}

/**
 * Which server a client of `major` starts (Murano's `classVersion`, SPEC §9): `spec` is the
 * client class's `version` (`^1.4`, `1.4`, `v1.4.2`; none = any). With a `modelos.lock.json`
 * at or above `cwd` that locks this resource in this major, its version (which must meet the
 * spec); else the newest release of the major that meets it. A spec no version of the major
 * can meet is an error: another major needs its own client package.
 */
export async function serverVersionFor(input: { registry: string; resource: string; major: number; spec?: string; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const where = `${input.resource} client version`;
  const range = input.spec === undefined ? undefined : parseSpec(input.spec, where).range;
  if (range && !semver.intersects(range, new semver.Range(`${input.major}.x`))) {
    throw new UserError(
      `${where} ${JSON.stringify(input.spec)} is outside this client's major ${input.major}: a ${input.resource}-client-v${input.major} talks to v${input.major}.x.y servers only; install the client of the major you want`,
    );
  }
  const found = findLock(input.cwd ?? process.cwd());
  const locked = found && lockedVersion(found.lock, input.resource, input.major);
  if (locked) {
    if (range && !range.test(locked.version)) {
      throw new UserError(`${found.file} locks ${input.resource} ${locked.version}, which does not meet ${where} ${JSON.stringify(input.spec)}: change the spec or resolve again`);
    }
    return versionTag(parseVersion(locked.version));
  }
  return newestServerVersion({ ...input, range });
}

function registryOf(given: string, env: NodeJS.ProcessEnv): RegistryReference {
  return parseRegistryReference(env.MODELOS_REGISTRY?.trim() || given, process.cwd());
}

function waitUntilListening(child: ChildProcess, what: string, timeoutMs: number): Promise<string> {
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-KEPT_STDERR);
  });
  return new Promise<string>((resolve, reject) => {
    const fail = (reason: string) => {
      cleanup();
      child.kill('SIGKILL');
      reject(new UserError(`${what} ${reason}${stderrTail(stderr)}`));
    };
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').slice(0, -1).map((l) => LISTENING.exec(l)).find(Boolean);
      if (!line) return;
      cleanup();
      resolve(line[1]);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${signal ?? `code ${code}`}) before it listened`);
    const onError = (err: Error) => fail(`could not start: ${err.message}`);
    const timer = setTimeout(() => fail(`did not report "listening on http://…" within ${timeoutMs} ms`), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** The last lines of the server's stderr worth reading (no stack frames), as part of one line. */
function stderrTail(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !/^at /.test(line) && !/^Node\.js v/.test(line) && line !== '^');
  return lines.length ? `; its stderr ends with: ${lines.slice(-3).join(' | ').slice(-600)}` : '; it wrote nothing to stderr';
}

/** Keep reading the server's output (a full pipe would block it) without keeping this process alive. */
function detach(child: ChildProcess): void {
  for (const stream of [child.stdout, child.stderr]) {
    stream!.resume();
    (stream as unknown as { unref?: () => void }).unref?.();
  }
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  child.unref();
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the server has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.ref(); // keep this process alive until the server is gone
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
