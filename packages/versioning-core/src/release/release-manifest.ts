import { Annotations } from '../artifact/annotations';
import { parseManifest, serializeManifest } from '../oci';
import { formatVersion, type Version } from '../tags';

/**
 * The release manifest: the stored artifact's config and layers (no blob is uploaded again),
 * with `.version` added and `created` set to HEAD's commit time, so that processes releasing
 * the same commit write byte-identical manifests.
 */
export function releaseManifest(adhocBytes: Buffer, version: Version, created: string): Buffer {
  const manifest = parseManifest(adhocBytes, 'stored artifact');
  return serializeManifest({
    ...manifest,
    annotations: {
      ...manifest.annotations,
      [Annotations.created]: created,
      [Annotations.version]: formatVersion(version),
      [Annotations.kind]: 'release',
    },
  });
}
