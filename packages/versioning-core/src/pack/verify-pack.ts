import * as fs from 'node:fs';
import * as path from 'node:path';
import { LayerCache } from '../artifact/layer-cache';
import type { LayerSource } from '../artifact/layer-source';
import type { ClosureFile } from '../artifact/closure-files';
import { closureLayerSources } from '../artifact/push-layers';
import type { FileRecord } from '../metadata/file-digests';
import { UserError } from '../errors';
import { digestStream, type BlobWritten } from '../oci';
import type { ProjectRef } from '../project-ref';
import { cacheDir, closureFileRecords } from '../resource-facts';
import type { PackedLayers } from '../store';
import { readPackDocument, type PackLayer } from './pack-document';
import { codeLayerPath, recordsByPath } from './pack-resource';

/**
 * Pack's output, checked against the checkout before anything of it is pushed, or null when
 * pack did not run. A restored cache entry is a claim, not a fact (CVE-2025-36852: a pull
 * request can write the entry main later reads): every layer's file list must match the
 * checkout (same paths, sizes and sha256 of every file: the records the config blob holds) and
 * every layer digest must be the one the checkout gives (code layers re-derived, so modes count
 * too; a model's digest is its file's sha256). File and layer digests come from the
 * machine-local stat caches when the files' stat data match them (an Nx cache entry cannot
 * write there), else from hashing the checkout.
 * The pushed bytes are pack's code tarballs (verified against their digest while sent) and the
 * checkout's model files.
 */
export async function loadVerifiedPack(
  workspaceRoot: string,
  resource: ProjectRef,
  closure: ProjectRef[],
  dir: string,
  files: Map<string, ClosureFile[]>,
): Promise<PackedLayers | null> {
  const document = readPackDocument(dir);
  if (!document) return null;
  const refuse = (reason: string) =>
    new UserError(
      `${path.relative(workspaceRoot, dir)} does not match the checkout: ${reason}. It may be a cache entry built from other sources; rebuild it with \`nx run ${resource.name}:pack --skip-nx-cache\``,
    );
  const closureNames = (projects: ProjectRef[]) => projects.map((p) => `${p.name}:${p.root}`).join(', ');
  if (document.resource !== resource.name) throw refuse(`it was packed for ${document.resource}`);
  if (closureNames(document.closure) !== closureNames(closure)) throw refuse(`its closure is ${closureNames(document.closure)}, not ${closureNames(closure)}`);
  const sources = closureLayerSources(workspaceRoot, resource, closure, files);
  if (sources.length !== document.layers.length) throw refuse(`it has ${document.layers.length} layers where the checkout gives ${sources.length}`);
  const records = recordsByPath((await closureFileRecords(workspaceRoot, closure, files)).files);
  const cache = new LayerCache(cacheDir(workspaceRoot, 'layers'));
  const known: BlobWritten[] = [];
  const pushed: LayerSource[] = [];
  for (const [i, source] of sources.entries()) {
    const layer = document.layers[i];
    const what = `layer ${i + 1} (${source.kind} of ${source.project})`;
    if (layer.kind !== source.kind || layer.project !== source.project) throw refuse(`${what} is ${layer.kind} of ${layer.project} there`);
    const checkout = source.files.map((file) => records.get(file.path)!);
    // Files first: a file named in the error says more than a layer digest.
    assertSameFiles(layer, checkout, what, refuse);
    const key = cache.key(source.kind, source.files);
    const expected = source.kind === 'model' ? { digest: `sha256:${checkout[0].sha256}`, size: checkout[0].size } : (cache.get(key) ?? (await digestStream(source.open())));
    cache.set(key, expected);
    known.push(expected);
    // Nx hashes contents, not modes: after a chmod it restores an entry packed with the old ones.
    // Same files, other modes: that layer is sent as the checkout builds it, not refused.
    if (modesDiffer(layer, source.files)) {
      pushed.push(source);
      continue;
    }
    if (layer.digest !== expected.digest || layer.size !== expected.size) throw refuse(`${what} has digest ${layer.digest}, the checkout gives ${expected.digest}`);
    // Only a code layer's own tarball is read from the pack: a forged path (`../../.npmrc`) would be streamed to the registry before its digest failed.
    if (layer.blob !== undefined && (source.kind !== 'code' || layer.blob !== codeLayerPath(layer.digest))) throw refuse(`${what} names ${layer.blob} as its tarball`);
    // A tarball changed after pack (same name) is caught by its digest while sent; its size, here, with a clearer line.
    if (layer.blob !== undefined && fileSize(path.join(dir, layer.blob)) !== layer.size) throw refuse(`${layer.blob} is not the ${layer.size} bytes pack.json records`);
    pushed.push(layer.blob ? { ...source, open: () => fs.createReadStream(path.join(dir, layer.blob!)) } : source);
  }
  return { sources: pushed, known };
}

function fileSize(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

/** Whether pack recorded another executable bit than the checkout has for any file of the layer (older pack documents record none). */
function modesDiffer(layer: PackLayer, files: ClosureFile[]): boolean {
  const packed = new Map(layer.files.map((file) => [file.path, file.executable]));
  return files.some((file) => packed.get(file.path) !== undefined && packed.get(file.path) !== file.executable);
}

function assertSameFiles(layer: PackLayer, checkout: FileRecord[], what: string, refuse: (reason: string) => UserError): void {
  const packed = new Map(layer.files.map((file) => [file.path, file]));
  for (const file of checkout) {
    const claimed = packed.get(file.path);
    if (!claimed) throw refuse(`${file.path} of ${what} is missing from it`);
    if (claimed.size !== file.size) throw refuse(`${file.path} is ${claimed.size} bytes there, ${file.size} in the checkout`);
    if (claimed.sha256 !== file.sha256) throw refuse(`${file.path} has sha256 ${claimed.sha256} there, ${file.sha256} in the checkout`);
    packed.delete(file.path);
  }
  const extra = [...packed.keys()];
  if (extra.length > 0) throw refuse(`${extra[0]} of ${what} is not in the checkout`);
}
