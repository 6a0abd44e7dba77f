import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { digestFile, openRepository, type Repository } from '../oci';
import {
  downloadTarball,
  findLock,
  lockedVersion,
  resolvePackage,
  runNpm,
  type PackageArtifact,
  type PackageConfig,
  type PackageKind,
} from '@modelos/runtime';
import { clientPackageTag, parseVersion } from '../tags';
import { parsePackageRef } from './package-ref';
import { ProjectChanges } from './project-changes';

export interface InstallOptions {
  /** Where the npm project is looked for (nearest package.json); relative layout paths resolve here too. Default: process.cwd(). */
  cwd?: string;
  /** Registry credentials and npm's environment. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface InstallResult {
  /** The name it is installed under: `@ml-project/ham-client-v1`, `@ml-project/ham-v1_2_1`. */
  name: string;
  /** The package's own npm name: `@ml-project/ham-client`. */
  package: string;
  /** npm version, e.g. `1.2.1`. */
  version: string;
  kind: PackageKind;
  resource: string;
  /** e.g. `127.0.0.1:5000/ml-project/ham`. */
  repository: string;
  tag: string;
  /** Digest of the npm tarball (the artifact's one layer). */
  digest: string;
  manifestDigest: string;
  /** The stored tarball, relative to the project root: `.modelos/packages/ham-client-1.2.1.tgz`. */
  tarball: string;
  /** Directory of the package.json it was added to. */
  projectRoot: string;
}

/** Where installed tarballs are kept, so that package.json's `file:` specs keep resolving. */
const PACKAGES_DIR = '.modelos/packages';

/**
 * `mdl install acme.org/ml-project:ham-client-v1`: resolves the tag, pulls the package
 * (verified against its digest) into `.modelos/packages/`, and installs it into the nearest npm
 * project under a per-major name, so that several majors live side by side. Everything that
 * can fail is checked before npm runs; if npm fails, the project is put back as it was.
 */
export async function install(ref: string, options: InstallOptions = {}): Promise<InstallResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const parsed = parsePackageRef(ref, cwd);
  const projectRoot = findNpmProject(cwd);
  const repo = openRepository(parsed.registry, parsed.resource, { env });
  const locked = parsed.major === undefined ? undefined : lockedClient(projectRoot, parsed.resource, parsed.major);
  const artifact = await resolvePackage(repo, parsed.resource, locked?.tag ?? parsed.tag, parsed.kind);
  if (locked?.digest && artifact.manifestDigest !== locked.digest) {
    throw new UserError(
      `${artifact.repository}:${artifact.tag} is ${artifact.manifestDigest}, but ${locked.file} locks it at ${locked.digest}: the registry changed under the lock; resolve again with --update`,
    );
  }
  const name = installName(artifact.config);
  const [{ tarball }] = await installPackages(projectRoot, [{ repo, artifact }], env);
  return {
    name,
    package: artifact.config.name,
    version: artifact.config.version,
    kind: parsed.kind,
    resource: parsed.resource,
    repository: artifact.repository,
    tag: artifact.tag,
    digest: artifact.tarball.digest,
    manifestDigest: artifact.manifestDigest,
    tarball,
    projectRoot,
  };
}

/** A floating `client-v<MAJOR>` means the lock's version of that major when the project has a lock (SPEC §9). */
function lockedClient(projectRoot: string, resource: string, major: number): { tag: string; digest: string | null; file: string } | undefined {
  const found = findLock(projectRoot);
  const entry = found && lockedVersion(found.lock, resource, major);
  return entry ? { tag: clientPackageTag(parseVersion(entry.version)), digest: entry.client, file: found.file } : undefined;
}

export interface PulledPackage {
  repo: Repository;
  artifact: PackageArtifact;
}

/**
 * Pulls the packages' tarballs (verified) into `.modelos/packages/` and installs them all in
 * one npm run under their per-major names, then uninstalls the installed packages `remove`
 * names. If anything fails, package.json, the lock files, new paths and the installed packages
 * they replaced or removed are put back as they were.
 */
export async function installPackages(
  projectRoot: string,
  packages: PulledPackage[],
  env: NodeJS.ProcessEnv,
  remove: string[] = [],
): Promise<Array<{ name: string; tarball: string }>> {
  const planned = packages.map(({ repo, artifact }) => {
    const name = installName(artifact.config);
    const tarball = `${PACKAGES_DIR}/${artifact.fileName}`;
    return { repo, artifact, name, tarball, file: path.join(projectRoot, tarball) };
  });
  for (const p of planned) await assertNoOtherTarball(p.file, p.artifact.tarball.digest);
  const changes = new ProjectChanges(
    projectRoot,
    ['package.json', 'package-lock.json', 'node_modules/.package-lock.json'],
    ['.modelos', PACKAGES_DIR, 'node_modules', ...planned.flatMap((p) => [p.tarball, ...scopeDir(p.name)])],
    [...planned, ...remove.map((name) => ({ name }))].map((p) => `node_modules/${p.name}`),
  );
  try {
    for (const p of planned) {
      if (fs.existsSync(p.file)) continue;
      fs.mkdirSync(path.dirname(p.file), { recursive: true });
      await downloadTarball(p.repo, p.artifact, p.file);
    }
    const specs = planned.map((p) => `${p.name}@file:${p.tarball}`);
    // --ignore-scripts: our packages need no lifecycle scripts, and a hostile artifact must not run code here.
    if (specs.length > 0) await runNpm(['install', ...specs, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: projectRoot, env, what: `installing ${planned.map((p) => p.name).join(', ')}` });
    if (remove.length > 0) await runNpm(['uninstall', ...remove, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: projectRoot, env, what: `removing ${remove.join(', ')}` });
  } catch (err) {
    changes.undo();
    throw err;
  }
  changes.done();
  return planned.map((p) => ({ name: p.name, tarball: p.tarball }));
}

/**
 * The per-major name: `@ml-project/ham-client-v1` for clients (one per major: clients of a
 * major are compatible), `@ml-project/ham-v1_2_1` for server packages (one per version).
 */
export function installName(config: Pick<PackageConfig, 'name' | 'version' | 'kind'>): string {
  const version = parseVersion(config.version);
  if (config.kind === 'client') return `${config.name}-v${version.major}`;
  return `${config.name}-v${config.version.replace(/\./g, '_')}`;
}

/** The directory of the nearest package.json at or above `cwd`. */
export function findNpmProject(cwd: string): string {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new UserError(`no package.json in ${cwd} or any directory above it: install into an npm project (npm init -y creates one)`);
}

/** A tarball of that name with other content is the user's to look at, not ours to overwrite. */
async function assertNoOtherTarball(file: string, digest: string): Promise<void> {
  if (!fs.existsSync(file)) return;
  const present = await digestFile(file);
  if (present.digest !== digest) {
    throw new UserError(`${file} exists with other content (${present.digest}) than the package to install (${digest}); remove it and install again`);
  }
}

function scopeDir(name: string): string[] {
  return name.startsWith('@') ? [`node_modules/${name.split('/')[0]}`] : [];
}
