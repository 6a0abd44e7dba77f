import * as fs from 'node:fs';
import { READ_CHUNK_BYTES } from '../metadata/file-digests';
import { MediaTypes, type BlobWritten, type Descriptor } from '../oci';
import { Annotations } from '../oci';
import type { ClosureFile } from './closure-files';
import { codeLayerStream, fileMode } from './layer';
import type { PlannedLayer } from './layer-plan';

/** A planned layer with what a push needs: media type, annotations, and its bytes on demand. */
export interface LayerSource {
  kind: PlannedLayer['kind'];
  project: string;
  files: ClosureFile[];
  mediaType: string;
  annotations: Record<string, string>;
  /** The layer's bytes, produced afresh on every call (a retry or a second pass reopens them). */
  open(): NodeJS.ReadableStream;
}

export function layerSource(plan: PlannedLayer): LayerSource {
  if (plan.kind === 'code') {
    return {
      kind: 'code',
      project: plan.project,
      files: plan.files,
      mediaType: MediaTypes.layerTarGzip,
      annotations: { [Annotations.title]: `${plan.project}.tar.gz`, [Annotations.project]: plan.project },
      open: () => codeLayerStream(plan.files),
    };
  }
  return {
    kind: 'model',
    project: plan.project,
    files: [plan.file],
    mediaType: MediaTypes.modelFile,
    annotations: {
      [Annotations.title]: plan.file.path,
      [Annotations.project]: plan.project,
      [Annotations.fileMode]: `0${fileMode(plan.file).toString(8)}`,
    },
    open: () => fs.createReadStream(plan.file.absPath, { highWaterMark: READ_CHUNK_BYTES }),
  };
}

export function layerDescriptor(source: LayerSource, blob: BlobWritten): Descriptor {
  return { mediaType: source.mediaType, digest: blob.digest, size: blob.size, annotations: source.annotations };
}
