import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Annotations } from '../oci';
import { resourceConfigBlob, type ResourceFacts } from '../artifact/resource-artifact';
import { canonicalJson } from '../canonical-json';
import { UserError } from '../errors';
import { installName } from '../install/install';
import { resolvePackage } from '@modelos/runtime';
import { digestOf, MediaTypes, openRepository, parseManifest, serializeManifest, type RegistryReference, type Repository } from '../oci';
import { readNpmTarball } from '../packages/npm-tarball';
import type { BundledClient } from '../packages/server-package';
import type { ProjectRef } from '../project-ref';
import { readLock, type LockedVersion, type ReleaseDigests } from '@modelos/runtime';
import { buildLock, lockedChoice, lockPath } from '../requirements/lock';
import { RegistryCatalog } from '../requirements/registry-catalog';
import { resolveRequirements } from '../requirements/resolve';
import { RESOURCE_FILE } from '../resource/resource-config';
import { clientPackageTag, parseVersion } from '../tags';

/** What a release records and ships of its requirements (SPEC §9). */
export interface ReleaseRequirements {
  /** Every version it resolved to (transitively), with digests and requirers: the config's `requirements`. */
  resolved: LockedVersion[];
  /** The clients of its direct requirements, bundled into its server package. */
  bundled: BundledClient[];
}

/**
 * Resolves the requirements of a resource about to be released, against the registry, keeping
 * the workspace lock's versions when they still fit: a release ships what the workspace was
 * developed against. Unresolvable requirements refuse the release, named. Null: none declared.
 */
export async function resolveReleaseRequirements(input: {
  workspaceRoot: string;
  resource: ProjectRef;
  registry: RegistryReference;
  facts: ResourceFacts;
}): Promise<ReleaseRequirements | null> {
  const name = input.resource.name;
  if (Object.keys(input.facts.requires).length === 0) return null;
  const roots = [{ resource: name, requires: input.facts.requires, file: path.join(input.resource.root, RESOURCE_FILE) }];
  const lock = readLock(lockPath(input.workspaceRoot));
  const catalog = new RegistryCatalog(input.registry, { workspaceRoot: input.workspaceRoot });
  let resolution;
  try {
    resolution = await resolveRequirements(roots, catalog, lock ? lockedChoice(lock) : undefined);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${name} cannot be released: its requirements do not resolve: ${err.message}`);
    throw err;
  }
  const digests = new Map<string, ReleaseDigests>();
  for (const r of resolution) digests.set(`${r.resource}@${r.version}`, await catalog.digests(r.resource, r.version));
  const resolved = Object.values(buildLock(roots, resolution, digests).resolved);
  const bundled: BundledClient[] = [];
  for (const r of resolved.filter((v) => v.requiredBy.some((q) => q.by === name))) bundled.push(await bundledClient(input.registry, r));
  return { resolved, bundled };
}

async function bundledClient(registry: RegistryReference, locked: LockedVersion): Promise<BundledClient> {
  const repo = openRepository(registry, locked.resource);
  const artifact = await resolvePackage(repo, locked.resource, clientPackageTag(parseVersion(locked.version)), 'client');
  if (artifact.manifestDigest !== locked.client) {
    throw new UserError(`${artifact.repository}:${artifact.tag} is ${artifact.manifestDigest}, expected ${locked.client ?? 'a client package'}: re-run its release, then release again`);
  }
  const files = await readNpmTarball(await repo.fetchBlob(artifact.tarball.digest), `${artifact.repository}:${artifact.tag}`);
  return { name: installName(artifact.config), files };
}

/**
 * The stored artifact with a config that also records the resolved requirements, and the
 * requirement specs as an annotation (what the index reads to resolve transitively without
 * fetching configs). Layers are unchanged: only the small config blob is new.
 */
export async function withRequirements(repo: Repository, storedBytes: Buffer, facts: ResourceFacts, requirements: ReleaseRequirements): Promise<Buffer> {
  // Shaped as describe reads it: per resource, its versions with `digest` the release manifest's.
  const resolved: Record<string, unknown[]> = {};
  for (const { resource, manifest, ...rest } of requirements.resolved) (resolved[resource] ??= []).push({ ...rest, digest: manifest });
  const configBytes = resourceConfigBlob(facts, resolved);
  const config = { mediaType: MediaTypes.resourceConfig, digest: digestOf(configBytes), size: configBytes.length };
  await repo.pushBlob(config, () => Readable.from([configBytes]));
  const manifest = parseManifest(storedBytes, 'stored artifact');
  const recorded = Object.fromEntries(
    Object.entries(facts.requires).map(([resource, spec]) => [
      resource,
      { spec, versions: requirements.resolved.filter((r) => r.resource === resource && r.requiredBy.some((q) => q.by === facts.name)).map((r) => r.version) },
    ]),
  );
  return serializeManifest({ ...manifest, config, annotations: { ...manifest.annotations, [Annotations.requires]: canonicalJson(recorded) } });
}
