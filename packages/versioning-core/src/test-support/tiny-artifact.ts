import { Readable } from 'node:stream';
import { EmptyJson, MediaTypes, serializeManifest, type Descriptor, type Repository } from '../oci';

/** A small real resource artifact (empty config and layer) under `tag`; annotations make it unique. */
export async function pushTinyArtifact(repo: Repository, tag: string, annotations?: Record<string, string>): Promise<Descriptor> {
  await repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]));
  const bytes = serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: MediaTypes.resourceArtifact,
    config: EmptyJson.descriptor,
    layers: [EmptyJson.descriptor],
    ...(annotations ? { annotations } : {}),
  });
  return repo.pushManifest(bytes, MediaTypes.imageManifest, tag);
}
