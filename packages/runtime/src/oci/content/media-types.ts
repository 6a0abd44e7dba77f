/** Media types of the OCI image spec and of ModelOS artifacts (SPEC §6). */
export const MediaTypes = {
  imageManifest: 'application/vnd.oci.image.manifest.v1+json',
  imageIndex: 'application/vnd.oci.image.index.v1+json',
  emptyJson: 'application/vnd.oci.empty.v1+json',
  layerTarGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  resourceArtifact: 'application/vnd.modelos.resource.v1',
  pkgArtifact: 'application/vnd.modelos.pkg.v1',
  clientArtifact: 'application/vnd.modelos.client.v1',
  /** One model file's raw bytes (no tar): the layer's digest is the file's sha256. */
  modelFile: 'application/vnd.modelos.model.v1',
  resourceConfig: 'application/vnd.modelos.resource.config.v1+json',
  packageConfig: 'application/vnd.modelos.package.config.v1+json',
  envlogArtifact: 'application/vnd.modelos.envlog.v1',
  envlogConfig: 'application/vnd.modelos.envlog.v1+json',
  /** Marks the throwaway manifest `untag` pushes over a tag before deleting it. */
  placeholderArtifact: 'application/vnd.modelos.placeholder.v1',
} as const;

/** What a client accepts when it reads a manifest; distribution 2.8 answers 404 without it. */
export const MANIFEST_ACCEPT = [
  MediaTypes.imageManifest,
  MediaTypes.imageIndex,
  MediaTypes.dockerManifest,
  MediaTypes.dockerManifestList,
].join(', ');
