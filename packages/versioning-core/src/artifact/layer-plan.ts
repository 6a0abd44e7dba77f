import * as path from 'node:path';
import type { ProjectRef } from '../project-ref';
import type { ClosureFile } from './closure-files';

/** Above this, a file is model data whatever its name: a layer of its own (KitOps keeps models apart from code). */
export const MODEL_FILE_BYTES = 16 * 1024 * 1024;

/**
 * What goes into one layer: all of a closure project's code, or one model file. A model is its
 * own content-addressed blob, so a code change re-sends only the code layer and two resources
 * carrying the same model share one blob.
 */
export type PlannedLayer = { kind: 'code'; project: string; files: ClosureFile[] } | { kind: 'model'; project: string; file: ClosureFile };

/** Is `file` model data: above the size threshold, or matched by the resource's `models` globs. */
export type ModelTest = (file: ClosureFile) => boolean;

/** `globs` are relative to the resource's root (`resource.json` `models`). */
export function modelTest(resourceRoot: string, globs: string[] = [], thresholdBytes = MODEL_FILE_BYTES): ModelTest {
  // picomatch loads only for a resource that names model globs.
  const matches = globs.length > 0 ? (require('picomatch') as typeof import('picomatch'))(globs, { dot: true }) : () => false;
  const prefix = resourceRoot === '.' || resourceRoot === '' ? '' : `${resourceRoot.replace(/\/+$/, '')}/`;
  return (file) => file.size > thresholdBytes || (file.path.startsWith(prefix) && matches(path.posix.relative(prefix || '.', file.path)));
}

/** Per closure project in closure order: its code layer, then its model layers by path. Same files, same plan. */
export function planLayers(closure: ProjectRef[], filesByRoot: Map<string, ClosureFile[]>, isModel: ModelTest): PlannedLayer[] {
  const layers: PlannedLayer[] = [];
  for (const project of closure) {
    const files = filesByRoot.get(project.root) ?? [];
    layers.push({ kind: 'code', project: project.name, files: files.filter((file) => !isModel(file)) });
    for (const file of files.filter(isModel)) layers.push({ kind: 'model', project: project.name, file });
  }
  return layers;
}
