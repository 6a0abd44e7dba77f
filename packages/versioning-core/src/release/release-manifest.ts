import { Annotations } from '../artifact/annotations';
import { parseManifest, serializeManifest } from '../oci';
import { formatVersion, type Version } from '../tags';

/**
 * The release manifest: the stored artifact's config and layers (no blob is uploaded again),
 * with `.version` added, `created` set to HEAD's commit time (processes releasing the same commit
 * write byte-identical manifests) and `.revision` to HEAD: the stored manifest may be older, from
 * the first store of that content on another branch, and the next release searches by revision.
 */
export function releaseManifest(adhocBytes: Buffer, version: Version, head: { commit: string; date: string }): Buffer {
  const manifest = parseManifest(adhocBytes, 'stored artifact');
  return serializeManifest({
    ...manifest,
    annotations: {
      ...manifest.annotations,
      [Annotations.created]: head.date,
      [Annotations.revision]: head.commit,
      [Annotations.version]: formatVersion(version),
      [Annotations.kind]: 'release',
    },
  });
}
