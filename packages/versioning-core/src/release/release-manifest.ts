import { Annotations } from '../oci';
import { parseManifest, serializeManifest } from '../oci';

/**
 * The manifest a release puts under both the adhoc tag and `v<version>` (SPEC §7.5: the release
 * image is the adhoc image, secondarily tagged, so both resolve to one digest). It is the stored
 * artifact's config and layers (no blob is uploaded again) with `created` set to HEAD's commit
 * time (processes releasing the same commit write byte-identical manifests) and `.revision` to
 * HEAD: the stored manifest may be older, from the first store of that content on another
 * branch, and the next release searches by revision. It carries no version: the tag is the
 * version, so one content released as `v2.0.0-rc.1` and then `v2.0.0` is one image.
 */
export function releaseManifest(adhocBytes: Buffer, head: { commit: string; date: string }): Buffer {
  const manifest = parseManifest(adhocBytes, 'stored artifact');
  return serializeManifest({
    ...manifest,
    annotations: { ...manifest.annotations, [Annotations.created]: head.date, [Annotations.revision]: head.commit },
  });
}
