import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { digestFile, openRepository } from '../oci';
import { parseVersion } from '../tags';
import { downloadTarball, resolvePackage, runNpm, type PackageConfig, type PackageKind } from '@modelos/runtime';
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
  const artifact = await resolvePackage(repo, parsed.resource, parsed.tag, parsed.kind);
  const name = installName(artifact.config);
  const tarball = `${PACKAGES_DIR}/${artifact.fileName}`;
  const tarballFile = path.join(projectRoot, tarball);
  await assertNoOtherTarball(tarballFile, artifact.tarball.digest);

  const changes = new ProjectChanges(
    projectRoot,
    ['package.json', 'package-lock.json', 'node_modules/.package-lock.json'],
    ['.modelos', PACKAGES_DIR, tarball, 'node_modules', ...scopeDir(name), `node_modules/${name}`],
  );
  try {
    if (!fs.existsSync(tarballFile)) {
      fs.mkdirSync(path.dirname(tarballFile), { recursive: true });
      await downloadTarball(repo, artifact, tarballFile);
    }
    await runNpm(['install', `${name}@file:${tarball}`, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: projectRoot, env, what: `installing ${name}` });
  } catch (err) {
    changes.undo();
    throw err;
  }
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
