import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { pipeToFile } from '../pipe-to-file';
import { Annotations, MediaTypes, parseManifest, verifyingStream, type Descriptor, type Repository } from '../oci';
import { classifyTag, compareVersions, tryParseVersion, type TagInfo } from '../tags';
/** A server package (`pkg-v<version>`) or a client package (`client-v<version>`). */
export type PackageKind = 'client' | 'server';

/** Config blob of a client or server package artifact. */

export interface PackageConfig {
  /** npm name, e.g. `@ml-project/ham-client`. */
  name: string;
  /** npm version, without `v`. */
  version: string;
  resource: string;
  kind: PackageKind;
  clientHash: string;
  interface: unknown;
}

/** A package artifact resolved in its repository: what to pull, not yet pulled. */
export interface PackageArtifact {
  /** e.g. `127.0.0.1:5000/ml-project/ham`. */
  repository: string;
  tag: string;
  manifestDigest: string;
  config: PackageConfig;
  /** The one layer: the npm tarball. */
  tarball: Descriptor;
  /** `ham-client-1.0.0.tgz`. */
  fileName: string;
}

const ARTIFACT_TYPES: Record<PackageKind, string> = { client: MediaTypes.clientArtifact, server: MediaTypes.pkgArtifact };
const TAG_KINDS: Record<PackageKind, string> = { client: 'client-package', server: 'server-package' };
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const TARBALL_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.tgz$/;
const LISTED_TAGS = 10;

/**
 * Resolves `tag` in the repository of `resource` and checks that it is a package of `kind`:
 * artifact type, config and exactly one tar+gzip layer. Reads the manifest and the config only.
 */
export async function resolvePackage(repo: Repository, resource: string, tag: string, kind: PackageKind): Promise<PackageArtifact> {
  const fetched = await repo.fetchManifest(tag);
  if (!fetched) throw await missingTag(repo, resource, tag, kind);
  const what = `${repo.reference}:${tag}`;
  const manifest = parseManifest(fetched.bytes, what);
  if (manifest.artifactType !== ARTIFACT_TYPES[kind]) {
    throw new UserError(`${what} is not a ${kind} package: its artifactType is ${manifest.artifactType ?? 'missing'}, expected ${ARTIFACT_TYPES[kind]}`);
  }
  if (manifest.config.mediaType !== MediaTypes.packageConfig) {
    throw new UserError(`${what} has a config of type ${manifest.config.mediaType}, expected ${MediaTypes.packageConfig}`);
  }
  const [tarball, ...others] = manifest.layers;
  if (!tarball || others.length > 0 || tarball.mediaType !== MediaTypes.layerTarGzip) {
    throw new UserError(`${what} must have exactly one ${MediaTypes.layerTarGzip} layer (the npm tarball), found ${manifest.layers.length}`);
  }
  const config = parseConfig(await repo.fetchBlob(manifest.config.digest), what, resource, kind);
  return { repository: repo.reference, tag, manifestDigest: fetched.descriptor.digest, config, tarball, fileName: tarballFileName(tarball, config) };
}

/** Downloads the tarball to `file`, verified, through a temp file: `file` appears whole or not at all. */
export async function downloadTarball(repo: Repository, artifact: PackageArtifact, file: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.tmp-${randomUUID()}`);
  try {
    // Checks the size too, and names the package rather than the blob.
    const verifying = verifyingStream(artifact.tarball, `tarball of ${artifact.repository}:${artifact.tag}`);
    await pipeToFile(tmp, { flags: 'wx' }, await repo.fetchBlobStream(artifact.tarball.digest), verifying);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** What a repository with no tags at all means to a user: no such resource in that registry. */
export function unknownResource(repo: Repository, resource: string): UserError {
  return new UserError(`unknown resource "${resource}": ${repo.reference} does not exist or holds no tags`);
}

/**
 * By major, newest first; in a major, its versions by semver (a prerelease after its release,
 * where text order put v2.6.0-rc.2 first), then the floating `client-v<MAJOR>`.
 */
function newestPackageFirst(a: TagInfo, b: TagInfo): number {
  const major = (info: TagInfo) => info.version?.major ?? info.major ?? 0;
  if (major(a) !== major(b)) return major(b) - major(a);
  if (a.version && b.version) return compareVersions(b.version, a.version);
  return a.version ? -1 : b.version ? 1 : 0;
}

async function missingTag(repo: Repository, resource: string, tag: string, kind: PackageKind): Promise<UserError> {
  const tags = await repo.listTags();
  if (tags.length === 0) return unknownResource(repo, resource);
  const packages = tags
    .map((tag) => ({ tag, info: classifyTag(tag) }))
    .filter(({ info }) => info.kind === TAG_KINDS[kind])
    .sort((a, b) => newestPackageFirst(a.info, b.info))
    .map(({ tag }) => tag);
  const shown = packages.length > LISTED_TAGS ? [...packages.slice(0, LISTED_TAGS), '…'] : packages;
  return new UserError(`tag "${tag}" does not exist in ${repo.reference}; ${kind} packages there: ${shown.join(', ') || 'none'}`);
}

function parseConfig(bytes: Buffer, what: string, resource: string, kind: PackageKind): PackageConfig {
  let config: Partial<PackageConfig> | null;
  try {
    config = JSON.parse(bytes.toString('utf8')) as Partial<PackageConfig> | null;
  } catch {
    throw new UserError(`the package config of ${what} is not valid JSON`);
  }
  const problem = !config
    ? 'it is not an object'
    : typeof config.name !== 'string' || !NPM_NAME.test(config.name)
      ? `"name" ${JSON.stringify(config.name)} is not an npm package name`
      : typeof config.version !== 'string' || !tryParseVersion(config.version) || config.version.startsWith('v')
        ? `"version" ${JSON.stringify(config.version)} is not a semver version`
        : config.kind !== kind
          ? `"kind" is ${JSON.stringify(config.kind)}, expected "${kind}"`
          : config.resource !== resource
            ? `"resource" is ${JSON.stringify(config.resource)}, expected "${resource}"`
            : undefined;
  if (problem) throw new UserError(`the package config of ${what} is invalid: ${problem}`);
  return config as PackageConfig;
}

/** The layer's title when it is a plain file name (it becomes a path), else `<name-without-scope>-<version>.tgz`. */
function tarballFileName(tarball: Descriptor, config: PackageConfig): string {
  const title = tarball.annotations?.[Annotations.title];
  if (title && TARBALL_FILE.test(title)) return title;
  return `${config.name.replace(/^@[^/]+\//, '')}-${config.version}.tgz`;
}
