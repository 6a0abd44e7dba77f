import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MediaTypes, type Descriptor, type Repository } from '../oci';
import { Annotations } from '../oci';
import type { ClosureFile } from './closure-files';
import { writeLayer, type BuiltBlob } from './layer';
import type { LayerCache } from './layer-cache';
import type { ProjectRef } from '../project-ref';

/**
 * One layer per closure project, so a change in a dependency re-uploads only that project's
 * layer. With `push: false` (dry run) digests are computed but nothing is sent.
 */
export async function pushClosureLayers(
  repo: Repository,
  closure: ProjectRef[],
  files: Map<string, ClosureFile[]>,
  cache: LayerCache,
  push: boolean,
): Promise<Descriptor[]> {
  const layers: Descriptor[] = [];
  for (const project of closure) {
    const blob = await ensureLayer(repo, files.get(project.root) ?? [], cache, push);
    layers.push({
      mediaType: MediaTypes.layerTarGzip,
      digest: blob.digest,
      size: blob.size,
      annotations: { [Annotations.title]: `${project.name}.tar.gz`, [Annotations.project]: project.name },
    });
  }
  return layers;
}

async function ensureLayer(repo: Repository, files: ClosureFile[], cache: LayerCache, push: boolean): Promise<BuiltBlob> {
  const key = cache.key(files);
  const known = cache.get(key);
  if (known && (!push || (await repo.blobExists(known.digest)))) return known;

  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-layer-'));
  try {
    const tmpFile = path.join(tmpDir, 'layer.tar.gz');
    const blob = await writeLayer(files, tmpFile);
    if (push) {
      await repo.pushBlob({ mediaType: MediaTypes.layerTarGzip, ...blob }, () => fs.createReadStream(tmpFile));
    }
    cache.set(key, blob);
    return blob;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}
