/** Annotation keys of SPEC §6: the reserved OCI ones and ours under `dev.modelos.`. */
export const Annotations = {
  created: 'org.opencontainers.image.created',
  revision: 'org.opencontainers.image.revision',
  source: 'org.opencontainers.image.source',
  version: 'org.opencontainers.image.version',
  title: 'org.opencontainers.image.title',
  kind: 'dev.modelos.kind',
  clientHash: 'dev.modelos.client-hash',
  dirtyHash: 'dev.modelos.dirty-hash',
  closureCommit: 'dev.modelos.closure-commit',
  project: 'dev.modelos.project',
  /** File mode of a model layer's file (`0644` or `0755`); its path is the layer's `.title`. */
  fileMode: 'dev.modelos.file-mode',
  /** Release manifests: the `requires` specs the release was resolved with, as JSON (read by the index, so resolving needs no config blob). */
  requires: 'dev.modelos.requires',
} as const;

/** `dev.modelos.dirty-hash` of an artifact made from a clean closure. */
export const CLEAN_DIRTY_ANNOTATION = 'clean';
