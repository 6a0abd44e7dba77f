import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Annotations } from '../oci';
import type { ResourceFacts } from '../artifact/resource-artifact';
import { formatRegistryReference, parseManifest, type RegistryReference, type Repository } from '../oci';
import type { Ocidex } from '../ocidex';
import type { ProjectRef } from '../project-ref';
import { moveTag, publishImmutableTag } from '../release/publish-tag';
import { readResourceConfig } from '../resource/resource-config';
import { clientMajorTag, clientPackageTag, compareVersions, formatVersion, isStable, parseVersion, serverPackageTag, type Version } from '../tags';
import { npmScopeOf, packageNames } from './npm-name';
import { npmTarball } from './npm-tarball';
import { packageArtifact, type BuiltPackage } from './package-artifact';
import type { BundledClient } from './server-package';

export interface ReleasePackagesInput {
  workspaceRoot: string;
  resource: ProjectRef;
  closure: ProjectRef[];
  registry: RegistryReference;
  /** npm scope of the packages; default: the scope of the workspace root package.json's name. */
  npmScope?: string;
  facts: ResourceFacts;
  version: Version;
  /** The release's manifest: its created, revision and source carry over to the packages. */
  releaseManifest: Buffer;
  /** Clients of its resolved requirements, bundled into the server package. */
  bundled?: BundledClient[];
}

export interface ReleasePackages {
  version: Version;
  server: BuiltPackage;
  client: BuiltPackage;
}

/**
 * Builds the server and client packages of a release (SPEC §8), in memory: nothing is pushed,
 * so a resource that cannot be packaged fails before its version is published.
 */
export async function buildReleasePackages(input: ReleasePackagesInput): Promise<ReleasePackages> {
  const { version } = input;
  const versionText = formatVersion(version);
  // A package is one version: unlike the release image, which several version tags may share, it records it.
  const releaseAnnotations = { ...parseManifest(input.releaseManifest, 'release manifest').annotations, [Annotations.version]: versionText };
  const names = packageNames(npmScopeOf(input.workspaceRoot, input.npmScope), input.resource.name);
  const projectRoot = path.join(input.workspaceRoot, input.resource.root);
  const { facts } = input;
  const common = { version: versionText, resource: facts.name, clientHash: facts.clientHash, interface: facts.interface, releaseAnnotations };

  const { serverPackageFiles, clientPackageFiles } = packageBuilders();
  const serverFiles = serverPackageFiles({
    workspaceRoot: input.workspaceRoot,
    closure: input.closure,
    entryFile: path.join(projectRoot, readResourceConfig(projectRoot).entry),
    name: names.server,
    served: { resource: facts.name, version: versionText, clientHash: facts.clientHash, interface: facts.interface },
    bundled: input.bundled,
  });
  const clientFiles = clientPackageFiles({
    name: names.client,
    spec: { resource: facts.name, version: versionText, clientHash: facts.clientHash, registry: formatRegistryReference(input.registry) },
    interface: facts.interface,
  });
  return {
    version,
    server: packageArtifact({ ...common, kind: 'server', tag: serverPackageTag(version), name: names.server, tarball: await npmTarball(serverFiles) }),
    client: packageArtifact({ ...common, kind: 'client', tag: clientPackageTag(version), name: names.client, tarball: await npmTarball(clientFiles) }),
  };
}

/**
 * The builders compile and print with ts-morph (and the TypeScript compiler it carries): loaded
 * when a release builds its packages, so a release run that finds nothing to release, or a dry
 * run, never loads them.
 */
function packageBuilders(): typeof import('./server-package') & typeof import('./client-package') {
  return { ...(require('./server-package') as typeof import('./server-package')), ...(require('./client-package') as typeof import('./client-package')) };
}

/**
 * Pushes `pkg-v<version>` and `client-v<version>` (immutable: blobs first, then the manifest),
 * then moves `client-v<MAJOR>` when this is the newest stable release of its major. Returns the
 * tags now pointing at these packages.
 */
export async function publishPackages(repo: Repository, index: Ocidex, packages: ReleasePackages): Promise<string[]> {
  const tags: string[] = [];
  for (const artifact of [packages.server, packages.client]) {
    for (const blob of [artifact.config, artifact.tarball]) await repo.pushBlob(blob.descriptor, () => Readable.from([blob.bytes]));
    await publishImmutableTag(repo, index, artifact.tag, artifact.manifest);
    tags.push(artifact.tag);
  }
  const { version } = packages;
  if (isStable(version) && isNewestOfMajor(version, index)) {
    const floating = clientMajorTag(version.major);
    await moveTag(repo, index, floating, packages.client.manifest);
    tags.push(floating);
  }
  return tags;
}

/** Whether a release lacks a package tag, or `client-v<MAJOR>` lags behind it. */
export function packagesIncomplete(version: Version, index: Ocidex): boolean {
  const client = index.get(clientPackageTag(version));
  if (!client || !index.get(serverPackageTag(version))) return true;
  return isStable(version) && isNewestOfMajor(version, index) && index.get(clientMajorTag(version.major))?.digest !== client.digest;
}

/** Prereleases and branch releases never count: `client-v<MAJOR>` follows stable releases only. */
function isNewestOfMajor(version: Version, index: Ocidex): boolean {
  return index
    .list()
    .filter((entry) => entry.kind === 'release' && entry.version !== null)
    .map((entry) => parseVersion(entry.version!))
    .every((other) => other.major !== version.major || compareVersions(other, version) <= 0);
}
