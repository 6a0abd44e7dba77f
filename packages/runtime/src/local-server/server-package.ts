import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { runNpm } from '../packages/npm';
import { downloadTarball, resolvePackage, type PackageArtifact } from '../packages/pull-package';
import { digestHex, openRepository, type RegistryReference } from '../oci';
import { modelosCacheDir } from '../cache-dir';
import { serverPackageTag, versionTag, type Version } from '../tags';
import { extractNpmTarball } from './npm-tarball-extract';

/** The entry every server package has at its root: `node server.js --port N`. */
export const SERVER_ENTRY = 'server.js';

/**
 * Preloaded into every server: its stdin is a pipe from the process that started it, which
 * reaches end of file when that process exits, however it exits (even SIGKILL). The server then
 * exits too, so no server outlives the program that started it.
 */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent('process.stdin.on("end",()=>process.exit(0));process.stdin.resume();process.stdin.unref();')}`;

/** `node` arguments that run the server of an extracted package; spawn it with stdin as a pipe. */
export function serverArgs(dir: string, port: number, host: string): string[] {
  return ['--import', EXIT_WITH_PARENT, path.join(dir, SERVER_ENTRY), '--port', String(port), '--host', host];
}

export interface ServerPackageInput {
  registry: RegistryReference;
  resource: string;
  version: Version;
  env: NodeJS.ProcessEnv;
  /** Manifest digest the package must have (an environment pinned it); another digest is refused. */
  manifestDigest?: string;
}

export interface ServerPackage {
  /** The extracted package, with its dependencies installed: holds `server.js`. */
  dir: string;
  artifact: PackageArtifact;
}

/** Extracted packages live beside Ocidex's indexes, in the user's modelos cache. */
export function packageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(modelosCacheDir(env), 'packages');
}

/**
 * The server package `pkg-v<version>` of `resource`, pulled and extracted into a directory named
 * by its tarball's digest, and reused from there. The directory is built under a temp name
 * (extract, then `npm install` of its dependencies) and renamed into place, so it exists
 * complete or not at all, whatever crashes or races.
 */
export async function prepareServerPackage(input: ServerPackageInput): Promise<ServerPackage> {
  const repo = openRepository(input.registry, input.resource, { env: input.env });
  const artifact = await resolvePackage(repo, input.resource, serverPackageTag(input.version), 'server');
  if (input.manifestDigest && artifact.manifestDigest !== input.manifestDigest) {
    throw new UserError(`${artifact.repository}:${artifact.tag} is ${artifact.manifestDigest}, not ${input.manifestDigest} as pinned: package tags are never moved, so refusing it`);
  }
  const cache = packageCacheDir(input.env);
  const dir = path.join(cache, digestHex(artifact.tarball.digest));
  if (fs.existsSync(dir)) return { dir, artifact };

  fs.mkdirSync(cache, { recursive: true });
  const tmp = path.join(cache, `.tmp-${randomUUID()}`);
  fs.mkdirSync(tmp);
  try {
    const what = `server package ${artifact.repository}:${artifact.tag}`;
    // Verified whole before extraction: a corrupt download fails as a digest mismatch, not as whatever gunzip makes of it.
    const tarball = `${tmp}.tgz`;
    await downloadTarball(repo, artifact, tarball);
    await extractNpmTarball(fs.createReadStream(tarball), tmp, what);
    if (missingDependencies(tmp, what)) {
      const installing = `installing the dependencies of ${input.resource} ${versionTag(input.version)}`;
      await runNpm(['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: tmp, env: input.env, what: installing });
    }
    renameUnlessPresent(tmp, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(`${tmp}.tgz`, { force: true });
  }
  return { dir, artifact };
}

/** Whether a dependency of the package.json a server package must have is not in its node_modules yet. */
function missingDependencies(dir: string, what: string): boolean {
  if (!fs.existsSync(path.join(dir, SERVER_ENTRY))) throw new UserError(`${what} lacks ${SERVER_ENTRY}`);
  const manifest = readManifest(dir, what);
  return Object.keys(manifest.dependencies ?? {}).some((name) => !fs.existsSync(path.join(dir, 'node_modules', name, 'package.json')));
}

function readManifest(dir: string, what: string): { dependencies?: Record<string, string>; bundleDependencies?: string[] } {
  const file = path.join(dir, 'package.json');
  if (!fs.existsSync(file)) throw new UserError(`${what} lacks package.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { dependencies?: Record<string, string>; bundleDependencies?: string[] };
  } catch {
    throw new UserError(`${what} has a package.json that is not valid JSON`);
  }
}

/** Another process may have put the same content in place first: theirs is as good as ours. */
function renameUnlessPresent(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !fs.existsSync(to)) throw err;
  }
}
