import * as path from 'node:path';
import type { ReleaseDigests } from '@modelos/runtime';
import type { RegistryReference } from '../oci';
import { openRepository } from '../oci';
import { defaultIndexDir, Ocidex, type IndexEntry } from '../ocidex';
import { clientPackageTag, parseVersion, serverPackageTag } from '../tags';
import type { ReleaseCatalog } from './resolve';

/**
 * The releases of every resource in one registry, read through each repository's Ocidex (one
 * tag listing per resource; manifests only for tags the index has not seen). Stable releases
 * only: branch releases and prereleases are previews, not something to require.
 */
export class RegistryCatalog implements ReleaseCatalog {
  private readonly loaded = new Map<string, Promise<{ repository: string; entries: Map<string, IndexEntry> }>>();

  constructor(
    private readonly registry: RegistryReference,
    private readonly options: { env?: NodeJS.ProcessEnv; indexDir?: string; workspaceRoot?: string } = {},
  ) {}

  async releases(resource: string): Promise<Map<string, Record<string, string>>> {
    const { entries } = await this.load(resource);
    const releases = new Map<string, Record<string, string>>();
    for (const entry of entries.values()) {
      if (entry.kind !== 'release') continue;
      releases.set(entry.version!, Object.fromEntries(Object.entries(entry.requires ?? {}).map(([name, r]) => [name, r.spec])));
    }
    return releases;
  }

  async digests(resource: string, version: string): Promise<ReleaseDigests> {
    const { repository, entries } = await this.load(resource);
    const parsed = parseVersion(version);
    return {
      repository,
      manifest: entries.get(`v${version}`)!.digest,
      client: entries.get(clientPackageTag(parsed))?.digest ?? null,
      server: entries.get(serverPackageTag(parsed))?.digest ?? null,
    };
  }

  private load(resource: string): Promise<{ repository: string; entries: Map<string, IndexEntry> }> {
    let loading = this.loaded.get(resource);
    if (!loading) {
      const repo = openRepository(this.registry, resource, { env: this.options.env });
      const index = new Ocidex(repo, this.options.indexDir ?? defaultIndexDir(this.options.env));
      // Requirements resolve to releases and their packages: the store's tags are not read.
      loading = index.refresh({ skipStoreTags: true }).then((list) => ({ repository: this.recordedReference(repo.reference), entries: new Map(list.map((e) => [e.tag, e])) }));
      this.loaded.set(resource, loading);
    }
    return loading;
  }

  /**
   * How a lock (committed, read in other clones) names a repository: a layout inside the
   * workspace (the embedded registry) by its path from the workspace root, not this clone's.
   */
  private recordedReference(reference: string): string {
    const root = this.options.workspaceRoot;
    if (this.registry.kind !== 'layout' || !root) return reference;
    const relative = path.relative(path.resolve(root), reference.replace(/^oci:/, ''));
    return relative.startsWith('..') || path.isAbsolute(relative) ? reference : `oci:${relative.split(path.sep).join('/')}`;
  }
}
