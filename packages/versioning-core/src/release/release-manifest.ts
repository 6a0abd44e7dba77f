import { Annotations } from '../oci';
import { parseManifest, serializeManifest } from '../oci';

/**
 * The manifest a release puts under both the adhoc tag and `v<version>` (SPEC §7.5: the release
 * image is the adhoc image, secondarily tagged, so both resolve to one digest). It is the stored
 * artifact's config and layers (no blob is uploaded again) with `.version` (SPEC §6), `created`
 * set to HEAD's commit time (processes releasing the same commit write byte-identical manifests)
 * and `.revision` to HEAD: the stored manifest may be older, from the first store of that content
 * on another branch, and the next release searches by revision. The adhoc tag moves to it, so a
 * commit released as `v2.0.0-rc.1` and then `v2.0.0` has two release manifests over the same
 * blobs, and its adhoc tag resolves to the newest.
 */
export function releaseManifest(adhocBytes: Buffer, head: { commit: string; date: string }, version: string): Buffer {
  const manifest = parseManifest(adhocBytes, 'stored artifact');
  return serializeManifest({
    ...manifest,
    annotations: { ...manifest.annotations, [Annotations.created]: head.date, [Annotations.revision]: head.commit, [Annotations.version]: version },
  });
}
